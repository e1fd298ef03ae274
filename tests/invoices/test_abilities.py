"""invoice_abilities: one dict per invoice and side, read by the pages instead of status codes."""

import pytest

from invoices import permissions, services
from structures import services as structure_services
from structures.enums import Role, Space, SubscriptionMode
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_draft_can_be_edited_and_has_no_original(supplier, make_invoice):
    draft = make_invoice(send=False)
    abilities = permissions.invoice_abilities(supplier.gp, supplier, draft)
    assert abilities["edit"] and abilities["delete"] and abilities["duplicate"]
    assert not (abilities["original"] or abilities["certificate"] or abilities["returned"])
    assert abilities["transitions"] == [] and not abilities["process"]


def test_a_rejected_invoice_says_what_kind_of_return_it_is(supplier, recipient, make_invoice):
    invoice = make_invoice()
    services.process_invoice(
        actor=recipient.gp, structure=recipient, invoice_id=invoice.pk, transition="reject", reason="Doublon"
    )
    invoice.refresh_from_db()
    abilities = permissions.invoice_abilities(supplier.gp, supplier, invoice)
    assert (abilities["returned"], abilities["return_kind"], abilities["acknowledge"]) == (
        True,
        "rejected",
        True,
    )
    assert not (abilities["edit"] or abilities["recycle"] or abilities["complete"])
    services.acknowledge_return(actor=supplier.gp, structure=supplier, invoice_id=invoice.pk)
    invoice.refresh_from_db()
    abilities = permissions.invoice_abilities(supplier.gp, supplier, invoice)
    assert abilities["acknowledged"] and not abilities["acknowledge"]


def test_the_recipient_side_lists_its_transitions(supplier, recipient, make_invoice):
    invoice = make_invoice()
    abilities = permissions.invoice_abilities(recipient.gp, recipient, invoice)
    assert abilities["process"]
    assert "reject" in {t.name for t in abilities["transitions"]}
    assert not (abilities["edit"] or abilities["duplicate"] or abilities["certificate"])
    assert abilities["return_kind"] is None


def test_a_consulting_user_may_acknowledge_but_not_write(supplier, recipient, make_invoice):
    reader = UserFactory()
    structure_services.attach_user(actor=supplier.gp, structure_id=supplier.pk, user=reader, role=Role.USER)
    structure_services.request_subscription(
        user=reader, structure_id=supplier.pk, space=Space.FACTURES_EMISES, mode=SubscriptionMode.CONSULTATION
    )
    invoice = make_invoice()
    services.process_invoice(
        actor=recipient.gp, structure=recipient, invoice_id=invoice.pk, transition="suspend", reason="Pièces"
    )
    invoice.refresh_from_db()
    abilities = permissions.invoice_abilities(reader, supplier, invoice)
    assert (abilities["return_kind"], abilities["acknowledge"]) == ("suspended", True)
    assert not (abilities["complete"] or abilities["duplicate"])
    assert permissions.invoice_abilities(supplier.gp, supplier, invoice)["complete"]
