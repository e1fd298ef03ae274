import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

logger = logging.getLogger(__name__)

# One file must not hold a worker: past the soft limit the reading is interrupted and the deposit
# goes through the failure path below (retried, then « erreur technique »); the hard limit kills a
# reader stuck in C code, and requeue_stuck_deposits_task picks the deposit up again. Both stay
# under the broker's visibility timeout (settings: CELERY_BROKER_TRANSPORT_OPTIONS), or a file still
# being read would be handed to a second worker.
READING_LIMITS = {"soft_time_limit": 90, "time_limit": 105}


# Expected failures end in a rejected state inside the services; anything else is caught here, so
# that no deposit is left in processing: it is retried, then given up (deposits.services).
def _read_or_fail(read, fail, what: str, **ids) -> None:
    try:
        read(**ids)
    except SoftTimeLimitExceeded:
        logger.error("%s %s: reading time limit exceeded", what, *ids.values())
        fail(**ids)
    except Exception:
        logger.exception("%s %s: processing failed", what, *ids.values())
        fail(**ids)


@shared_task(acks_late=True, **READING_LIMITS)
def process_deposit_task(deposit_id: int) -> None:
    from deposits.services import fail_deposit, process_deposit

    _read_or_fail(process_deposit, fail_deposit, "Deposit", deposit_id=deposit_id)


@shared_task(acks_late=True, **READING_LIMITS)
def process_deposit_item_task(item_id: int) -> None:
    from deposits.services import fail_deposit_item, process_lot_item

    _read_or_fail(process_lot_item, fail_deposit_item, "Deposit item", item_id=item_id)


@shared_task(acks_late=True)
def requeue_stuck_deposits_task() -> int:
    from deposits.services import requeue_stuck_deposits

    return requeue_stuck_deposits()
