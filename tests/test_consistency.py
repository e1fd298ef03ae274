"""Project rules that no single feature test would catch."""

import re
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
PROJECT_APPS = ("accounts", "structures", "annuaire", "invoices")


def _app_sources():
    for app in PROJECT_APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def test_status_is_written_only_in_services():
    """A status changes only through its app's services (house style §C.7)."""
    offenders = []
    for path in _app_sources():
        if path.name == "services.py":
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
