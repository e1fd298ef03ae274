"""The official validation artefacts of ../shared/standards/, run as their authors publish them:
the Factur-X EN16931 XSD and the CEN, FNFE Factur-X and French BR-FR (fatal set) schematrons.

Independent of einvoice.validation on purpose: the portal's own validation is what these tests
hold to account. Each stylesheet is compiled once per test session."""

import os
from functools import cache
from pathlib import Path

from lxml import etree

from tests.conftest import require_or_skip

SVRL = "http://purl.oclc.org/dsdl/svrl"


def _standards() -> Path:
    """The artefacts beside the project (../shared/standards), wherever it is cloned."""
    candidates = [
        os.environ.get("CHORUS_STANDARDS", ""),
        str(Path(__file__).resolve().parents[3] / "shared" / "standards"),
        "/work/shared/standards",
    ]
    found = (Path(path) for path in candidates if path and Path(path, "france-rfe").is_dir())
    return next(found, Path(candidates[1]))


STANDARDS = _standards()
FACTURX_XSD = "france-rfe/Factur-X/EN16931/1xsd/Factur-X_EN16931.xsd"
CII_D16B_XSD = (
    "cen-en16931/cii/schema/D16B SCRDM (Subset)/uncoupled clm/CII/uncefact/data/standard/"
    "CrossIndustryInvoice_100pD16B.xsd"
)
SCHEMATRONS = {
    "CEN": "cen-en16931/cii/xslt/EN16931-CII-validation.xslt",
    "Factur-X": "france-rfe/Factur-X/EN16931/2xslt/FACTUR-X_EN16931.xslt",
    "BR-FR": "france-rfe/CII/EN16931/2xslt/BR-FR-Flux2-Schematron-CII.xslt",
}


def require_standards():
    require_or_skip(STANDARDS.is_dir(), f"needs the official artefacts of ../shared/standards ({STANDARDS})")


@cache
def _processor():
    from saxonche import PySaxonProcessor

    return PySaxonProcessor(license=False)


@cache
def _stylesheet(relative: str):
    executable = (
        _processor().new_xslt30_processor().compile_stylesheet(stylesheet_file=str(STANDARDS / relative))
    )
    assert executable is not None, f"cannot compile {relative}"
    return executable


@cache
def _schema(relative: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(STANDARDS / relative)))


def failures(xml: bytes) -> dict[str, list[str]]:
    """Layer → the fatal failures (`rule: message`) of the XSDs and schematrons on `xml`."""
    found: dict[str, list[str]] = {}
    document = etree.fromstring(xml)
    for name, relative in (("XSD Factur-X", FACTURX_XSD), ("XSD CII D16B", CII_D16B_XSD)):
        schema = _schema(relative)
        if not schema.validate(document):
            found[name] = [str(error.message) for error in schema.error_log]
    node = _processor().parse_xml(xml_text=xml.decode("utf-8"))
    for layer, relative in SCHEMATRONS.items():
        svrl = etree.fromstring(_stylesheet(relative).transform_to_string(xdm_node=node).encode("utf-8"))
        fatal = [
            f"{element.get('id')}: {' '.join((element.findtext(f'{{{SVRL}}}text') or '').split())}"
            for element in svrl.iter(f"{{{SVRL}}}failed-assert")
            if (element.get("flag") or "fatal").lower() not in ("warning", "information", "info")
        ]
        if fatal:
            found[layer] = fatal
    return found
