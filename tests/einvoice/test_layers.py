"""The layers of `einvoice.validation.validate` and the severity the caller gives each."""

import pytest
from lxml import etree

from einvoice import validation, xmlsafe
from einvoice.extraction import extract
from einvoice.facturx_pdf import invoice_xml
from einvoice.structured import CII, UBL
from tests.einvoice.test_corpus import _failed, _stylesheet

EINFACH = "xml-rechnung/CII/EN16931_Einfach.cii.xml"


def test_a_deposit_shows_br_fr_as_warnings_and_an_issued_invoice_must_pass_them(corpus):
    root = xmlsafe.parse((corpus / EINFACH).read_bytes())
    deposited, profile = validation.validate(root, "cii", layers=validation.DEPOSIT)
    assert profile == "EN16931" and deposited.is_valid
    french = {finding.rule for finding in deposited.warnings if finding.layer == "BR-FR"}
    assert "BR-FR-10_BT-30" in french  # a German seller has no SIREN
    issued, _profile = validation.validate(root, "cii", layers=validation.ISSUE)
    assert not issued.is_valid
    assert {finding.rule for finding in issued.errors if finding.layer == "BR-FR"} == french
    assert all(finding.text and finding.message for finding in issued.errors)


def test_a_layer_left_out_does_not_run(corpus):
    root = xmlsafe.parse((corpus / EINFACH).read_bytes())
    report, _profile = validation.validate(root, "cii", layers={"xsd": validation.FATAL})
    assert report.errors == [] and report.warnings == []
    root[0].tag = "{urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100}Unknown"
    report, _profile = validation.validate(root, "cii", layers={"xsd": validation.FATAL})
    assert [finding.rule for finding in report.errors] == ["XSD"]


def test_a_crashing_validator_is_never_a_pass(corpus):
    # The BR-FR stylesheet fails with XPTY0004 on this EXTENDED file (standards.md).
    path = corpus / "zugferd-v2/correct/intarsys/EXTENDED/zugferd_2p0_EXTENDED_Fremdwaehrung.pdf"
    root = invoice_xml(path.read_bytes())
    report, profile = validation.validate(root, "cii", in_pdf=True, layers={"br-fr": validation.FATAL})
    assert profile == "EXTENDED"
    assert [(finding.rule, finding.layer) for finding in report.errors] == [("VALIDATOR", "BR-FR")]
    assert "is not allowed as the first operand" in report.errors[0].message
    # In a deposit, the BR-FR layer is a warning: the failure is shown, not hidden.
    deposited = extract(path.read_bytes(), path.name).validation
    assert ("VALIDATOR", "BR-FR") in {(finding.rule, finding.layer) for finding in deposited.warnings}


def test_plain_en16931_is_judged_by_cen_bare_and_by_factur_x_inside_a_pdf(corpus):
    root = xmlsafe.parse((corpus / EINFACH).read_bytes())
    assert validation.ruleset_of(root, "cii") is validation.CEN_CII
    assert validation.ruleset_of(root, "cii", in_pdf=True) is validation.FACTURX_EN16931


@pytest.mark.parametrize(
    ("name", "syntax", "path"),
    [
        (
            EINFACH,
            "cii",
            "rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID",
        ),
        ("xml-rechnung/UBL/EN16931_Einfach.ubl.xml", "ubl", "cbc:CustomizationID"),
    ],
)
def test_an_extended_ctc_fr_invoice_is_judged_by_the_french_ctc_rules(corpus, standards, name, syntax, path):
    root = xmlsafe.parse((corpus / name).read_bytes())
    root.xpath(path, namespaces={**CII, **UBL})[0].text = validation.CTC_FR
    report, profile = validation.validate(root, syntax, layers=validation.ISSUE)
    assert profile == "EXTENDED-CTC-FR"
    layers = {finding.layer for finding in report.errors + report.warnings}
    assert "VALIDATOR" not in {finding.rule for finding in report.errors + report.warnings}
    assert "BR-FR" in layers and "EN16931" not in layers
    # The same ids as the official stylesheet run directly on the same document.
    folder = "CII" if syntax == "cii" else "UBL"
    official = _stylesheet(f"france-rfe/{folder}/EXTENDED-CTC-FR/2xslt/EXTENDED-CTC-FR-{folder}.xslt")
    node = validation._saxon().parse_xml(xml_text=etree.tostring(root, encoding="unicode"))
    fatal, _warnings = _failed(official.transform_to_string(xdm_node=node))
    assert {finding.rule for finding in report.errors if finding.layer == "EXTENDED-CTC-FR"} == fatal
