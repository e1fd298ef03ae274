"""Django's PostgreSQL backend, whose new connections are retried for a few seconds: a database
restart (an upgrade, a failover) makes requests and tasks wait for it instead of failing."""

import logging
import time

from django.db.backends.postgresql import base

logger = logging.getLogger(__name__)

# Longer than a restart takes, shorter than gunicorn's 30 s worker timeout.
RETRY_FOR = 10.0
FIRST_DELAY = 0.1
MAX_DELAY = 1.0


class DatabaseWrapper(base.DatabaseWrapper):
    # Commits seen by this connection: a request that failed after one is not replayed
    # (choruspro.middleware.DatabaseRetryMiddleware).
    commits = 0

    def get_new_connection(self, conn_params):
        deadline = time.monotonic() + RETRY_FOR
        delay = FIRST_DELAY
        while True:
            try:
                return super().get_new_connection(conn_params)
            except self.Database.OperationalError as error:
                if time.monotonic() + delay > deadline:
                    raise
                logger.warning("database unavailable, new try in %.1f s: %s", delay, error)
                time.sleep(delay)
                delay = min(delay * 2, MAX_DELAY)

    def _commit(self):
        result = super()._commit()
        self.commits += 1
        return result
