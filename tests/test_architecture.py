"""Imports go down only (README, Architecture): a module imports its own layer or a lower one,
and the e-invoice formats package imports no Django at all."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Lowest first. choruspro's helpers (forms, locale middleware) sit under every app; the rest of
# choruspro (settings, URLs, Celery app, WSGI/ASGI, the home view) wires everything together.
LAYERS = (
    "einvoice",
    "choruspro.core",
    "structures",
    "accounts",
    "annuaire",
    "invoices",
    "deposits",
    "solicitations",
    "api",
    "works",
    "demo",
    "choruspro.wiring",
)
CHORUSPRO_CORE = {
    "choruspro.admin",
    "choruspro.forms",
    "choruspro.formatting",
    "choruspro.history",
    "choruspro.middleware",
    "choruspro.outbox",
    "choruspro.spreadsheet",
    "choruspro.text",
    "choruspro.translatable",
}
# Free to import anything: they test or measure the whole portal, or start it (gunicorn.conf.py).
UNLAYERED = {"tests", "benchmarks", "manage", "gunicorn.conf"}
SKIPPED_DIRS = {".venv", ".git", "var", "node_modules", "__pycache__", ".ruff_cache"}


def layer_of(module: str) -> str | None:
    """The layer of a dotted module name; None for third-party and standard library modules."""
    package = module.split(".", 1)[0]
    if package == "choruspro":
        core = any(module == name or module.startswith(f"{name}.") for name in CHORUSPRO_CORE)
        return "choruspro.core" if core else "choruspro.wiring"
    return package if package in LAYERS else None


def imported_modules(tree: ast.AST):
    """(line, dotted name) of every import, at module level or inside a function: a lazy import
    is a dependency too. `from a import b` yields `a.b`, since b may be a module."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"


def project_sources():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if not SKIPPED_DIRS.intersection(relative.parts):
            yield relative


def module_name(relative: Path) -> str:
    return ".".join(relative.with_suffix("").parts)


def upward_imports(source: str, module: str) -> list[str]:
    own = LAYERS.index(layer_of(module))
    return [
        f"{module}:{line} imports {target} ({layer_of(target)})"
        for line, target in imported_modules(ast.parse(source))
        if layer_of(target) is not None and LAYERS.index(layer_of(target)) > own
    ]


def test_every_project_package_has_a_layer():
    packages = {
        relative.parts[0] if len(relative.parts) > 1 else relative.stem for relative in project_sources()
    }
    assert packages - UNLAYERED - {layer.split(".")[0] for layer in LAYERS} == set()


def test_no_module_imports_a_higher_layer():
    offenders = []
    for relative in project_sources():
        module = module_name(relative)
        if module not in UNLAYERED and module.split(".")[0] not in UNLAYERED:
            offenders += upward_imports((ROOT / relative).read_text(), module)
    assert offenders == []


def test_einvoice_imports_no_django():
    offenders = [
        f"{relative}:{line} imports {target}"
        for relative in project_sources()
        if relative.parts[0] == "einvoice"
        for line, target in imported_modules(ast.parse((ROOT / relative).read_text()))
        if target.split(".")[0] == "django"
    ]
    assert offenders == []


def test_einvoice_runs_without_django():
    """Not even a library it uses brings Django in: the package works in any Python process."""
    code = (
        "import sys, einvoice.cii, einvoice.extraction, einvoice.facturx_pdf, einvoice.validation; "
        "sys.exit('django' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=False).returncode == 0


@pytest.mark.parametrize(
    ("source", "module", "found"),
    [
        ("from deposits import selectors", "invoices.views.supplier", 1),
        ("def f():\n    from invoices.services import submit_invoice", "structures.services", 1),
        ("import demo.invoices", "choruspro.forms", 1),
        ("from choruspro import celery", "invoices.tasks", 1),
        ("from choruspro.forms import PortalForm\nfrom structures import models", "accounts.forms", 0),
        ("from invoices import services", "choruspro.views", 0),
    ],
)
def test_the_check_sees_upward_imports_wherever_they_are(source, module, found):
    assert len(upward_imports(source, module)) == found
