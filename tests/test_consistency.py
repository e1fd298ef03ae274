"""Project rules that no single feature test would catch."""

import re
from pathlib import Path

from django.apps import apps

from deposits.enums import FluxStatus
from invoices.enums import InvoiceStatus
from solicitations.enums import SolicitationStatus

ROOT = Path(__file__).resolve().parent.parent
PROJECT_APPS = ("accounts", "structures", "annuaire", "invoices", "deposits", "solicitations")
# Every directory of Python code the project owns, for the rules on its sources.
CODE_DIRS = (*PROJECT_APPS, "choruspro")


def _app_sources():
    for app in CODE_DIRS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def test_status_is_written_only_in_services():
    """A status changes only through its app's services (house style §C.7)."""
    offenders = []
    for path in _app_sources():
        if path.name == "services.py" or "services" in path.parent.parts[-1:]:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"\.status\s*=[^=]", line) or re.search(
                r"(\)|objects)\.update\([^)]*\bstatus=", line
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_verbose_names_are_lowercase():
    """Model verbose names are lowercase so Django can capitalise them where needed."""
    offenders = []
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for name in (model._meta.verbose_name, model._meta.verbose_name_plural):
            if str(name)[:1] != str(name)[:1].lower():
                offenders.append(f"{model.__name__}: {name}")
        for field in model._meta.get_fields():
            verbose = getattr(field, "verbose_name", None)
            if verbose and str(verbose)[:1].isupper() and not str(verbose)[:4].isupper():
                offenders.append(f"{model.__name__}.{field.name}: {verbose}")
    assert offenders == []


def test_no_relative_imports():
    offenders = [
        str(path.relative_to(ROOT))
        for path in _app_sources()
        if re.search(r"^from \.", path.read_text(), re.MULTILINE)
    ]
    assert offenders == []


# Only the enums (values and labels), the workflows (which status allows what) and the reform's
# table (which status is which reform status, invoices/reform.py) name statuses.
STATUS_ENUMS = (InvoiceStatus, FluxStatus, SolicitationStatus)
STATUS_FILES = ("enums.py", "workflow.py", "reform.py")
# Where naming a status cannot be avoided, with the reason.
STATUS_ALLOWED = {
    # Database constraints spell the stored codes exactly as their migration does.
    "invoices/models.py": {
        'condition=~models.Q(status__in=["SUPPRIMEE", "REJETEE"]),',
        'condition=~models.Q(status="MANDATEE") | ~models.Q(mandate_number=""),',
    },
}
_NAMES = "|".join(e.__name__ for e in STATUS_ENUMS)
_CODES = "|".join(sorted({v for e in STATUS_ENUMS for v in e.values}, key=len, reverse=True))
_MEMBER = re.compile(rf"\b(?:{_NAMES})\.[A-Z][A-Z_]*\b")
_ALIAS = re.compile(rf"import .*\b(?:{_NAMES}) as\b")
_CODE = re.compile(rf"""["'](?:{_CODES})["']""")


def _status_offenders(paths, patterns):
    offenders = []
    for path in paths:
        relative = str(path.relative_to(ROOT))
        allowed = STATUS_ALLOWED.get(relative, set())
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if line.strip() not in allowed and any(p.search(line) for p in patterns):
                offenders.append(f"{relative}:{number}: {line.strip()}")
    return offenders


def test_statuses_are_named_only_in_enums_and_workflows():
    """Services ask the workflow, views and templates read the abilities: no one else names a
    status (a member such as `InvoiceStatus.DRAFT` or a raw code such as "BROUILLON")."""
    sources = [path for path in _app_sources() if path.name not in STATUS_FILES]
    assert _status_offenders(sources, (_MEMBER, _ALIAS, _CODE)) == []


def test_templates_name_no_status_code():
    templates = sorted((ROOT / "templates").rglob("*.html")) + sorted((ROOT / "templates").rglob("*.txt"))
    assert _status_offenders(templates, (_CODE,)) == []


def test_the_status_check_sees_a_status_literal():
    """The checks above find what they look for (they would pass on nothing otherwise)."""
    lines = [
        "if invoice.status == InvoiceStatus.DRAFT:",
        'if x == "A_RECYCLER":',
        "{% if s == 'IN_REJETE' %}",
    ]
    found = [line for line in lines if any(p.search(line) for p in (_MEMBER, _CODE))]
    assert found == lines
    assert not _CODE.search('number = f"BROUILLON-{pk}"')


def test_invoice_history_is_written_only_by_events():
    """One typed function per history event (invoices/events.py) writes every history row."""
    models = "InvoiceStatusChange|InvoiceUserAction|InvoiceEvent"
    writes = re.compile(rf"(?<!class )\b(?:{models})(?:\(|\.objects\.(?:create|bulk_create))")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in _app_sources()
        if path.relative_to(ROOT).as_posix() != "invoices/events.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if writes.search(line)
    ]
    assert offenders == []


def test_routes_are_declared_in_urls_modules():
    """URL patterns live in an app's urls.py, not next to its views."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in _app_sources()
        if "views" in path.relative_to(ROOT).parts
        and re.search(r"^urlpatterns\b", path.read_text(), re.MULTILINE)
    ]
    assert offenders == []
