"""Fixtures of the Factures à valider tests: validator structures and A9 invoices sent to them."""

import pytest

from invoices import services
from invoices.enums import Cadre
from structures import services as structure_services
from structures.enums import Space, SubscriptionMode
from tests.factories import UserFactory


@pytest.fixture
def make_validator(make_structure):
    """A private structure with Factures à valider opened, its principal manager (`.gp`)
    subscribed to it."""

    def make(name="Titulaire Bâtiment"):
        gp = UserFactory()
        structure = make_structure(gp, raison_sociale=name)
        structure_services.open_space(actor=gp, structure_id=structure.pk, space=Space.FACTURES_A_VALIDER)
        subscription = structure_services.request_subscription(
            user=gp,
            structure_id=structure.pk,
            space=Space.FACTURES_A_VALIDER,
            mode=SubscriptionMode.MODIFICATION,
        )
        structure_services.decide_subscription(
            actor=gp, structure_id=structure.pk, subscription_id=subscription.pk, approve=True
        )
        structure.gp = gp
        return structure

    return make


@pytest.fixture
def titulaire(make_validator):
    return make_validator()


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
