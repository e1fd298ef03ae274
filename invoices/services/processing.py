"""Recipient processing: Traiter one invoice or several, downloads."""

from django.db import transaction
from django.utils.translation import gettext as _

from invoices import events, reform, selectors, workflow
from invoices.enums import InvoiceAction
from invoices.exceptions import InvalidTransition, InvoiceError, InvoiceNotAllowed
from invoices.models import Invoice
from invoices.services.batch import BatchOutcome, run_batch
from invoices.services.core import _apply_transition, _can_write, _lock_received
from structures.enums import Space


def _require_processor(actor, structure, membership=None) -> None:
    if not _can_write(actor, structure, Space.FACTURES_RECUES, membership):
        raise InvoiceNotAllowed(
            _("Vous n'avez pas le droit de traiter les factures reçues de cette structure.")
        )


@transaction.atomic
def process_invoice(
    *,
    actor,
    structure,
    invoice_id: int,
    transition: str,
    reason: str = "",
    reason_code: str = "",
    mandate_number: str = "",
    expected_status: str | None = None,
    membership=None,
) -> Invoice:
    """Traiter: a recipient moves a received invoice along the §1.3 matrix, a return with its
    motif (`reason_code`: invoices.enums.ReturnReason, allowed for the target by invoices.reform;
    `reason`: the text the supplier reads). `membership`: the actor's in `structure` when the
    caller already read it (a request)."""
    _require_processor(actor, structure, membership)
    definition = workflow.get(transition)
    if definition.side != workflow.Side.RECIPIENT:
        raise InvalidTransition(workflow.refusal(transition))
    if definition.needs_reason and not reason.strip():
        raise InvoiceError(str(workflow.MISSING_REASON))
    if reason_code and not reform.reason_allowed(definition.target, reason_code):
        raise InvoiceError(str(reform.REASON_NOT_ALLOWED))
    if definition.needs_mandate_number and not mandate_number.strip():
        raise InvoiceError(str(workflow.MISSING_MANDATE_NUMBER))
    invoice = _lock_received(invoice_id, structure=structure, actor=actor, membership=membership)
    if expected_status is None:
        workflow.require(transition, invoice.status)
    if definition.needs_mandate_number:
        invoice.mandate_number = mandate_number.strip()[:50]
        invoice.save(update_fields=["mandate_number"])
    _apply_transition(
        invoice,
        transition,
        actor=actor,
        structure=structure,
        reason=reason.strip()[:2000],
        payload={
            key: value
            for key, value in (("mandate_number", mandate_number), ("reason_code", reason_code))
            if value
        },
        expected_status=expected_status,
    )
    events.action_recorded(invoice, InvoiceAction.PROCESS, actor)
    return invoice


def process_invoices(
    *,
    actor,
    structure,
    invoice_ids: list[int],
    transition: str,
    reason: str = "",
    reason_code: str = "",
    mandate_number: str = "",
    membership=None,
) -> BatchOutcome:
    """Traiter several invoices at once, each re-read through the actor's scope."""
    return run_batch(
        selectors.received_by(structure, actor, membership),
        invoice_ids,
        lambda invoice_id: process_invoice(
            actor=actor,
            structure=structure,
            invoice_id=invoice_id,
            transition=transition,
            reason=reason,
            reason_code=reason_code,
            mandate_number=mandate_number,
            membership=membership,
        ),
    )


@transaction.atomic
def mark_downloaded(*, actor, structure, invoice_id: int) -> None:
    """The recipient downloaded the invoice (`factureTelechargeeParDestinataire`)."""
    invoice = _lock_received(invoice_id, structure=structure, actor=actor)
    if not invoice.downloaded_by_recipient:
        invoice.downloaded_by_recipient = True
        invoice.save(update_fields=["downloaded_by_recipient", "updated_at"])
    events.action_recorded(invoice, InvoiceAction.DOWNLOAD, actor)
    events.downloaded(invoice, actor)
