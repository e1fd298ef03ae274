import threading

import pytest

from invoices import services
from invoices.enums import InvoiceStatus
from invoices.models import Invoice

pytestmark = pytest.mark.django_db(transaction=True)


def test_sent_invoice_is_routed_by_a_real_worker_on_redis(make_invoice, supplier, redis_worker):
    """Submit commits DEPOSEE; the routing task travels through Redis to a worker that makes the
    invoice available to the recipient."""
    draft = make_invoice(send=False)
    services.submit_invoice(actor=supplier.gp, structure=supplier, invoice_id=draft.pk)
    for _ in range(100):
        if Invoice.objects.get(pk=draft.pk).status == InvoiceStatus.MADE_AVAILABLE:
            break
        threading.Event().wait(0.1)
    assert Invoice.objects.get(pk=draft.pk).status == InvoiceStatus.MADE_AVAILABLE


def test_routing_task_is_idempotent(make_invoice):
    """A re-delivered routing task changes nothing and writes no second history row."""
    invoice = make_invoice()
    rows = invoice.status_changes.count()
    services.route_invoice(invoice_id=invoice.pk)
    assert invoice.status_changes.count() == rows
