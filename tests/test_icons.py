"""Every DSFR icon a template names exists in the bundled DSFR (a missing one shows a square)."""

import re
from pathlib import Path

import dsfr

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
DIST = Path(dsfr.__file__).parent / "static" / "dsfr" / "dist"


def test_every_icon_class_of_the_templates_is_in_the_bundled_dsfr():
    bundled = set()
    for css in (DIST / "dsfr.min.css", DIST / "utility" / "utility.min.css"):
        bundled |= set(re.findall(r"\.(fr-icon-[a-z0-9-]+)", css.read_text()))
    used = {
        name
        for template in TEMPLATES.rglob("*.html")
        for name in re.findall(r"\b(fr-icon-[a-z0-9-]+)", template.read_text())
    }
    assert used and used - bundled == set()
