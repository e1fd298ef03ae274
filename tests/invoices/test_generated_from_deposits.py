"""A draft generated from a deposited Factur-X or UBL keeps the file's VAT rates and categories
(19 %, 7 %…): shown in the form, kept when another field is edited, and sendable."""

from decimal import Decimal as D

import lxml.html
import pytest

from deposits.enums import DepositFormat
from invoices import services
from invoices.enums import InvoiceStatus
from invoices.models import Invoice
from tests.conftest import require_or_skip
from tests.deposits.conftest import CORPUS, deposit


@pytest.fixture
def corpus():
    require_or_skip(CORPUS.is_dir(), f"needs the sample invoices of ../shared/corpus ({CORPUS})")
    return CORPUS


@pytest.mark.parametrize(
    ("folder", "name", "fmt", "rates"),
    [
        ("FX", "EN16931_Einfach.pdf", DepositFormat.MIXED, {D("19"), D("7")}),
        ("UBL", "EN16931_Elektron.ubl.xml", DepositFormat.STRUCTURED, {D("19")}),
    ],
)
def test_a_deposited_foreign_rate_is_kept_through_an_edit_and_sent(
    client, supplier, recipient, corpus, folder, name, fmt, rates, django_capture_on_commit_callbacks
):
    data = (corpus / "xml-rechnung" / folder / name).read_bytes()
    made = deposit(supplier, name, data, fmt=fmt, callbacks=django_capture_on_commit_callbacks)
    draft = made.items.get().invoice
    assert {line.vat_rate for line in draft.lines.all()} == rates
    assert {line.vat_category for line in draft.lines.all()} == {"S"}
    totals = (draft.total_ht, draft.total_vat)

    client.force_login(supplier.gp)
    page = client.get(f"/factures-emises/{draft.pk}/modifier/")
    html = page.content.decode()
    for rate in rates:
        assert f'<option value="{rate}" selected>{rate} %</option>' in html
    # Every field as the browser posts it back, with one edit that is not a line.
    form = lxml.html.fromstring(html).get_element_by_id("invoice-form")
    posted = {key: value for key, value in form.form_values() if key != "action"}
    posted.update({"comment": "Commande de novembre", "action": "save"})
    assert client.post(f"/factures-emises/{draft.pk}/modifier/", posted).status_code == 302

    draft = Invoice.objects.get(pk=draft.pk)
    assert draft.comment == "Commande de novembre"
    assert {line.vat_rate for line in draft.lines.all()} == rates
    assert (draft.total_ht, draft.total_vat) == totals
    errors = services.submission_errors(draft)
    assert not any("ne correspond plus" in message for message in errors.get(None, []))

    # The file's buyer is a German company and its payment is not one the portal can take as it
    # is (no means, or a transfer to the seller's German account): the supplier names the French
    # recipient, is told what the payment lacks next to its field, and pays by cheque.
    posted.update({"recipient_identifier": recipient.identifier, "action": "send"})
    response = client.post(f"/factures-emises/{draft.pk}/modifier/", posted)
    # Refused: back on the draft's page, which shows why.
    assert response.status_code == 302 and response.url == f"/factures-emises/{draft.pk}/modifier/"
    response = client.get(response.url)
    assert response.context["form"].errors in (
        {"payment_mode": ["Le mode de règlement est obligatoire pour une facture."]},
        {"bank_account": ["Un paiement par virement demande des coordonnées bancaires."]},
    )
    posted["payment_mode"] = "CHEQUE"
    response = client.post(f"/factures-emises/{draft.pk}/modifier/", posted)
    assert response.status_code == 302, response.context["form"].errors
    draft = Invoice.objects.get(pk=draft.pk)
    assert draft.status == InvoiceStatus.DEPOSITED
    assert {line.vat_rate for line in draft.lines.all()} == rates
    assert (draft.total_ht, draft.total_vat) == totals


def test_a_deposited_reform_invoice_gives_its_operation_category(
    supplier, structured_invoice, django_capture_on_commit_callbacks
):
    pdf = structured_invoice("FX-GOODS", operation_category="BIENS")
    made = deposit(
        supplier, "fx-goods.pdf", pdf, fmt=DepositFormat.MIXED, callbacks=django_capture_on_commit_callbacks
    )
    item = made.items.get()
    assert item.invoice.operation_category == "BIENS"
    assert "operation_category" in item.recognised
