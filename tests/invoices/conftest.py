import datetime

import pytest

from invoices import services as invoice_services
from structures import services as structure_services
from tests.factories import UserFactory, french_vat_number


@pytest.fixture
def supplier(make_structure):
    """A supplier structure with its principal manager (`supplier.gp`) and an active mandate."""
    gp = UserFactory()
    structure = make_structure(gp)
    structure_services.update_structure(
        actor=gp, structure_id=structure.pk, data={"numero_tva": french_vat_number(structure.identifier[:9])}
    )
    structure.refresh_from_db()
    mandate = structure_services.subscribe_mandate(
        actor=gp,
        structure_id=structure.pk,
        libelle="Mandat",
        signatory_nom="Nom",
        signatory_prenom="Prénom",
        signatory_qualite="Gérant",
    )
    structure_services.sign_mandate(actor=gp, mandate_id=mandate.pk)
    structure.gp = gp
    return structure


@pytest.fixture
def recipient(make_structure):
    """A public recipient structure with its principal manager (`recipient.gp`)."""
    gp = UserFactory()
    structure = make_structure(gp, public=True, raison_sociale="Commune de Recevoir")
    structure.gp = gp
    return structure


LINES = [
    {"designation": "Fenêtre", "quantity": "2", "unit_price": "450.00", "vat_rate": "20"},
    {"designation": "Pose", "quantity": "3.5", "unit_price": "42.10", "discount": "5", "vat_rate": "10"},
]


@pytest.fixture
def make_invoice(supplier, recipient, django_capture_on_commit_callbacks):
    """make_invoice(send=True) → an invoice from `supplier` to `recipient`, routed to
    MISE_A_DISPOSITION by the (eager) worker task; send=False → a complete draft."""
    counter = iter(range(1, 10_000))

    def make(send=True, **data):
        values = {
            "recipient_id": recipient.pk,
            "number": f"F2026-{next(counter):04d}",
            "invoice_date": datetime.date(2026, 11, 2),
            "payment_mode": "CHEQUE",
        }
        values.update(data)
        lines = values.pop("lines", LINES)
        invoice = invoice_services.save_draft(actor=supplier.gp, structure=supplier, data=values, lines=lines)
        if send:
            with django_capture_on_commit_callbacks(execute=True):
                invoice_services.submit_invoice(actor=supplier.gp, structure=supplier, invoice_id=invoice.pk)
            invoice.refresh_from_db()
        return invoice

    return make
