"""Every read of invoices, scoped to the structure the user acts for."""

from invoices import permissions, workflow
from invoices.enums import InvoiceStatus
from invoices.models import Invoice


def issued_by(structure):
    """Invoices of the supplier structure (deleted drafts excluded)."""
    return (
        Invoice.objects.filter(supplier=structure)
        .exclude(status=InvoiceStatus.DELETED)
        .select_related("recipient", "recipient_service", "supplier")
    )


def received_by(structure, user=None):
    """Invoices made available to the recipient structure; a user attached to services sees only
    those services' invoices."""
    queryset = Invoice.objects.filter(
        recipient=structure, status__in=workflow.VISIBLE_TO_RECIPIENT
    ).select_related("supplier", "recipient", "recipient_service")
    if user is not None:
        services = permissions.service_scope(user, structure)
        if services is not None:
            queryset = queryset.filter(recipient_service__in=services)
    return queryset


def supplier_to_handle(structure):
    return issued_by(structure).filter(status__in=workflow.SUPPLIER_TO_HANDLE)


def returned_unacknowledged(structure):
    return issued_by(structure).filter(status__in=workflow.RETURNED_TO_SUPPLIER, rejection_acknowledged=False)


def recipient_to_handle(structure, user=None):
    return received_by(structure, user).filter(status__in=workflow.RECIPIENT_TO_HANDLE)
