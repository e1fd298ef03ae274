"""Invoice documents: CII EN 16931 XML, its validation, the Factur-X PDF and the deposit certificate."""

import datetime
import io
from decimal import Decimal

import facturx
import pytest
from lxml import etree
from pypdf import PdfReader

from einvoice import cii
from einvoice.cii import NSMAP, build_cii_xml
from einvoice.validation import validate_xml
from invoices import documents
from invoices import services as invoice_services
from invoices.enums import ExemptionReason, InvoiceType, OperationCategory, PaymentMode, VatCategory, VatType
from structures.models import BankAccount, StructureService

LINES = [
    {
        "reference": "FEN-01",
        "designation": "Fenêtre PVC",
        "quantity": "2",
        "unit_price": "450.00",
        "discount": "30",
        "vat_rate": "20",
    },
    {"designation": "Pose", "quantity": "3.5", "unit": "heure", "unit_price": "42.10", "vat_rate": "20"},
    {"designation": "Travaux d'isolation", "quantity": "1", "unit_price": "1234.56", "vat_rate": "5.5"},
]


@pytest.fixture
def parties(supplier, recipient):
    service = StructureService.objects.create(
        structure=recipient, code="SERV-TECH", libelle="Services techniques"
    )
    account = BankAccount.objects.create(
        structure=supplier, libelle="Compte courant", iban="FR7630006000011234567890189", bic="AGRIFRPPXXX"
    )
    return supplier, recipient, service, account


@pytest.fixture
def make_doc(parties):
    supplier, recipient, service, account = parties
    counter = iter(range(1, 1000))

    def make(lines=LINES, **data):
        values = {
            "recipient_id": recipient.pk,
            "recipient_service_id": service.pk,
            "number": f"F2026-{next(counter):04d}",
            "invoice_date": datetime.date(2026, 11, 2),
            "due_date": datetime.date(2026, 12, 2),
            "payment_mode": "VIREMENT",
            "bank_account_id": account.pk,
            "numero_engagement": "EJ-2026-0042",
            "contract_number": "MARCHE-2026-7",
            "global_discount": Decimal("10.00"),
            "global_discount_reason": "Geste commercial",
        }
        values.update(data)
        return invoice_services.save_draft(actor=supplier.gp, structure=supplier, data=values, lines=lines)

    return make


def xpath(xml: bytes, path: str):
    return etree.fromstring(xml).xpath(path, namespaces=NSMAP)


def assert_valid(xml: bytes):
    report = validate_xml(xml)
    assert report.errors == []
    return report


def test_invoice_cii_is_en16931_valid(make_doc):
    invoice = make_doc()
    xml = build_cii_xml(invoice)
    assert_valid(xml)
    assert xpath(xml, "//rsm:ExchangedDocument/ram:ID/text()") == [invoice.number]
    assert xpath(xml, "//rsm:ExchangedDocument/ram:TypeCode/text()") == ["380"]
    assert xpath(xml, "//ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID/text()") == ["S1"]
    assert xpath(xml, "//ram:BuyerReference/text()") == ["SERV-TECH"]
    assert xpath(xml, "//ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID/text()") == ["EJ-2026-0042"]
    assert xpath(xml, "//ram:IBANID/text()") == ["FR7630006000011234567890189"]
    assert xpath(xml, "//ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode/text()") == ["58"]
    seller_id = xpath(xml, "//ram:SellerTradeParty/ram:SpecifiedLegalOrganization/ram:ID")[0]
    assert (seller_id.text, seller_id.get("schemeID")) == (invoice.supplier.identifier[:9], "0002")
    summation = "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/"
    assert xpath(xml, summation + "ram:TaxBasisTotalAmount/text()") == [str(invoice.total_ht)]
    assert xpath(xml, summation + "ram:DuePayableAmount/text()") == [str(invoice.amount_due)]
    assert xpath(xml, summation + "ram:TotalPrepaidAmount/text()") == ["10.00"]  # the TTC discount
    assert sorted(
        xpath(
            xml,
            "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:RateApplicablePercent/text()",
        )
    ) == ["20.00", "5.50"]


