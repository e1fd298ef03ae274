import hashlib
import threading

import pytest
from django.db import close_old_connections, connection

from invoices import services
from invoices.enums import AttachmentKind, InvoiceStatus
from invoices.exceptions import ConcurrentChange
from invoices.models import Invoice
from structures import services as structure_services
from structures.enums import Role
from tests.conftest import require_or_skip
from tests.factories import UserFactory

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


def test_two_recipients_processing_at_once_on_postgresql(make_invoice, recipient):
    """Two people of the recipient act on one invoice at the same moment: one transition wins,
    the other is refused with the new status; a single history row is written."""
    require_or_skip(connection.vendor == "postgresql", "needs PostgreSQL (DATABASE_URL)")
    invoice = make_invoice()
    colleague = UserFactory()
    structure_services.attach_user(
        actor=recipient.gp, structure_id=recipient.pk, user=colleague, role=Role.SECONDARY_MANAGER
    )
    barrier = threading.Barrier(2)
    outcomes = []

    def act(actor, transition, reason):
        close_old_connections()
        barrier.wait()
        try:
            services.process_invoice(
                actor=actor,
                structure=recipient,
                invoice_id=invoice.pk,
                transition=transition,
                reason=reason,
                expected_status=InvoiceStatus.MADE_AVAILABLE,
            )
            outcomes.append(transition)
        except ConcurrentChange as error:
            outcomes.append(str(error))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=act, args=(recipient.gp, "reject", "Doublon")),
        threading.Thread(target=act, args=(colleague, "service_done", "")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    invoice.refresh_from_db()
    winner = "reject" if invoice.status == InvoiceStatus.REJECTED else "service_done"
    assert winner in outcomes and len(outcomes) == 2
    loser = next(outcome for outcome in outcomes if outcome != winner)
    assert loser.startswith("La facture a changé de statut entre-temps")
    assert invoice.status_changes.filter(to_status__in=["REJETEE", "SERVICE_FAIT"]).count() == 1


def test_original_is_generated_by_a_real_worker_on_redis(make_invoice, supplier, redis_worker):
    """The generation task travels through Redis; the stored original's fingerprint matches its bytes."""
    draft = make_invoice(send=False)
    services.submit_invoice(actor=supplier.gp, structure=supplier, invoice_id=draft.pk)
    for _ in range(150):
        original = draft.attachments.filter(kind=AttachmentKind.PRINCIPAL).first()
        if original is not None:
            break
        threading.Event().wait(0.1)
    assert original is not None
    with original.file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == original.sha256
    services.ensure_original(invoice_id=draft.pk)  # a re-delivered task stores nothing more
    assert draft.attachments.filter(kind=AttachmentKind.PRINCIPAL).count() == 1


def test_number_prefix_indexes_exist_on_postgresql():
    """Migration 0002 gives PostgreSQL the indexes the number prefix search needs; SQLite has none."""
    require_or_skip(connection.vendor == "postgresql", "needs PostgreSQL (DATABASE_URL)")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'invoices_invoice' "
            "AND indexname LIKE 'invoice_%%_number'"
        )
        indexes = dict(cursor.fetchall())
    assert set(indexes) == {"invoice_supplier_number", "invoice_recipient_number"}
    assert all("upper((number)::text) text_pattern_ops" in definition for definition in indexes.values())
