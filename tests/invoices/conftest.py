"""Fixtures of the Factures à valider tests: validator structures and A9 invoices sent to them."""

import pytest

from invoices import services
from invoices.enums import Cadre


@pytest.fixture
def send_a9(make_invoice, supplier, django_capture_on_commit_callbacks):
    """An A9 invoice from the sous-traitant `supplier`, submitted and routed by the real services."""

    def send(validator, **data):
        draft = make_invoice(send=False, cadre=Cadre.A9, validator_id=validator.pk, **data)
        with django_capture_on_commit_callbacks(execute=True):
            services.submit_invoice(actor=supplier.gp, structure=supplier, invoice_id=draft.pk)
        draft.refresh_from_db()
        return draft

    return send
