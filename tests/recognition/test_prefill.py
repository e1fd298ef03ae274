"""From a recognised PDF to its draft: a recipient printed without any identifier is proposed
from the annuaire by its name and postcode, marked as deduced, for the user to confirm."""

import pytest
from django.urls import reverse
from weasyprint import HTML

from deposits.enums import DepositFormat, ItemOutcome
from tests.deposits.conftest import deposit

pytestmark = pytest.mark.django_db


def _pdf(recipient_name: str, postcode: str) -> bytes:
    body = f"""<h1>Facture n° F-31</h1><p>Date : 04/03/2026</p>
    <div style="margin-left: 9cm">Destinataire<br>{recipient_name}<br>1 place de la Mairie<br>
    {postcode} Grenoble</div>
    <p>Total HT : 100,00 €</p><p>TVA 20 % : 20,00 €</p><p>Total TTC : 120,00 €</p>"""
    return HTML(string=f"<html><body>{body}</body></html>").write_pdf()


def test_a_recipient_without_identifier_is_proposed_by_name_and_postcode(
    client, supplier, recipient, django_capture_on_commit_callbacks
):
    data = _pdf(recipient.raison_sociale, recipient.code_postal)
    made = deposit(
        supplier, "f.pdf", data, fmt=DepositFormat.PDF, callbacks=django_capture_on_commit_callbacks
    )
    item = made.items.get()
    assert item.outcome == ItemOutcome.DRAFT and item.invoice.recipient == recipient
    assert "recipient_id" in item.derived and "recipient_id" not in item.recognised
    assert "Destinataire proposé d'après le nom « Commune de Recevoir »" in item.message
    client.force_login(supplier.gp)
    page = client.get(reverse("invoices:supplier_edit", args=[item.invoice_id])).content.decode()
    assert "Déduit du fichier" in page


def test_no_recipient_is_proposed_when_the_postcode_differs(
    supplier, recipient, django_capture_on_commit_callbacks
):
    data = _pdf(recipient.raison_sociale, "75001")
    made = deposit(
        supplier, "f.pdf", data, fmt=DepositFormat.PDF, callbacks=django_capture_on_commit_callbacks
    )
    item = made.items.get()
    assert item.invoice.recipient is None and "recipient_id" not in item.derived
    # What was not found is said: the user knows what to type.
    assert "Non trouvé de façon sûre dans le fichier, à saisir : destinataire." in item.message
