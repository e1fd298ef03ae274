from celery import shared_task

from invoices.tasks import RETRY_ON_DATABASE_ERROR


@shared_task(acks_late=True, **RETRY_ON_DATABASE_ERROR)
def notify_event_task(event_id: int) -> None:
    from works.notifications import notify_event

    notify_event(event_id)


@shared_task(acks_late=True)
def record_moe_deadlines_task() -> int:
    from works.services import record_moe_deadlines

    return record_moe_deadlines()
