"""The English catalogue is complete: every French string of the portal has its translation."""

import ast
import gettext
from pathlib import Path

import pytest
from django.utils import translation

PO = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _po_entries():
    """(msgid, [msgstr…], fuzzy) for each entry of the .po, continuation lines joined."""
    entries, entry, field = [], None, None
    for line in PO.read_text().splitlines() + [""]:
        if not line.strip():
            if entry is not None:
                entries.append(entry)
            entry, field = None, None
            continue
        if entry is None:
            entry = {"id": "", "plural": "", "str": {}, "fuzzy": False}
        if line.startswith("#,") and "fuzzy" in line:
            entry["fuzzy"] = True
        elif line.startswith("#"):
            continue
        elif line.startswith("msgid_plural "):
            field, entry["plural"] = "plural", ast.literal_eval(line[13:])
        elif line.startswith("msgid "):
            field, entry["id"] = "id", ast.literal_eval(line[6:])
        elif line.startswith("msgstr"):
            key, value = line.split(" ", 1)
            field = key
            entry["str"][key] = ast.literal_eval(value)
        elif line.startswith('"') and field:
            if field in ("id", "plural"):
                entry[field] += ast.literal_eval(line)
            else:
                entry["str"][field] += ast.literal_eval(line)
    return [e for e in entries if e["id"]]


def test_catalogue_has_no_untranslated_or_fuzzy_entry():
    problems = [e["id"] for e in _po_entries() if e["fuzzy"] or not all(e["str"].values())]
    assert problems == []


def test_compiled_catalogue_matches_the_po():
    """django.mo is committed (a fresh clone needs no gettext) and must hold every entry."""
    with PO.with_suffix(".mo").open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog
    compiled = {key if isinstance(key, str) else key[0] for key in catalog if key}
    assert {e["id"] for e in _po_entries()} <= compiled


@pytest.mark.django_db
def test_pages_speak_english_on_request(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    content = client.get("/").content.decode()
    assert "Log in" in content
    assert "Se connecter" not in content
    with translation.override("en"):
        assert translation.gettext("Accueil") == "Home"
