"""Periodic catch-up of the side effects a broker or database outage left undone (choruspro/outbox.py):
both re-run idempotent work, so a sweep that overlaps a late task does no harm."""

import datetime
import logging

from django.utils import timezone

from invoices import workflow
from invoices.models import Invoice, InvoiceStatusChange

logger = logging.getLogger(__name__)

# Longer than a routing or notification task normally waits in the queue.
GRACE = datetime.timedelta(minutes=3)
# Older changes are history: their notices would be news to nobody.
NOTIFY_WINDOW = datetime.timedelta(days=1)
ROUTING_STATUSES = (
    workflow.get("route").sources
    | workflow.get("make_available").sources
    | workflow.get("route_validated").sources
)


def route_stale_invoices(now=None) -> int:
    """Route again every invoice left Déposée / en cours d'acheminement past the grace delay."""
    from invoices.services import route_invoice

    before = (now or timezone.now()) - GRACE
    stale = Invoice.objects.filter(status__in=ROUTING_STATUSES, status_changed_at__lt=before)
    stale = list(stale.values_list("pk", flat=True))
    for invoice_id in stale:
        route_invoice(invoice_id=invoice_id)
    if stale:
        logger.warning("%d invoice(s) routed by the sweep", len(stale))
    return len(stale)


def notify_missed_changes(now=None) -> int:
    """Notify the recent status changes that have no notice at all (their task was never run)."""
    from invoices.notifications import notify_status_change

    now = now or timezone.now()
    missed = list(
        InvoiceStatusChange.objects.filter(
            created_at__lt=now - GRACE, created_at__gte=now - NOTIFY_WINDOW, notifications__isnull=True
        ).values_list("pk", flat=True)
    )
    for change_id in missed:
        notify_status_change(change_id)
    return len(missed)
