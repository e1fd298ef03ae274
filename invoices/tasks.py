from celery import shared_task


@shared_task(acks_late=True)
def route_invoice_task(invoice_id: int) -> None:
    from invoices.services import route_invoice

    route_invoice(invoice_id=invoice_id)


@shared_task(acks_late=True)
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
