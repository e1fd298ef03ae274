from celery import shared_task
from django.db import InterfaceError, OperationalError

# A database restart or failover lasts seconds: the work is retried, not dropped (the sweeps of
# invoices/sweeps.py catch up on whatever still fails).
RETRY_ON_DATABASE_ERROR = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 2,
    "retry_backoff_max": 60,
    "retry_jitter": True,
    "max_retries": 6,
}


@shared_task(acks_late=True, **RETRY_ON_DATABASE_ERROR)
def route_invoice_task(invoice_id: int) -> None:
    from invoices.services import route_invoice

    route_invoice(invoice_id=invoice_id)


@shared_task(acks_late=True, **RETRY_ON_DATABASE_ERROR)
def notify_status_change_task(change_id: int) -> None:
    from invoices.notifications import notify_status_change

    notify_status_change(change_id)


@shared_task(acks_late=True)
def send_daily_digests_task() -> int:
    from invoices.notifications import send_daily_digests

    return send_daily_digests()


@shared_task(acks_late=True)
def generate_original_task(invoice_id: int) -> None:
    from invoices.services import ensure_original

    ensure_original(invoice_id=invoice_id)


@shared_task(acks_late=True)
def route_stale_invoices_task() -> int:
    from invoices.sweeps import route_stale_invoices

    return route_stale_invoices()


@shared_task(acks_late=True)
def notify_missed_changes_task() -> int:
    from invoices.sweeps import notify_missed_changes

    return notify_missed_changes()


@shared_task(acks_late=True)
def validate_tacitly_task() -> int:
    from invoices.services import validate_tacitly

    return validate_tacitly()
