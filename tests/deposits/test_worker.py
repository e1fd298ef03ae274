"""A real Celery worker process on Redis reads a lot; killed in the middle, it loses nothing and
creates nothing twice once its task is delivered again."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from deposits import services
from deposits.enums import DepositFormat, DepositKind, FluxStatus, ItemOutcome
from deposits.models import Deposit
from invoices.models import Invoice
from tests.conftest import require_or_skip
from tests.deposits.conftest import upload, zip_of

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def broker():
    """Tasks queued by this test go to Redis instead of running in-process."""
    redis_url = os.environ.get("REDIS_URL", "")
    require_or_skip(bool(redis_url), "needs Redis (REDIS_URL)")
    require_or_skip(connection.vendor == "postgresql", "needs PostgreSQL (DATABASE_URL)")
    from choruspro.celery import app

    previous = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager, app.conf.broker_url = False, redis_url
    with app.connection_for_write() as conn:
        for queue in ("celery", "deposits"):
            conn.default_channel.client.delete(queue)  # nothing left by an earlier run
    yield app
    app.conf.task_always_eager, app.conf.broker_url = previous


@pytest.fixture
def worker_process(broker):
    """`celery worker` in its own process, on this test's database."""
    db = connection.settings_dict
    database = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "DJANGO_SETTINGS_MODULE": "choruspro.settings.test",
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    command = [sys.executable, "-m", "celery", "-A", "choruspro", "worker", "-Q", "celery,deposits",
               "--pool=prefork", "--concurrency=1", "--loglevel=WARNING", "--without-heartbeat",
               "--without-mingle", "--without-gossip"]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603
    yield process
    process.terminate()  # a warm shutdown: the running task ends first
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _wait(condition, timeout=120):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_killed_worker_loses_nothing_and_duplicates_nothing(supplier, structured_invoice, worker_process):
    members = {f"FX-{n:02d}.pdf": structured_invoice(f"FX-{n:02d}") for n in range(24)}
    deposit = services.create_deposit(
        actor=supplier.gp,
        structure=supplier,
        kind=DepositKind.LOT,
        declared_format=DepositFormat.MIXED,
        cadre="A1_FACTURE_FOURNISSEUR",
        validator=None,
        upload=upload("lot.zip", zip_of(members)),
    )

    def some_read():
        return deposit.items.filter(outcome=ItemOutcome.SENT).count() >= 3

    assert _wait(some_read), "the worker did not start reading the lot"
    deposit.refresh_from_db()
    child = int(deposit.processing_by.rsplit(":", 1)[1])
    os.kill(child, signal.SIGKILL)  # the pool process dies in the middle of the lot

    def finished():
        deposit.refresh_from_db()
        return deposit.status == FluxStatus.INTEGRATED

    assert _wait(finished), f"lot left in {deposit.status}"
    sent = Invoice.objects.filter(supplier=supplier, deposit_mode="DEPOT_XML")
    assert sent.count() == 24
    assert sorted(sent.values_list("number", flat=True)) == sorted(name[:-4] for name in members)
    assert Deposit.objects.get(pk=deposit.pk).items.filter(outcome=ItemOutcome.SENT).count() == 24