def test_broken_total_is_reported(make_doc):
    xml = build_cii_xml(make_doc())
    root = etree.fromstring(xml)
    node = root.xpath("//ram:TaxBasisTotalAmount", namespaces=NSMAP)[0]
    node.text = str(Decimal(node.text) + 1)
    report = validate_xml(etree.tostring(root))
    assert any(finding.rule.startswith("BR-CO-") for finding in report.errors), report.errors


def test_doctype_is_refused():
    xml = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<rsm:CrossIndustryInvoice xmlns:rsm='urn:un:unece:uncefact:data:standard:"
        b"CrossIndustryInvoice:100'>&x;</rsm:CrossIndustryInvoice>"
    )
    report = validate_xml(xml)
    assert [finding.rule for finding in report.errors] == ["XML"]


def test_credit_note_validates(make_doc):
    invoice = make_doc(
        invoice_type="AVOIR",
        payment_mode="",
        origin_invoice_number="F2026-0001",
        global_discount=Decimal(0),
        global_discount_reason="",
    )
    xml = build_cii_xml(invoice)
    assert_valid(xml)
    assert xpath(xml, "//rsm:ExchangedDocument/ram:TypeCode/text()") == ["381"]
    assert Decimal(xpath(xml, "//ram:DuePayableAmount/text()")[0]) > 0
    assert xpath(xml, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID/text()") == ["F2026-0001"]


def test_exempt_invoice_validates(make_doc):
    lines = [
        {
            "designation": "Prestation de conseil",
            "quantity": "1",
            "unit_price": "800",
            "vat_category": "E",
            "vat_rate": "0",
        }
    ]
    invoice = make_doc(
        lines=lines,
        vat_type="EXONERATION",
        exemption_reason=ExemptionReason.ART_293B,
        payment_mode="CHEQUE",
        bank_account_id=None,
    )
    xml = build_cii_xml(invoice)
    assert_valid(xml)
    assert xpath(
        xml, "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:CategoryCode/text()"
    ) == ["E"]
    assert "293 B" in xpath(xml, "//ram:ApplicableTradeTax/ram:ExemptionReason/text()")[0]
    text = pdf_text(documents.render_invoice_pdf(invoice))
    assert "TVA non applicable, art. 293 B du CGI" in text


def test_the_cii_writer_knows_every_code_of_the_portal():
    # einvoice keys its tables by the stored codes (it does not import Django): a code added to
    # invoices.enums must be added there too, and the legal mention is the French label.
    assert set(cii.TYPE_CODES) == set(InvoiceType.values)
    assert set(cii.PAYMENT_MEANS) == set(PaymentMode.values)
    assert set(cii.VAT_DUE_DATE_CODES) < set(VatType.values)
    assert set(cii.EXEMPTION_TEXTS) == set(ExemptionReason.values)
    assert set(cii.CATEGORY_REASONS) | {"S", "Z", "E"} == set(VatCategory.values)
    assert set(cii.PROCESS_PREFIXES) == set(OperationCategory.values)


def pdf_text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_facturx_pdf_round_trip(make_doc):
    invoice = make_doc()
    xml = build_cii_xml(invoice)
    pdf = documents.build_facturx_pdf(invoice, xml=xml)
    assert pdf.startswith(b"%PDF")
    filename, embedded = facturx.get_xml_from_pdf(pdf, check_xsd=False)
    assert filename == "factur-x.xml"
    assert embedded == xml
    text = pdf_text(pdf)
    for expected in (
        invoice.number,
        "Net à payer",
        "EJ-2026-0042",
        "SERV-TECH",
        "Geste commercial",
        "FR7630006000011234567890189",
        "40 €",
        "L441-10",
        invoice.supplier.identifier,
    ):
        assert expected in text, expected


def test_deposit_certificate(make_doc):
    invoice = make_doc()
    pdf = documents.build_facturx_pdf(invoice)
    digest = documents.sha256_hex(pdf)
    certificate = documents.render_deposit_certificate_pdf(invoice, digest)
    text = pdf_text(certificate)
    assert "Certificat de dépôt" in text
    assert invoice.number in text
    assert digest[:32] in text.replace("\n", "").replace(" ", "")
