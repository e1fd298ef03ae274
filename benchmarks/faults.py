"""Fault injection at length (make bench-faults): `python -m benchmarks.faults --users 20`.

The portal runs as in production, on servers of its own (tests/processes/servers.py): a gunicorn
of 2 workers and a Celery worker, on a throwaway PostgreSQL cluster and Redis. Printed, for each
scenario of tests/processes/scenarios.py:
- a PostgreSQL restart (fast: sessions cut) under load: requests, 5xx, seconds to route every
  invoice whose sending was answered;
- a Redis stop (broker and cache) of --outage seconds under load: the same, once the sweeps have run;
- a worker killed while it reads a lot of --lot invoices: its pool process (as the out-of-memory
  killer does), then, with --whole-worker, the whole worker (a lost node, another one started):
  seconds from the kill to the lot read whole.
"""

import argparse
import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "choruspro.settings.test")
django.setup()  # the load's form data come from the tests, which import the models

from tests.processes import scenarios  # noqa: E402
from tests.processes.load import logged_in, unnotified, unrouted  # noqa: E402
from tests.processes.servers import Portal, PostgresCluster, RedisServer, missing_tools  # noqa: E402

SCENARIOS = ("postgres", "redis", "pool", "worker")


def _out(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _report(name: str, outage: scenarios.Outage, settled: float | None) -> None:
    done = f"{settled:.1f} s after the load" if settled is not None else "NOT within the time allowed"
    _out(f"{name}: {outage.results.summary()}")
    lasted = outage.ended - outage.began
    _out(f"  {outage.server_errors_around()} × 5xx within 5 s of the fault ({lasted:.1f} s long)")
    _out(f"  every sent invoice at the recipient's {done}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--sent", type=int, default=60, help="invoices sent before and after each fault")
    parser.add_argument("--outage", type=int, default=40, help="invoices sent while Redis is stopped")
    parser.add_argument(
        "--lot", type=int, default=40, help="invoices in the lot read when a worker is killed"
    )
    parser.add_argument("--whole-worker", action="store_true", help="also kill a whole worker (~2 min)")
    parser.add_argument("--only", action="append", choices=SCENARIOS, help="these scenarios only")
    args = parser.parse_args()
    only = set(args.only or SCENARIOS[:3] + (SCENARIOS[3:] if args.whole_worker else ()))
    if missing := missing_tools():
        _out(f"needs {', '.join(missing)}")
        return 1

    started = time.monotonic()
    database, redis = PostgresCluster(), RedisServer()
    portal = Portal(database, redis)
    try:
        portal.start_web(workers=2)
        portal.start_worker()
        portal.manage("migrate", "--noinput", "-v0")
        data = portal.seed(args.users, args.lot, lots=2)
        portal.wait_for_web()
        data["sessions"] = [logged_in(key) for key in data["sessions"]]
        _out(f"{args.users} users, servers ready in {time.monotonic() - started:.0f} s")

        if "postgres" in only:
            _postgres(database, portal, data, args)
        if "redis" in only:
            _redis(database, redis, portal, data, args)
        if "pool" in only:
            deposit = scenarios.deposit_lot(portal, data["sessions"][0], data["lots"][0])
            recovery = scenarios.kill_worker_while_reading(database, portal, deposit)
            _out(f"Pool process killed while reading a lot of {args.lot}: read whole {recovery:.1f} s later")
        if "worker" in only:
            deposit = scenarios.deposit_lot(portal, data["sessions"][0], data["lots"][1])
            recovery = scenarios.kill_worker_while_reading(database, portal, deposit, whole=True, timeout=300)
            _out(f"Whole worker killed while reading a lot: read whole {recovery:.1f} s later")
    finally:
        portal.close()
        redis.stop()
        database.close()
    return 0


def _postgres(database, portal, data, args) -> None:
    outage = scenarios.postgres_restart(database, portal, data, "PG", args.sent, args.sent)
    settled = scenarios.time_to(lambda: not unrouted(database, outage.results.sent), 300)
    _report("PostgreSQL restart", outage, settled)


def _redis(database, redis, portal, data, args) -> None:
    outage = scenarios.redis_stop(redis, portal, data, "RS", args.sent, args.outage, args.sent)
    portal.sweep()
    settled = scenarios.time_to(
        lambda: not unrouted(database, outage.results.sent) and not unnotified(database, outage.results.sent),
        300,
    )
    _report("Redis stop", outage, settled)


if __name__ == "__main__":
    sys.exit(main())
