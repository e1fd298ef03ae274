from celery import shared_task


@shared_task(acks_late=True)
def process_deposit_task(deposit_id: int) -> None:
    from deposits.services import process_deposit

    process_deposit(deposit_id=deposit_id)


@shared_task(acks_late=True)
def process_deposit_item_task(item_id: int) -> None:
    from deposits.services import process_lot_item

    process_lot_item(item_id=item_id)


@shared_task(acks_late=True)
def requeue_stuck_deposits_task() -> int:
    from deposits.services import requeue_stuck_deposits

    return requeue_stuck_deposits()
