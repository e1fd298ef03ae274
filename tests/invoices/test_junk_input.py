"""Every field of the invoice forms, given junk: a French message or a clean refusal, never a
server error, and nothing half-saved."""

import pytest

from invoices.models import Invoice
from tests.invoices.test_views_supplier import entry_data

pytestmark = pytest.mark.django_db

JUNK = ["\x00", "' OR 1=1 --", "<script>alert(1)</script>", "9" * 400, "-1e999", "NaN", "１２３", "\u202e"]
ENTRY_FIELDS = [
    "cadre", "validator_identifier", "recipient_is_state", "recipient_identifier", "recipient_service",
    "supplier_service", "bank_account", "invoice_type", "number", "origin_invoice_number", "invoice_date",
    "due_date", "currency", "vat_type", "exemption_reason", "payment_mode", "contract_number",
    "numero_engagement", "comment", "global_discount", "global_discount_reason", "amount_due",
    "lines-TOTAL_FORMS", "lines-0-quantity", "lines-0-unit_price", "lines-0-discount", "lines-0-vat_rate",
    "lines-0-designation", "action",
]  # fmt: skip


@pytest.mark.parametrize("field", ENTRY_FIELDS)
def test_entry_form_survives_junk_in_any_field(client, supplier, recipient, field):
    client.force_login(supplier.gp)
    for junk in JUNK:
        for url in ("/factures-emises/saisir/", "/factures-emises/saisir/totaux/"):
            response = client.post(url, entry_data(recipient, **{field: junk}))
            assert response.status_code < 500, (field, junk, url)
    # Only well-formed drafts were saved (junk can be a valid invoice number, as "NaN" is).
    assert all(invoice.lines.count() == 1 for invoice in Invoice.objects.all())


@pytest.mark.parametrize(
    "field", ["transition", "reason", "mandate_number", "expected_status", "ids", "next"]
)
def test_processing_forms_survive_junk(client, recipient, make_invoice, field):
    invoice = make_invoice()
    client.force_login(recipient.gp)
    for junk in JUNK:
        data = {"transition": "pay", "expected_status": invoice.status, "ids": [invoice.pk], field: junk}
        assert client.post(f"/factures-recues/{invoice.pk}/traiter/", data).status_code < 500
        assert client.post("/factures-recues/traiter/", data).status_code < 500


@pytest.mark.parametrize("field", ["kind", "format", "cadre", "validator_identifier"])
def test_deposit_form_survives_junk(client, supplier, field):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(supplier.gp)
    for junk in JUNK:
        data = {"kind": "UNITAIRE", "format": "PDF_NON_SIGNE", "cadre": "A1_FACTURE_FOURNISSEUR", field: junk}
        data["file"] = SimpleUploadedFile("f.pdf", b"%PDF-1.4\n%%EOF")
        assert client.post("/factures-emises/depot/", data).status_code < 500


def test_search_forms_survive_junk(client, supplier, recipient):
    criteria = ["number", "recipient", "supplier", "statuses", "invoice_type", "cadre", "amount_min",
                "amount_max", "invoice_date_from", "deposited_to", "sort", "per_page", "page", "format",
                "supplier_service", "recipient_service", "downloaded", "acknowledged",
                "amount_kind"]  # fmt: skip
    for user, url in (
        (supplier.gp, "/factures-emises/rechercher/"),
        (recipient.gp, "/factures-recues/rechercher/"),
    ):
        client.force_login(user)
        for name in criteria:
            for junk in JUNK:
                assert client.get(url, {name: junk}).status_code < 500, (url, name, junk)


def test_huge_ids_are_not_ids(client, supplier, manager):
    client.force_login(supplier.gp)
    huge = "9" * 40
    assert client.post("/factures-emises/prendre-connaissance/", {"ids": [huge]}).status_code == 302
    client.force_login(manager)
    assert client.get("/compte/rattachement/", {"structure": huge}).status_code == 404
