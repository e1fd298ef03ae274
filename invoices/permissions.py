"""Who may do what on invoices, for the structure they act for."""

from invoices import workflow
from invoices.enums import InvoiceStatus
from structures.enums import Space, SubscriptionMode
from structures.permissions import can_process, space_mode


def supplier_abilities(user, structure, invoice) -> dict:
    """What the user may do on an issued invoice; templates read it, services check it again."""
    mode = space_mode(user, structure, Space.FACTURES_EMISES)
    write = mode == SubscriptionMode.MODIFICATION and structure.is_active
    draft = invoice.status == InvoiceStatus.DRAFT
    return {
        "edit": write and draft,
        "delete": write and draft,
        "duplicate": write,
        "recycle": write and invoice.status == InvoiceStatus.TO_RECYCLE,
        "complete": write and invoice.status == InvoiceStatus.SUSPENDED,
        "acknowledge": mode is not None
        and invoice.status in workflow.RETURNED_TO_SUPPLIER
        and not invoice.rejection_acknowledged,
        "certificate": invoice.deposited_at is not None,
    }


def recipient_abilities(user, structure, invoice) -> dict:
    transitions = (
        workflow.allowed(invoice.status, workflow.Side.RECIPIENT) if can_process(user, structure) else []
    )
    return {"process": bool(transitions), "transitions": transitions}
