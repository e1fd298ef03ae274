"""Every history row of an invoice, written by one typed function per event (as Saleor's
`events.py`): the status history, the users' actions and the complementary events. Rows are
created through the model's save(), or for the status changes of one service call through
`create_chained`, which chains them exactly as successive saves would."""

from choruspro.translatable import gettext as _
from invoices import workflow
from invoices.enums import InvoiceAction
from invoices.models import InvoiceAttachment, InvoiceEvent, InvoiceStatusChange, InvoiceUserAction


def created(invoice, *, actor, structure) -> InvoiceStatusChange:
    """A new draft: the first row of its status history."""
    return InvoiceStatusChange.objects.create(
        invoice=invoice, to_status=workflow.INITIAL, transition="create", actor=actor, structure=structure
    )


def status_change(
    invoice, *, transition: str, from_status: str, actor, structure, reason: str = "", payload=None
) -> InvoiceStatusChange:
    """The row of a change to `invoice.status`, not saved yet: `status_changes_recorded` chains
    and inserts those of one service call together."""
    return InvoiceStatusChange(
        invoice=invoice,
        from_status=from_status,
        to_status=invoice.status,
        transition=transition,
        actor=actor,
        structure=structure,
        reason=reason,
        payload=payload or {},
    )


def status_changes_recorded(changes: list[InvoiceStatusChange]) -> list[InvoiceStatusChange]:
    return InvoiceStatusChange.create_chained(changes)


def action_recorded(invoice, action: InvoiceAction, actor) -> InvoiceUserAction:
    return InvoiceUserAction.objects.create(invoice=invoice, action=InvoiceAction(action), actor=actor)


def original_generated(invoice, attachment: InvoiceAttachment) -> InvoiceEvent:
    return InvoiceEvent.objects.create(
        invoice=invoice,
        label=_("Document original Factur-X EN 16931 généré (SHA-256 %(sha)s)") % {"sha": attachment.sha256},
        who=_("Portail"),
    )


def deposited_file(invoice, name: str, actor) -> InvoiceEvent:
    return InvoiceEvent.objects.create(
        invoice=invoice, label=_("Fichier déposé : %(name)s") % {"name": name}, who=str(actor)
    )


def made_available(invoice, target: str) -> InvoiceEvent:
    return InvoiceEvent.objects.create(
        invoice=invoice, label=_("Mise à disposition de %(target)s") % {"target": target}, who=_("Portail")
    )


def downloaded(invoice, actor) -> InvoiceEvent:
    return InvoiceEvent.objects.create(
        invoice=invoice, label=_("Téléchargée par le destinataire"), who=str(actor)
    )
