"""Side effects queued after commit: a broker outage must never turn a committed change into a
500, nor lose the work for good; the periodic sweeps (choruspro/celery.py) pick up what was not queued."""

import logging

from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

BROKER_ERRORS = (BrokerError, RedisError, OSError)


def safe_delay(task, *args) -> bool:
    """Queue the task; on a broker outage, log and leave the work to the sweep."""
    try:
        task.delay(*args)
    except BROKER_ERRORS as error:
        logger.warning("%s%r not queued (%s): left to the periodic sweep", task.name, args, error)
        return False
    return True


def enqueue_on_commit(task, *args) -> None:
    transaction.on_commit(lambda: safe_delay(task, *args))
