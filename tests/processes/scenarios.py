"""The fault scenarios, run briefly by tests/processes/test_faults.py and at length by
`make bench-faults` (benchmarks/faults.py): each returns what it measured."""

import os
import signal
import time
from dataclasses import dataclass

from tests.processes.load import Load, Results, csrf_token
from tests.processes.servers import wait_until

ROUTED = "MISE_A_DISPOSITION"


@dataclass
class Outage:
    results: Results
    began: float  # seconds into the load
    ended: float

    def server_errors_around(self, margin: float = 5.0) -> int:
        return self.results.server_errors(self.began - margin, self.ended + margin)


def postgres_restart(database, portal, data, label: str, sent_before: int = 2, sent_after: int = 2) -> Outage:
    """Users send invoices; PostgreSQL restarts (fast: sessions cut) once `sent_before` are sent;
    the load goes on until `sent_after` more are."""
    with Load(portal.url, data["sessions"], data["recipient"], label) as load:
        assert load.sent_at_least(sent_before, within=120), "no invoice was sent before the restart"
        began = load.now()
        database.restart()
        ended = load.now()
        assert load.sent_at_least(len(load.results.sent) + sent_after, within=120), (
            "none sent after the restart"
        )
    return Outage(load.results, began, ended)


def redis_stop(
    redis, portal, data, label: str, sent_before: int = 2, sent_during: int = 2, sent_after: int = 2
):
    """Users send invoices; Redis (broker and cache) stops until `sent_during` more are sent, then
    comes back empty; the load goes on until `sent_after` more are."""
    with Load(portal.url, data["sessions"], data["recipient"], label) as load:
        assert load.sent_at_least(sent_before, within=120), "no invoice was sent before the stop"
        began = load.now()
        redis.stop()
        assert load.sent_at_least(len(load.results.sent) + sent_during, within=120), "none sent without Redis"
        redis.start()
        ended = load.now()
        assert load.sent_at_least(len(load.results.sent) + sent_after, within=120), (
            "none sent once it was back"
        )
    return Outage(load.results, began, ended)


def time_to(condition, timeout: float) -> float | None:
    """Seconds until condition() holds; None if it did not within timeout."""
    start = time.monotonic()
    return time.monotonic() - start if wait_until(condition, timeout, 0.2) else None


def deposit_lot(portal, session, path: str) -> int:
    """The lot uploaded through Dépôt facture; the id of its deposit."""
    form = {"kind": "LOT", "format": "XML_MIXTE", "cadre": "A1_FACTURE_FOURNISSEUR",
            "csrfmiddlewaretoken": csrf_token(session, f"{portal.url}/factures-emises/depot/")}  # fmt: skip
    with open(path, "rb") as lot:
        response = session.post(f"{portal.url}/factures-emises/depot/", data=form, allow_redirects=False,
                                files={"file": ("lot.zip", lot, "application/zip")}, timeout=60)  # fmt: skip
    assert response.status_code == 302, response.text[:500]
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


SENT_ITEMS = "select count(*) from deposits_deposititem where deposit_id = %s and outcome = 'DEPOSEE'"


def kill_worker_while_reading(
    database, portal, deposit: int, whole: bool = False, timeout: float = 120
) -> float:
    """SIGKILL the pool process reading the deposit (an out-of-memory kill), or the whole worker
    (a lost node: another worker is started); seconds from the kill to the lot read whole."""
    assert wait_until(lambda: database.query(SENT_ITEMS, deposit)[0][0] >= 2, 60), "the lot was never read"
    ((processing_by, status),) = database.query(
        "select processing_by, status from deposits_deposit where id = %s", deposit
    )
    assert status != "IN_INTEGRE", "the lot was read before the worker could be killed"
    if whole:
        worker = portal.workers[-1]
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
        portal.start_worker()
    else:
        os.kill(int(processing_by.rsplit(":", 1)[1]), signal.SIGKILL)
    killed = time.monotonic()
    status = "select status from deposits_deposit where id = %s"
    assert wait_until(lambda: database.query(status, deposit)[0][0] == "IN_INTEGRE", timeout, 0.2), (
        f"the lot was not read whole within {timeout:.0f} s of the kill"
    )
    return time.monotonic() - killed
