"""The extraction core over the public corpus and over French PDFs of several layouts."""

import datetime
import io
import json
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from pypdf import PdfWriter
from weasyprint import HTML

from einvoice.extraction import ExtractionError, extract

KEYS = (
    "invoice_number",
    "issue_date",
    "due_date",
    "document_type",
    "currency",
    "supplier_identifier",
    "supplier_vat_number",
    "recipient_identifier",
    "service_code",
    "engagement_number",
    "total_ht",
    "total_vat",
    "total_ttc",
    "amount_due",
    "iban",
)


def _corpus_files(corpus, *folders):
    return sorted(path for folder in folders for path in (corpus / folder).rglob("*") if path.is_file())


def _stems(corpus):
    return sorted(path.stem for path in (corpus / "xml-rechnung" / "FX").glob("*.pdf"))


def test_every_corpus_file_is_read_or_refused_cleanly(corpus):
    """No crash on any file: a result, or an ExtractionError with a French message."""
    outcomes = {}
    for path in _corpus_files(corpus, "xml-rechnung", "cen-en16931", "plain-pdf", "broken"):
        try:
            result = extract(path.read_bytes(), path.name)
        except ExtractionError as error:
            assert error.message and error.code
            outcomes[path.name] = error.code
        else:
            outcomes[path.name] = result.format
            json.dumps(result.to_json())
    assert outcomes["EN16931_Einfach.pdf"] == "facturx"
    assert outcomes["EN16931_Einfach.ubl.xml"] == "ubl"
    assert outcomes["CII_example1.xml"] == "cii"
    assert outcomes["free_fiber.pdf"] == "pdf"
    assert len(outcomes) > 100


@pytest.mark.parametrize("stem", [
    "EN16931_Einfach", "EN16931_Gutschrift", "EN16931_Rabatte", "EN16931_Innergemeinschaftliche_Lieferungen",
    "EN16931_Miete", "EN16931_Reisekostenabrechnung", "EN16931_Einfach_negativePaymentDue",
])  # fmt: skip
def test_the_same_invoice_reads_the_same_in_facturx_cii_and_ubl(corpus, stem):
    base = corpus / "xml-rechnung"
    results = [
        extract((base / "FX" / f"{stem}.pdf").read_bytes(), f"{stem}.pdf"),
        extract((base / "CII" / f"{stem}.cii.xml").read_bytes(), f"{stem}.cii.xml"),
        extract((base / "UBL" / f"{stem}.ubl.xml").read_bytes(), f"{stem}.ubl.xml"),
    ]
    views = [({key: r.fields.get(key) for key in KEYS}, r.lines, r.vat_summary) for r in results]
    assert views[0] == views[1] == views[2]
    assert views[0][0]["invoice_number"] and views[0][1]


def test_all_twenty_two_triples_are_identical(corpus):
    base = corpus / "xml-rechnung"
    for stem in _stems(corpus):
        fx = extract((base / "FX" / f"{stem}.pdf").read_bytes(), "a.pdf")
        ubl = extract((base / "UBL" / f"{stem}.ubl.xml").read_bytes(), "a.xml")
        assert ({k: fx.fields.get(k) for k in KEYS}, fx.lines, fx.vat_summary) == (
            {k: ubl.fields.get(k) for k in KEYS},
            ubl.lines,
            ubl.vat_summary,
        ), stem


def test_known_values_of_a_structured_invoice(corpus):
    result = extract((corpus / "xml-rechnung" / "CII" / "EN16931_Einfach.cii.xml").read_bytes(), "x.xml")
    fields = result.fields
    assert (fields["invoice_number"], fields["issue_date"], fields["currency"]) == (
        "471102",
        datetime.date(2018, 3, 5),
        "EUR",
    )
    assert (fields["total_ht"], fields["total_vat"], fields["total_ttc"], fields["amount_due"]) == (
        D("473.00"), D("56.87"), D("529.87"), D("529.87"),
    )  # fmt: skip
    assert fields["supplier_vat_number"] == "DE123456789" and fields["document_type"] == "FACTURE"
    assert [line["designation"] for line in result.lines] == ["Trennblätter A4", "Joghurt Banane"]
    assert result.profile == "EN16931" and result.validation.errors == []


