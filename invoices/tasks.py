from celery import shared_task


@shared_task(acks_late=True)
def route_invoice_task(invoice_id: int) -> None:
    from invoices.services import route_invoice

    route_invoice(invoice_id=invoice_id)


@shared_task(acks_late=True)
def notify_status_change_task(change_id: int) -> None:
    from invoices.notifications import notify_status_change

    notify_status_change(change_id)
