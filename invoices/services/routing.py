"""System routing: to the validators first for the A9/A12 cadres (domain §9.6), then to the
recipient (a worker task)."""

from django.db import transaction

from choruspro.outbox import enqueue_on_commit
from invoices import events, workflow
from invoices.enums import CADRES_WITH_VALIDATOR
from invoices.models import Invoice
from invoices.services.core import _apply_transition, _lock


def _queue_routing(invoice_id):
    from invoices.tasks import route_invoice_task

    enqueue_on_commit(route_invoice_task, invoice_id)


@transaction.atomic
def route_invoice(*, invoice_id: int) -> Invoice:
    """System routing DEPOSEE → EN_COURS_ACHEMINEMENT → MISE_A_DISPOSITION; safe to re-run."""
    invoice = _lock(invoice_id)
    _route(invoice)
    return invoice


def _route(invoice: Invoice) -> None:
    if invoice.cadre in CADRES_WITH_VALIDATOR and workflow.can("to_validation", invoice.status):
        _apply_transition(
            invoice, "to_validation", actor=None, structure=None, payload=_to(invoice.validator)
        )
        return
    if invoice.second_validator_id and workflow.can("to_validation_2", invoice.status):
        _apply_transition(
            invoice, "to_validation_2", actor=None, structure=None, payload=_to(invoice.second_validator)
        )
        return
    if workflow.can("route_validated", invoice.status):
        _apply_transition(invoice, "route_validated", actor=None, structure=None)
    if workflow.can("route", invoice.status):
        _apply_transition(invoice, "route", actor=None, structure=None)
    if workflow.can("make_available", invoice.status):
        target = (
            invoice.recipient_service.libelle
            if invoice.recipient_service
            else invoice.recipient.raison_sociale
        )
        _apply_transition(invoice, "make_available", actor=None, structure=None, payload={"to": target})
        events.made_available(invoice, target)


def _to(validator) -> dict:
    return {"to": validator.raison_sociale}