def test_credit_notes_are_avoirs_with_positive_amounts(corpus):
    examples = corpus / "cen-en16931" / "ubl" / "examples"
    credit = extract((examples / "ubl-tc434-creditnote1.xml").read_bytes(), "x.xml")
    assert credit.fields["document_type"] == "AVOIR" and credit.fields["total_ttc"] > 0
    self_billed = extract(
        (corpus / "xml-rechnung" / "UBL" / "EN16931_Gutschrift.ubl.xml").read_bytes(), "x.xml"
    )
    assert (self_billed.fields["type_code"], self_billed.fields["document_type"]) == ("389", "FACTURE")
    negative = extract(
        (corpus / "cen-en16931" / "ubl" / "examples" / "BIS3_Invoice_negativ.XML").read_bytes(), "x.xml"
    )
    assert negative.fields["type_code"] == "380"
    assert negative.fields["document_type"] == "AVOIR" and negative.fields["total_ttc"] == D("782179.43")


@pytest.mark.parametrize(
    ("name", "truth"),
    [
        ("free_fiber.pdf", {"invoice_number": "562044387", "issue_date": datetime.date(2015, 7, 2),
                            "due_date": datetime.date(2015, 7, 5), "total_ht": D("24.99"),
                            "total_ttc": D("29.99"), "supplier_identifier": "421938861",
                            "supplier_vat_number": "FR60421938861", "currency": "EUR"}),
        ("NetpresseInvoice.pdf", {"invoice_number": "2022089083", "issue_date": datetime.date(2022, 11, 28),
                                  "total_ht": D("46.68"), "total_ttc": D("56.02"), "currency": "EUR",
                                  "supplier_identifier": "53084813400017"}),
    ],
)  # fmt: skip
def test_plain_pdfs_of_the_corpus(corpus, name, truth):
    expected = json.loads((corpus / "plain-pdf" / name.replace(".pdf", ".json")).read_text())[0]
    assert str(truth["total_ttc"]) == f"{expected['amount']:.2f}"
    assert str(truth["total_ht"]) == f"{expected['amount_untaxed']:.2f}"
    result = extract((corpus / "plain-pdf" / name).read_bytes(), name)
    assert {key: result.fields.get(key) for key in truth} == truth
    assert result.sources["invoice_number"]


def _pdf(body: str) -> bytes:
    return HTML(
        string=f"<html><body style='font-family: sans-serif; font-size: 10pt'>{body}</body></html>"
    ).write_pdf()


LAYOUT_LEFT = """
<h1>FACTURE N° F2026-0042</h1>
<p>Date de facture : 15/10/2026</p><p>Date d'échéance : 14/11/2026</p>
<p>Menuiserie Dupont — SIRET 418 166 096 00069 — N° TVA intracommunautaire : FR16418166096</p>
<p>Destinataire : Commune de Démoville — SIRET client : 213 800 006 00016</p>
<p>N° d'engagement : EJ-2026-77 — Code service : TECHNIQUE</p>
<table><tr><td>Total HT</td><td>1 245,30 €</td></tr><tr><td>TVA 20 %</td><td>249,06 €</td></tr>
<tr><td>Total TTC</td><td>1 494,36 €</td></tr><tr><td>Net à payer</td><td>1 494,36 €</td></tr></table>
<p>IBAN : FR76 3000 6000 0112 3456 7890 189 — BIC : AGRIFRPPXXX</p>
"""
LAYOUT_COLUMNS = """
<h1>Facture</h1>
<table style="width:100%"><tr><th>Numéro de facture</th><th>Date</th><th>Bon de commande</th></tr>
<tr><td>2026/117</td><td>3 novembre 2026</td><td>BC-889</td></tr></table>
<p style="margin-top:3cm">Mentions : SIRET 41816609600069</p>
<table style="width:100%; margin-top:2cm"><tr><th>Montant HT</th><th>Montant TVA</th><th>Montant TTC</th></tr>
<tr><td>1.245,30</td><td>249,06</td><td>1.494,36</td></tr></table>
"""


