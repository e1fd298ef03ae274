"""System routing: to the validators first for the A9/A12 cadres (domain §9.6), then to the
recipient (a worker task)."""

from django.db import transaction

from choruspro.outbox import enqueue_on_commit
from invoices import events, workflow
from invoices.enums import CADRES_WITH_VALIDATOR
from invoices.models import Invoice
from invoices.services.core import Step, _apply_transitions, _lock


def _queue_routing(invoice_id):
    from invoices.tasks import route_invoice_task

    enqueue_on_commit(route_invoice_task, invoice_id)


@transaction.atomic
def route_invoice(*, invoice_id: int) -> Invoice:
    """System routing DEPOSEE → EN_COURS_ACHEMINEMENT → MISE_A_DISPOSITION; safe to re-run."""
    invoice = _lock(invoice_id)
    _route(invoice)
    return invoice


def _route(invoice: Invoice, before=()) -> None:
    """The system's routing steps from where the invoice is (after `before`, steps of the same
    service call), written together."""
    status = invoice.status
    for step in before:
        status = workflow.check(step.name, status).target
    steps = [*before, *_routing_steps(invoice, status)]
    _apply_transitions(invoice, steps)
    if steps and steps[-1].name == "make_available":
        events.made_available(invoice, steps[-1].payload["to"])


def _routing_steps(invoice: Invoice, status) -> list[Step]:
    """To the validators first for A9/A12 (domain §9.6), else on to the recipient."""
    if invoice.cadre in CADRES_WITH_VALIDATOR and workflow.can("to_validation", status):
        return [Step("to_validation", payload=_to(invoice.validator))]
    if invoice.second_validator_id and workflow.can("to_validation_2", status):
        return [Step("to_validation_2", payload=_to(invoice.second_validator))]
    steps = []
    for name in ("route_validated", "route"):
        if workflow.can(name, status):
            steps.append(Step(name))
            status = workflow.get(name).target
    if workflow.can("make_available", status):
        target = (
            invoice.recipient_service.libelle
            if invoice.recipient_service
            else invoice.recipient.raison_sociale
        )
        steps.append(Step("make_available", payload={"to": target}))
    return steps


def _to(validator) -> dict:
    return {"to": validator.raison_sociale}
