"""The failures seen on real invoices (issue 13), each on a small PDF: what is printed elsewhere
than under its label is never taken, and the labels invoices really use are read."""

import datetime
from decimal import Decimal as D

import pytest
from weasyprint import HTML

from einvoice.extraction import extract


def _fields(body: str):
    data = HTML(string=f"<html><body style='font-family: sans-serif; font-size: 10pt'>{body}</body></html>")
    return extract(data.write_pdf(), "f.pdf", validate=False)


def test_a_siret_beside_the_vat_number_is_not_the_vat_total():
    result = _fields(
        "<p>Menuiserie Dupont — SIRET 418 166 096 00069 — TVA FR16418166096</p>"
        "<h1>Facture F-2024-118</h1><p>Date de facture : 02/03/2026</p>"
        "<table><tr><td>Total HT</td><td>100,00 €</td></tr>"
        "<tr><td>Total TTC</td><td>120,00 €</td></tr></table>"
    )
    assert "total_vat" not in result.fields and "total_vat" not in result.to_check
    assert result.fields["invoice_number"] == "F-2024-118"
    assert result.fields["supplier_identifier"] == "41816609600069"
    assert result.fields["supplier_vat_number"] == "FR16418166096"


def test_a_number_in_a_sentence_is_not_the_engagement_number():
    fields = _fields(
        "<h1>AVOIR AV-77</h1><p>Livraison gratuite dès 150,00 € de commande, commande n° 4521 exceptée.</p>"
        "<p>Votre référence : BC-2026-31</p><p>Date : 05/03/2026</p>"
    ).fields
    assert (fields["document_type"], fields["invoice_number"]) == ("AVOIR", "AV-77")
    assert fields["engagement_number"] == "BC-2026-31"


def test_the_issue_date_is_the_one_labelled_as_this_documents_date():
    fields = _fields(
        "<p>Rappel : notre facture F-12 du 01/02/2026 a été réglée le 12/02/2026.</p>"
        "<p>Livraison effectuée le 28/02/2026.</p><p>Numéro de facture : F-13</p>"
        "<p>Date d'émission : 03/03/2026</p><p>Échéance : 02/04/2026</p>"
    ).fields
    assert (fields["issue_date"], fields["due_date"]) == (
        datetime.date(2026, 3, 3),
        datetime.date(2026, 4, 2),
    )


@pytest.mark.parametrize(
    ("vat_label", "due_label"),
    [("Taxes", "Solde à payer"), ("Total TVA", "Reste à payer"), ("Montant TVA", "Net à payer")],
)
def test_totals_labels_and_the_recipients_vat_number(vat_label, due_label):
    fields = _fields(
        "<h1>Facture n° 2026-7</h1><p>N° TVA client : FR43213800006</p>"
        f"<table><tr><td>Total HT</td><td>1 245,30 €</td></tr>"
        f"<tr><td>{vat_label} 20 %</td><td>249,06 €</td></tr><tr><td>Total TTC</td><td>1 494,36 €</td></tr>"
        f"<tr><td>{due_label}</td><td>1 494,36 €</td></tr></table>"
    ).fields
    assert (fields["total_ht"], fields["total_vat"], fields["total_ttc"], fields["amount_due"]) == (
        D("1245.30"), D("249.06"), D("1494.36"), D("1494.36"),
    )  # fmt: skip
    assert fields["recipient_identifier"] == "213800006"  # the SIREN in the VAT number


def test_german_and_english_labels():
    german = _fields(
        "<h1>Rechnung</h1><p>Rechnungsnummer: RE-2026-5</p><p>Datum: 04.03.2026</p>"
        "<p>Kunden-SIRET: 21380000600016</p>"
        "<p>Nettobetrag: 1.000,00 EUR</p><p>MwSt. 20 %: 200,00 EUR</p><p>Gesamtbetrag: 1.200,00 EUR</p>"
    ).fields
    assert (german["invoice_number"], german["issue_date"]) == ("RE-2026-5", datetime.date(2026, 3, 4))
    assert (german["total_ht"], german["total_vat"], german["total_ttc"]) == (D("1000"), D("200"), D("1200"))
    assert german["recipient_identifier"] == "21380000600016"
    english = _fields(
        "<h1>Invoice</h1><p>Invoice number: INV-88</p><p>Invoice date: 2026-03-04</p>"
        "<p>Purchase order: PO-123</p>"
        "<p>Subtotal: 1,000.00</p><p>VAT 20 %: 200.00</p><p>Total due: 1,200.00 EUR</p>"
    ).fields
    assert (english["invoice_number"], english["engagement_number"]) == ("INV-88", "PO-123")
    assert (english["total_ht"], english["total_vat"], english["amount_due"]) == (
        D("1000"),
        D("200"),
        D("1200"),
    )


def test_totals_that_do_not_add_up_are_left_to_check():
    result = _fields(
        "<h1>Facture n° 9</h1><table><tr><td>Total HT</td><td>100,00 €</td></tr>"
        "<tr><td>TVA</td><td>25,00 €</td></tr><tr><td>Total TTC</td><td>120,00 €</td></tr></table>"
    )
    assert not {"total_ht", "total_vat", "total_ttc"} & set(result.fields)
    assert result.to_check["total_ttc"]["value"] == "120.00"
    assert "Total TTC" in result.to_check["total_ttc"]["source"]


def _totals_table(*rows) -> str:
    cells = "".join(f"<tr><td>{label}</td><td>{value} €</td></tr>" for label, value in rows)
    return f"<h1>Facture n° 2026-12</h1><table>{cells}</table>"


def test_the_vat_total_is_the_sum_of_its_breakdown_by_rate():
    breakdown = [("Total HT", "1 100,00"), ("TVA 20 %", "200,00"), ("TVA 5,5 %", "5,50")]
    printed = _fields(_totals_table(*breakdown, ("Total TVA", "205,50"), ("Total TTC", "1 305,50")))
    assert (printed.fields["total_vat"], printed.fields["total_ttc"]) == (D("205.50"), D("1305.50"))
    # No total printed: the parts are not the total, their sum is.
    summed = _fields(_totals_table(*breakdown, ("Total TTC", "1 305,50")))
    assert (summed.fields["total_ht"], summed.fields["total_vat"]) == (D("1100.00"), D("205.50"))
    assert "TVA 20 %" in summed.sources["total_vat"] and "TVA 5,5 %" in summed.sources["total_vat"]


def test_a_vat_total_that_is_not_the_sum_of_its_breakdown_is_vetoed():
    # HT + TVA = TTC holds, but the breakdown says 205,50: the VAT total is not pre-filled.
    result = _fields(
        _totals_table(
            ("Total HT", "1 100,00"),
            ("TVA 20 %", "200,00"),
            ("TVA 5,5 %", "5,50"),
            ("Total TVA", "210,00"),
            ("Total TTC", "1 310,00"),
        )
    )
    assert not {"total_ht", "total_vat", "total_ttc"} & set(result.fields)
    assert result.to_check["total_vat"]["value"] == "210.00"
