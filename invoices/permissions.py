"""Who may do what on invoices, for the structure they act for."""

from invoices import workflow
from structures.enums import Space, SubscriptionMode
from structures.permissions import member_space_mode, space_mode


def invoice_abilities(user, structure, invoice, *, membership=None) -> dict:
    """What the user may do on the invoice for `structure` (its supplier or its recipient), and the
    facts about its status the page shows; templates read it, services check the same rules again.
    `membership`: the user's in `structure`, when already read (no query then)."""
    side = workflow.Side.SUPPLIER if invoice.supplier_id == structure.pk else workflow.Side.RECIPIENT
    space = Space.FACTURES_EMISES if side == workflow.Side.SUPPLIER else Space.FACTURES_RECUES
    if membership is not None:
        mode = member_space_mode(membership, space)
    else:
        mode = space_mode(user, structure, space)
    write = mode == SubscriptionMode.MODIFICATION and structure.is_active
    status = invoice.status
    supplier = write and side == workflow.Side.SUPPLIER
    transitions = workflow.allowed(status, workflow.Side.RECIPIENT) if write and not supplier else []
    returned = status in workflow.RETURNED_TO_SUPPLIER
    return {
        "edit": supplier and workflow.can("edit", status),
        "delete": supplier and workflow.can("delete", status),
        "duplicate": supplier,
        "recycle": supplier and workflow.can("recycle", status),
        "complete": supplier and workflow.can("complete", status),
        "correct_validator": supplier and workflow.can("correct_validator", status),
        "acknowledge": side == workflow.Side.SUPPLIER
        and mode is not None
        and workflow.can("acknowledge", status)
        and not invoice.return_acknowledged,
        "certificate": side == workflow.Side.SUPPLIER and invoice.deposited_at is not None,
        "process": bool(transitions),
        "transitions": transitions,
        # Display facts: the page names no status.
        "original": workflow.can("original", status),
        "returned": returned,
        "return_kind": workflow.RETURN_KINDS.get(status) if side == workflow.Side.SUPPLIER else None,
        "acknowledged": returned and invoice.return_acknowledged,
    }
