"""Faults injected into real processes (issue 11 §2): two gunicorns and a Celery worker on a
PostgreSQL cluster and a Redis of the test's own. Under the load of 20 users, a PostgreSQL restart
and a Redis stop answer no 5xx and lose no sent invoice; a worker killed in the middle of a lot has
it read again, whole and once, within 2 minutes; a TOTP code and the failed log-ins count across
nodes. `make bench-faults` runs the same scenarios longer."""

import os

import pytest
import requests

from tests.accounts.test_second_factor import _code as totp_code
from tests.conftest import require_or_skip
from tests.processes import scenarios
from tests.processes.load import log_in, logged_in, unnotified, unrouted
from tests.processes.servers import Portal, PostgresCluster, RedisServer, missing_tools, wait_until

# One xdist worker starts the servers once for the whole module (make test: --dist loadgroup).
pytestmark = pytest.mark.xdist_group("processes")
USERS = 20
LOT_MEMBERS = 16


@pytest.fixture(scope="module")
def servers():
    missing = missing_tools()
    require_or_skip(not missing, f"needs {', '.join(missing)}")
    require_or_skip(os.geteuid() == 0, "starts PostgreSQL as the postgres user: needs root")
    database, redis = PostgresCluster(), RedisServer()
    portal = Portal(database, redis)
    try:
        # gunicorns and the worker warm up (stylesheets) while the database is migrated and filled.
        portal.start_web(workers=2)  # under load
        portal.start_web(workers=1)  # another node, on the same database and Redis
        portal.start_worker()
        portal.manage("migrate", "--noinput", "-v0")
        data = portal.seed(USERS, LOT_MEMBERS)
        portal.wait_for_web()
        data["sessions"] = [logged_in(key) for key in data["sessions"]]
        yield database, redis, portal, data
    finally:
        portal.close()
        redis.stop()
        database.close()


def _all_routed(database, invoice_ids) -> bool:
    return bool(wait_until(lambda: not unrouted(database, invoice_ids), 60, 0.5))


def test_a_postgresql_restart_under_load_answers_no_5xx_and_routes_every_sent_invoice(servers):
    database, _redis, portal, data = servers
    outage = scenarios.postgres_restart(database, portal, data, "PG")
    assert outage.results.server_errors() == 0, outage.results.failures
    assert _all_routed(database, outage.results.sent), unrouted(database, outage.results.sent)


def test_a_redis_stop_under_load_answers_no_5xx_and_the_queued_work_is_done_once_it_is_back(servers):
    database, redis, portal, data = servers
    outage = scenarios.redis_stop(redis, portal, data, "RS")
    assert outage.results.server_errors() == 0, outage.results.failures
    # Redis lost what it held (no persistence): the sweeps route the invoices whose task was
    # never queued, and the worker, reconnected, runs the notifications they queue.
    portal.sweep()
    assert _all_routed(database, outage.results.sent), unrouted(database, outage.results.sent)
    assert wait_until(lambda: not unnotified(database, outage.results.sent), 60, 0.5)


def test_a_worker_killed_while_reading_a_lot_has_it_read_whole_and_once_within_two_minutes(servers):
    database, _redis, portal, data = servers
    deposit = scenarios.deposit_lot(portal, data["sessions"][0], data["lots"][0])
    assert scenarios.kill_worker_while_reading(database, portal, deposit) < 120
    numbers = database.query(
        "select number from invoices_invoice where deposit_mode = 'DEPOT_XML' order by number"
    )
    assert [number for (number,) in numbers] == [f"LOT-{n:03d}" for n in range(LOT_MEMBERS)]
    assert database.query(scenarios.SENT_ITEMS, deposit)[0][0] == LOT_MEMBERS
    assert requests.get(f"{portal.url}/accounts/login/", timeout=10).status_code == 200


def _second_factor(url: str, email: str, code: str) -> bool:
    """Password then TOTP code on that node: whether the session is then logged in."""
    session, response = log_in(url, email)
    assert response.status_code == 302 and "/accounts/2fa/authenticate/" in response.headers["Location"]
    token = session.cookies["csrftoken"]
    session.post(f"{url}/accounts/2fa/authenticate/", data={"code": code, "csrfmiddlewaretoken": token},
                 allow_redirects=False, timeout=30)  # fmt: skip
    return session.get(f"{url}/compte/", allow_redirects=False, timeout=30).status_code == 200


def test_a_totp_code_is_accepted_once_across_two_web_nodes(servers):
    _database, _redis, portal, data = servers
    first, second = portal.urls
    user = data["totp"]
    code = totp_code(user["secret"])
    assert _second_factor(first, user["email"], code)
    assert not _second_factor(second, user["email"], code), "the code was accepted twice"


def test_failed_logins_are_counted_across_two_web_nodes(servers):
    """Five wrong passwords for an account in five minutes, whichever node answers them."""
    _database, _redis, portal, _data = servers
    first, second = portal.urls
    for url in (first, second, first, second, first):
        _session, response = log_in(url, "destinataire@exemple.fr", "mauvais")
        assert response.status_code == 200 and "Trop de tentatives" not in response.text
    _session, response = log_in(second, "destinataire@exemple.fr")
    assert "Trop de tentatives de connexion échouées" in response.text
