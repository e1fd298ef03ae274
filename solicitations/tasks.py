from celery import shared_task

from invoices.tasks import RETRY_ON_DATABASE_ERROR


@shared_task(acks_late=True, **RETRY_ON_DATABASE_ERROR)
def notify_exchange_task(exchange_id: int) -> None:
    from solicitations.notifications import notify_exchange

    notify_exchange(exchange_id)


@shared_task(acks_late=True, **RETRY_ON_DATABASE_ERROR)
def notify_overdue_task(solicitation_id: int) -> None:
    from solicitations.notifications import notify_overdue

    notify_overdue(solicitation_id)


@shared_task(acks_late=True)
def flag_overdue_solicitations_task() -> int:
    from solicitations.services import flag_overdue

    return flag_overdue()
