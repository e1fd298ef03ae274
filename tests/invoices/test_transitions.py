"""Every transition of the table from every status, through the services that apply them:
allowed ones reach their target and write one history row; forbidden ones change nothing."""

import pytest

from invoices import services, workflow
from invoices.enums import InvoiceStatus
from invoices.exceptions import InvoiceError
from invoices.models import Invoice
from invoices.workflow import TRANSITIONS, InvalidTransition, Side
from structures import services as structure_services
from structures.enums import Space

pytestmark = pytest.mark.django_db

USER_TRANSITIONS = [t for t in TRANSITIONS if t.side != Side.SYSTEM]
PAIRS = [(t, status) for t in USER_TRANSITIONS for status in InvoiceStatus.values]


def _put_in(invoice, status, validator=None):
    """Test set-up only: places the invoice in the status under test (with its validator, first
    and second, for the validation circuit)."""
    Invoice.objects.filter(pk=invoice.pk).update(
        status=status, mandate_number="M-0", validator=validator, second_validator=validator
    )
    invoice.refresh_from_db()


# The validator's decision behind each of its transitions (domain §9.6).
DECISIONS = {
    "validate_1": ("validate", ""),
    "validate_2": ("validate", ""),
    "refuse_1": ("refuse", "AUT_MOTIF"),
    "refuse_2": ("refuse", "AUT_MOTIF"),
    "wrong_validator": ("refuse", "ERR_VALIDEUR"),
}


def _apply(transition, invoice, supplier, recipient):
    if transition.side == Side.VALIDATOR:
        decision, motif = DECISIONS[transition.name]
        (source,) = transition.sources  # the step the validator saw
        return services.decide_validation(
            actor=recipient.gp,
            structure=recipient,
            invoice_id=invoice.pk,
            decision=decision,
            motif=motif,
            expected_status=source,
        )
    if transition.side == Side.RECIPIENT:
        return services.process_invoice(
            actor=recipient.gp,
            structure=recipient,
            invoice_id=invoice.pk,
            transition=transition.name,
            reason="Motif du test",
            mandate_number="M-1",
        )
    arguments = {"actor": supplier.gp, "structure": supplier, "invoice_id": invoice.pk}
    if transition.name == "submit":
        return services.submit_invoice(**arguments)
    if transition.name == "delete":
        return services.delete_draft(**arguments)
    if transition.name == "recycle":
        return services.recycle_invoice(
            **arguments, recipient=recipient, recipient_service=None, numero_engagement="", comment="Corrigé"
        )
    if transition.name == "complete":
        return services.complete_invoice(**arguments, comment="Pièce envoyée par courrier")
    if transition.name == "correct_validator":
        return services.correct_validator(**arguments, validator=supplier.other)
    raise AssertionError(transition.name)


@pytest.mark.parametrize(("transition", "status"), PAIRS, ids=[f"{t.name}-from-{s}" for t, s in PAIRS])
def test_transition_through_its_service(
    transition, status, make_invoice, make_structure, supplier, recipient
):
    invoice = make_invoice(send=False)
    # The recipient's manager plays the validator; another structure is the corrected one.
    structure_services.open_space(
        actor=recipient.gp, structure_id=recipient.pk, space=Space.FACTURES_A_VALIDER
    )
    supplier.other = make_structure()
    _put_in(invoice, status, validator=recipient)
    rows = invoice.status_changes.count()
    if status in transition.sources:
        _apply(transition, invoice, supplier, recipient)
        invoice.refresh_from_db()
        assert invoice.status == transition.target
        change = invoice.status_changes.first()
        assert (change.from_status, change.to_status, change.transition) == (
            status,
            transition.target,
            transition.name,
        )
        assert invoice.status_changes.count() == rows + 1
    else:
        with pytest.raises((InvalidTransition, InvoiceError)):
            _apply(transition, invoice, supplier, recipient)
        invoice.refresh_from_db()
        assert invoice.status == status
        assert invoice.status_changes.count() == rows


@pytest.mark.parametrize("status", InvoiceStatus.values)
def test_routing_moves_only_deposited_or_routed_invoices(status, make_invoice):
    invoice = make_invoice(send=False)
    _put_in(invoice, status)
    services.route_invoice(invoice_id=invoice.pk)
    invoice.refresh_from_db()
    # Validated A9/A12 invoices are routed on like deposited ones.
    routed = {InvoiceStatus.DEPOSITED, InvoiceStatus.ROUTING} | workflow.get("route_validated").sources
    expected = InvoiceStatus.MADE_AVAILABLE if status in routed else status
    assert invoice.status == expected


def test_a_supplier_cannot_process_and_a_recipient_cannot_send(make_invoice, supplier, recipient):
    invoice = make_invoice()
    with pytest.raises(InvoiceError):
        services.process_invoice(
            actor=supplier.gp, structure=supplier, invoice_id=invoice.pk, transition="pay"
        )
    draft = make_invoice(send=False)
    with pytest.raises(InvoiceError):
        services.submit_invoice(actor=recipient.gp, structure=recipient, invoice_id=draft.pk)
    with pytest.raises(InvalidTransition):
        services.process_invoice(
            actor=recipient.gp, structure=recipient, invoice_id=invoice.pk, transition="submit"
        )


def test_every_status_of_family_a_is_in_the_table():
    reachable = {t.target for t in TRANSITIONS} | {InvoiceStatus.DRAFT}
    assert set(InvoiceStatus.values) == reachable
    assert workflow.TERMINAL <= reachable
