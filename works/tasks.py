from celery import shared_task

from invoices.tasks import RETRY_ON_DATABASE_ERROR


@shared_task(acks_late=True, **RETRY_ON_DATABASE_ERROR)
def notify_event_task(event_id: int) -> None:
    from works.notifications import notify_event

    notify_event(event_id)


@shared_task(acks_late=True)
def sweep_deadlines_task() -> dict:
    from works.services import sweep_deadlines

    return sweep_deadlines()
