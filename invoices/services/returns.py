"""Supplier actions on returned invoices: Recycler, Compléter, Prendre connaissance."""

from django.db import transaction
from django.utils.translation import gettext as _

from invoices import events, selectors, workflow
from invoices.enums import InvoiceAction
from invoices.exceptions import InvoiceError, InvoiceNotAllowed, SubmissionRefused
from invoices.models import Invoice
from invoices.services.batch import BatchOutcome, run_batch
from invoices.services.core import _apply_transition, _lock, _require_issuer
from invoices.services.files import _add_files, _check_files
from invoices.services.routing import _queue_routing
from invoices.services.sending import submission_errors
from structures import permissions
from structures.enums import Space
from structures.models import Structure, StructureService


@transaction.atomic
def recycle_invoice(
    *,
    actor,
    structure,
    invoice_id: int,
    recipient: Structure,
    recipient_service: StructureService | None,
    numero_engagement: str,
    comment: str,
) -> Invoice:
    """Recycler (À recycler): correct the routing data; checked again, then routed again."""
    _require_issuer(actor, structure)
    invoice = _lock(invoice_id, supplier=structure)
    workflow.require("recycle", invoice.status)
    invoice.recipient = recipient
    invoice.recipient_service = recipient_service
    invoice.numero_engagement = numero_engagement.strip()
    invoice.save(update_fields=["recipient", "recipient_service", "numero_engagement", "updated_at"])
    errors = {
        field: messages
        for field, messages in submission_errors(invoice, require_mandate=False).items()
        if field in ("recipient", "recipient_service", "numero_engagement")
    }
    if errors:
        raise SubmissionRefused(errors)
    _apply_transition(invoice, "recycle", actor=actor, structure=structure, reason=comment.strip()[:2000])
    events.action_recorded(invoice, InvoiceAction.RECYCLE, actor)
    _queue_routing(invoice.pk)
    return invoice


@transaction.atomic
def complete_invoice(*, actor, structure, invoice_id: int, comment: str, files=()) -> Invoice:
    """Compléter (Suspendue): complementary attachments and/or a comment; back to the recipient."""
    _require_issuer(actor, structure)
    invoice = _lock(invoice_id, supplier=structure)
    workflow.require("complete", invoice.status)
    added = _add_files(invoice, _check_files(invoice, files), actor)
    if not comment.strip() and not added:
        raise InvoiceError(_("Ajoutez une pièce jointe ou un commentaire pour compléter la facture."))
    _apply_transition(
        invoice,
        "complete",
        actor=actor,
        structure=structure,
        reason=comment.strip()[:2000],
        payload={"attachments": [attachment.name for attachment in added]},
    )
    events.action_recorded(invoice, InvoiceAction.COMPLETE, actor)
    return invoice


@transaction.atomic
def acknowledge_return(*, actor, structure, invoice_id: int) -> Invoice:
    """Prendre connaissance of a returned (rejected, suspended, to recycle) invoice. Reading is
    enough: a user who consults the space may acknowledge."""
    if not permissions.space_mode(actor, structure, Space.FACTURES_EMISES):
        raise InvoiceNotAllowed(_("Vous n'avez pas accès aux factures émises de cette structure."))
    invoice = _lock(invoice_id, supplier=structure)
    workflow.require("acknowledge", invoice.status)
    invoice.return_acknowledged = True
    invoice.save(update_fields=["return_acknowledged", "updated_at"])
    events.action_recorded(invoice, InvoiceAction.ACKNOWLEDGE, actor)
    return invoice


def acknowledge_returns(*, actor, structure, invoice_ids: list[int]) -> BatchOutcome:
    """Prendre connaissance of several returned invoices at once."""
    return run_batch(
        selectors.issued_by(structure),
        invoice_ids,
        lambda invoice_id: acknowledge_return(actor=actor, structure=structure, invoice_id=invoice_id),
    )
