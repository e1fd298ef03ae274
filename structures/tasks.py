from celery import shared_task


@shared_task(acks_late=True)
def send_structure_notification_task(kind: str, object_id: int) -> None:
    from structures.notifications import send_structure_notification

    send_structure_notification(kind, object_id)