def test_french_pdf_label_left_of_value():
    fields = extract(_pdf(LAYOUT_LEFT), "f.pdf").fields
    assert fields["invoice_number"] == "F2026-0042"
    assert (fields["issue_date"], fields["due_date"]) == (
        datetime.date(2026, 10, 15),
        datetime.date(2026, 11, 14),
    )
    assert fields["recipient_identifier"] == "21380000600016"
    assert fields["supplier_identifier"] == "41816609600069"
    assert fields["supplier_vat_number"] == "FR16418166096"
    assert (fields["engagement_number"], fields["service_code"]) == ("EJ-2026-77", "TECHNIQUE")
    assert (fields["total_ht"], fields["total_vat"], fields["total_ttc"], fields["amount_due"]) == (
        D("1245.30"), D("249.06"), D("1494.36"), D("1494.36"),
    )  # fmt: skip
    assert (fields["iban"], fields["bic"]) == ("FR7630006000011234567890189", "AGRIFRPPXXX")


def test_french_pdf_values_below_their_column_headers():
    fields = extract(_pdf(LAYOUT_COLUMNS), "f.pdf").fields
    assert fields["invoice_number"] == "2026/117"
    assert fields["issue_date"] == datetime.date(2026, 11, 3)
    assert fields["engagement_number"] == "BC-889"
    assert (fields["total_ht"], fields["total_vat"], fields["total_ttc"]) == (
        D("1245.30"),
        D("249.06"),
        D("1494.36"),
    )


def test_only_first_penultimate_and_last_pages_are_read():
    decoy = "<p>Total HT : 9 999,99 €</p><p>Total TTC : 9 999,99 €</p>"
    pages = (
        ["<h1>Facture n° M-1</h1><p>Date : 01/10/2026</p>"]
        + [decoy] * 3
        + ["<p>Total HT : 100,00 €</p><p>TVA : 20,00 €</p><p>Total TTC : 120,00 €</p>"]
    )
    body = "".join(f"<section style='page-break-after: always'>{page}</section>" for page in pages)
    result = extract(_pdf(body), "long.pdf")
    assert (result.fields["total_ht"], result.fields["total_ttc"]) == (D("100.00"), D("120.00"))
    assert result.text_layer_pages == 3


def test_a_credit_note_pdf():
    fields = extract(
        _pdf("<h1>AVOIR N° AV-12</h1><p>Date : 02/11/2026</p><p>Total TTC : 60,00 €</p>"), "a.pdf"
    ).fields
    assert (fields["document_type"], fields["invoice_number"]) == ("AVOIR", "AV-12")


def test_identifiers_failing_their_checksum_are_never_returned():
    fields = extract(
        _pdf("<h1>Facture n° 1</h1><p>SIRET client : 123 456 789 00012</p><p>IBAN : FR76 1234</p>"), "x.pdf"
    ).fields
    assert "recipient_identifier" not in fields and "iban" not in fields


def test_a_scan_has_no_text_layer():
    result = extract(_pdf("<div style='width:12cm;height:16cm;background:#555'></div>"), "scan.pdf")
    assert result.no_text_layer and result.fields == {}
    assert result.validation.warnings[0].rule == "PDF-TEXTE"


ORDER_X = b"<r:SCRDMCCBDACIOMessageStructure xmlns:r='urn:un:unece:uncefact:data:" + (
    b"SCRDMCCBDACIOMessageStructure:100'/>"
)
ZUGFERD_1 = b"<rsm:CrossIndustryDocument xmlns:rsm='urn:ferd:CrossIndustryDocument:invoice:1p0'/>"


