"""Amounts, rates and units written one way: pages, messages and the PDF agree (« 94,60 € »,
« 5,5 % », « forfait »), in the reader's language."""

from decimal import Decimal as D

import pytest
from django.utils import translation

from choruspro import formatting
from invoices import documents, services
from invoices.enums import UnitCode
from invoices.forms.entry import LineForm
from invoices.templatetags.invoice_tags import unit_label, vat_label
from tests.invoices.test_documents import pdf_text

pytestmark = pytest.mark.django_db

UNIT_LINES = [
    {"designation": "Étude", "quantity": "1", "unit": "LS", "unit_price": "94.60", "vat_rate": "5.5"},
    {"designation": "Pose", "quantity": "3.5", "unit": "HUR", "unit_price": "42.10", "vat_rate": "20"},
    {"designation": "Déplacement", "quantity": "12", "unit": "KMT", "unit_price": "0.60", "vat_rate": "20"},
]


def test_amounts_and_rates_in_each_language():
    with translation.override("fr"):
        assert formatting.amount(D("94.6")) == "94,60 €"
        assert formatting.amount(D("1234.5")) == "1\xa0234,50 €"
        assert formatting.amount(D("10"), "USD") == "10,00 USD"
        assert [formatting.percent(D(rate)) for rate in ("5.50", "20.00", "2.1", "0")] == [
            "5,5 %",
            "20 %",
            "2,1 %",
            "0 %",
        ]
    with translation.override("en"):
        assert formatting.amount(D("94.6")) == "94.60 €"
        assert formatting.percent(D("5.5")) == "5.5 %"


def test_pages_and_messages_write_a_rate_alike(supplier, make_invoice):
    """The lines table, the saisie's select and the send's refusal all read « 5,5 % »/« 19 % »."""
    assert vat_label("S", D("5.50")) == "5,5 %"
    assert dict(LineForm().fields["vat_rate"].choices)["5.5"] == "5,5 %"
    draft = make_invoice(
        send=False,
        lines=[{"designation": "Import", "quantity": "1", "unit_price": "10", "vat_rate": "19"}],
    )
    errors = services.submission_errors(draft)
    assert "Ligne 1 : 19 % n'est pas un taux de TVA français." in errors["lines"]


def test_units_show_their_labels_on_the_page_the_pdf_and_the_select(client, supplier, make_invoice):
    invoice = make_invoice(send=False, lines=UNIT_LINES)
    assert [unit_label(line.unit) for line in invoice.lines.all()] == ["forfait", "h", "km"]
    with translation.override("en"):
        assert unit_label("LS") == "lump sum"
    assert unit_label("XYZ") == "XYZ"  # a code of a deposited file the portal does not list
    text = pdf_text(documents.render_invoice_pdf(invoice))
    assert "forfait" in text and "km" in text and "LS" not in text.split()
    client.force_login(supplier.gp)
    html = client.get(f"/factures-emises/{invoice.pk}/modifier/").content.decode()
    assert '<option value="LS" selected>forfait</option>' in html
    assert '<option value="KMT" selected>km</option>' in html
    # A unit typed before the list (« heure ») is offered as its code; unknown text stays as is.
    assert LineForm(initial={"unit": "heure"}).initial["unit"] == UnitCode.HOUR
    choices = dict(LineForm(initial={"unit": "palette"}).fields["unit"].choices)
    assert choices["palette"] == "palette" and choices["C62"] == "unité"
