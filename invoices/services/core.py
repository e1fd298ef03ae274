"""The transition core: the one place where an invoice's status is written (`_apply_transitions`),
under a row lock, with its history row in the same transaction and its side effects after commit;
the locks and rights every service starts with."""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from choruspro.outbox import enqueue_on_commit
from invoices import events, selectors, workflow
from invoices.exceptions import ConcurrentChange, InvoiceError, InvoiceNotAllowed, InvoiceNotFound
from invoices.models import Invoice, InvoiceStatusChange
from structures import permissions
from structures.enums import SubscriptionMode


def _notify_after_commit(change: InvoiceStatusChange):
    from invoices.tasks import notify_status_change_task

    enqueue_on_commit(notify_status_change_task, change.pk)


@dataclass(frozen=True)
class Step:
    """One transition of `_apply_transitions`, with who makes it (None: the system)."""

    name: str
    actor: object = None
    structure: object = None
    reason: str = ""
    payload: dict | None = None


def _apply_transition(invoice, name, *, actor, structure, reason="", payload=None, expected_status=None):
    """The one place where an invoice's status is written (house style §C)."""
    step = Step(name, actor=actor, structure=structure, reason=reason, payload=payload)
    return _apply_transitions(invoice, [step], expected_status=expected_status)[0]


def _apply_transitions(invoice, steps, *, expected_status=None) -> list[InvoiceStatusChange]:
    """`steps` one after the other, each checked against the workflow from the status the one
    before reached (a file's automatic statuses): the invoice row written once, one history row
    per step, chained and inserted together, in the same transaction."""
    _check_expected(invoice, expected_status)
    if not steps:
        return []
    fields = {"status", "status_changed_at", "updated_at"}
    changes, notified = [], []
    for step in steps:
        transition = workflow.check(step.name, invoice.status)
        previous = invoice.status
        invoice.status = transition.target
        invoice.status_changed_at = timezone.now()
        if stamp := workflow.STAMPED_AT.get(transition.target):
            setattr(invoice, stamp, invoice.status_changed_at)
            fields.add(stamp)
        if transition.target in workflow.RESETS_ACKNOWLEDGEMENT:
            invoice.return_acknowledged = False
            fields.add("return_acknowledged")
        change = events.status_change(
            invoice,
            transition=step.name,
            from_status=previous,
            actor=step.actor,
            structure=step.structure,
            reason=step.reason,
            payload=step.payload,
        )
        changes.append(change)
        notified.append(workflow.notifies(transition))
    invoice.save(update_fields=sorted(fields))
    events.status_changes_recorded(changes)
    for change, notifies in zip(changes, notified, strict=True):
        if notifies:
            _notify_after_commit(change)
    return changes


def _check_expected(invoice, expected_status) -> None:
    """The status the user saw: if someone changed it meanwhile, the action is refused."""
    if expected_status is not None and invoice.status != expected_status:
        raise ConcurrentChange(
            _("La facture a changé de statut entre-temps : elle est maintenant « %(status)s ».")
            % {"status": invoice.get_status_display()}
        )


def _lock(invoice_id, **scope) -> Invoice:
    try:
        return Invoice.objects.select_for_update(of=("self",)).get(pk=invoice_id, **scope)
    except Invoice.DoesNotExist as exc:
        raise InvoiceError(_("Facture introuvable.")) from exc


def _lock_received(invoice_id, *, structure, actor, membership=None) -> Invoice:
    """A received invoice read once through the actor's scope (the services they are restricted
    to), locked."""
    invoice = (
        selectors.received_by(structure, actor, membership)
        .select_for_update(of=("self",))
        .filter(pk=invoice_id)
        .first()
    )
    if invoice is None:
        raise InvoiceNotFound(_("Facture introuvable."))
    return invoice


def _require_issuer(actor, structure):
    if not permissions.can_issue(actor, structure):
        raise InvoiceNotAllowed(
            _("Vous n'avez pas le droit de modifier les factures émises de cette structure.")
        )


def _can_write(actor, structure, space, membership=None) -> bool:
    """Modification rights on `space`, read from the request's membership when given (no query)."""
    if membership is not None and (membership.user_id, membership.structure_id) == (actor.pk, structure.pk):
        mode = permissions.member_space_mode(membership, space)
        return structure.is_active and mode == SubscriptionMode.MODIFICATION
    return (
        structure.is_active
        and permissions.space_mode(actor, structure, space) == SubscriptionMode.MODIFICATION
    )