def test_bad_files_are_refused_with_a_reason(corpus):
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.encrypt("motdepasse")
    buffer = io.BytesIO()
    writer.write(buffer)
    good = _pdf("<h1>Facture n° 1</h1>")
    cases = [
        (buffer.getvalue(), "x.pdf", "encrypted_pdf"),
        (good[: len(good) // 2], "x.pdf", "corrupt_pdf"),
        (good, "x.xml", "extension_mismatch"),
        (b"", "x.pdf", "empty"),
        (b"\x00\x01binary", "x.pdf", "unsupported_format"),
        (b"<?xml version='1.0'?><commande/>", "x.xml", "not_an_invoice"),
        (ZUGFERD_1, "z.xml", "zugferd1"),
        (ORDER_X, "o.xml", "order_x"),
        (b"<a><b></a>", "x.xml", "malformed_xml"),
        (b"%PDF-1.7 " + b"0" * (11 * 1024 * 1024) + b"%%EOF", "x.pdf", "too_large"),
    ]  # fmt: skip
    for data, name, code in cases:
        with pytest.raises(ExtractionError) as refused:
            extract(data, name)
        assert refused.value.code == code, name


@pytest.mark.parametrize(
    "xml",
    [
        b"<?xml version='1.0'?><!DOCTYPE r [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><r>&x;</r>",
        b"<!DOCTYPE lolz [<!ENTITY a 'aaaa'><!ENTITY b '&a;&a;&a;&a;'><!ENTITY c '&b;&b;&b;&b;'>]><r>&c;</r>",
        "<?xml version='1.0' encoding='utf-16'?><!DOCTYPE r SYSTEM 'http://exemple.org/x.dtd'><r/>".encode(
            "utf-16"
        ),
    ],
    ids=["external-entity", "billion-laughs", "utf16-doctype"],
)
def test_doctype_and_entities_are_refused_before_any_parser(xml):
    with pytest.raises(ExtractionError) as refused:
        extract(xml, "x.xml")
    assert refused.value.code == "unsafe_xml" and "root:" not in refused.value.message


def test_a_factur_x_carrying_a_doctype_is_refused():
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    evil = b"<?xml version='1.0'?><!DOCTYPE r [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><r>&x;</r>"
    writer.add_attachment("factur-x.xml", evil)
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(ExtractionError) as refused:
        extract(buffer.getvalue(), "facture.pdf")
    assert refused.value.code == "unsafe_xml"


def test_extract_invoice_command_json(corpus, capsys):
    files = [
        str(corpus / "xml-rechnung" / "UBL" / "EN16931_Einfach.ubl.xml"),
        str(corpus / "plain-pdf" / "NetpresseInvoice.pdf"),
        str(corpus / "broken" / "LICENSE-zugferd-corpus"),
    ]
    with pytest.raises(SystemExit) as exit_code:
        call_command("extract_invoice", "--json", *files)
    assert exit_code.value.code == 1
    documents = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    ubl, pdf, broken = documents
    assert (ubl["ok"], ubl["format"], ubl["profile"]) == (True, "ubl", "EN16931")
    assert ubl["fields"]["issue_date"] == "2018-03-05" and ubl["fields"]["total_ttc"] == "529.87"
    assert ubl["fields"]["recipient_identifier"] is not None or "recipient_identifier" in ubl["fields"]
    assert pdf["fields"]["amount_due"] is None and pdf["fields"]["total_vat"] == "9.34"
    assert (broken["ok"], broken["format"]) == (False, None) and broken["error"]
    assert set(ubl) == {"file", "ok", "error", "format", "profile", "fields", "lines", "validation"}


def test_extract_invoice_command_summary(corpus, capsys):
    call_command("extract_invoice", str(corpus / "plain-pdf" / "free_fiber.pdf"))
    out = capsys.readouterr().out
    assert "Format : pdf" in out and "invoice_number : 562044387" in out
