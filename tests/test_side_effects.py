"""A broker or database outage never answers 500 for a committed change nor loses its side
effects: the change stays committed, and the periodic sweeps do the work the queue missed."""

import datetime
import logging
import threading

import pytest
from django.conf import settings as django_settings
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from choruspro.celery import app
from choruspro.outbox import safe_delay
from deposits.services import STUCK_AFTER
from invoices import notifications, services, sweeps
from invoices.enums import InvoiceStatus
from invoices.models import Invoice, Notification
from invoices.tasks import notify_status_change_task, route_invoice_task
from tests.invoices.test_views_supplier import entry_data

pytestmark = pytest.mark.django_db

LATER = datetime.timedelta(minutes=4)


def _forget_connections():
    """The app keeps its broker connection pools: the next task opens them on the new broker_url."""
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    """Tasks are really published, to a port where nothing listens."""
    previous = app.conf.task_always_eager, app.conf.broker_url, app.conf.task_publish_retry
    app.conf.task_always_eager = False
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    app.conf.task_publish_retry = False
    _forget_connections()
    yield
    _forget_connections()
    app.conf.task_always_eager, app.conf.broker_url, app.conf.task_publish_retry = previous


def test_a_task_that_cannot_be_queued_is_logged_and_left_to_the_sweep(broker_down, caplog):
    with caplog.at_level(logging.WARNING, logger="choruspro.outbox"):
        assert safe_delay(route_invoice_task, 123) is False
    assert "invoices.tasks.route_invoice_task(123,) not queued" in caplog.text


def test_submit_with_the_broker_down_commits_then_the_sweeps_route_and_notify(
    client, supplier, recipient, broker_down, django_capture_on_commit_callbacks
):
    client.force_login(supplier.gp)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/factures-emises/saisir/", entry_data(recipient))
    invoice = Invoice.objects.get(supplier=supplier, number="F2026-100")
    assert response.status_code == 302 and response.url == f"/factures-emises/{invoice.pk}/"
    assert invoice.status == InvoiceStatus.DEPOSITED
    assert not Notification.objects.filter(invoice=invoice).exists()

    now = timezone.now()
    assert sweeps.route_stale_invoices(now=now) == 0  # within the grace delay: the task may still come
    app.conf.task_always_eager = True  # the broker is back: the sweep's own side effects run
    with django_capture_on_commit_callbacks(execute=True):
        assert sweeps.route_stale_invoices(now=now + LATER) == 1
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.MADE_AVAILABLE
    assert sweeps.route_stale_invoices(now=now + LATER) == 0
    # The changes made while the broker was down (Déposée) had no notice: the sweep makes them, once.
    deposited = invoice.status_changes.get(to_status=InvoiceStatus.DEPOSITED)
    assert sweeps.notify_missed_changes(now=now + LATER) >= 1
    assert Notification.objects.filter(change=deposited, user=supplier.gp).count() == 1
    assert sweeps.notify_missed_changes(now=now + LATER) == 0


def test_traiter_with_the_broker_down_answers_302_and_the_sweep_notifies(
    client, supplier, recipient, make_invoice, broker_down, django_capture_on_commit_callbacks, mailoutbox
):
    invoice = make_invoice()
    mailoutbox.clear()
    client.force_login(recipient.gp)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/factures-recues/{invoice.pk}/traiter/",
            {"transition": "reject", "reason": "Doublon", "expected_status": invoice.status},
        )
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.REJECTED
    change = invoice.status_changes.get(to_status=InvoiceStatus.REJECTED)
    assert not change.notifications.exists() and mailoutbox == []

    later = timezone.now() + LATER
    assert sweeps.notify_missed_changes(now=later) >= 1
    assert change.notifications.filter(user=supplier.gp).count() == 1
    assert supplier.gp.notification_email in [address for message in mailoutbox for address in message.to]
    assert sweeps.notify_missed_changes(now=later) == 0


def test_routing_and_notification_tasks_retry_database_errors_with_backoff():
    for task in (route_invoice_task, notify_status_change_task):
        assert set(task.autoretry_for) == {OperationalError, InterfaceError}
        assert task.retry_backoff and task.max_retries


def test_a_killed_workers_task_comes_back_within_two_minutes():
    visibility = django_settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    # A running task is never handed out twice, and a lost one is back within 2 minutes.
    assert django_settings.CELERY_TASK_TIME_LIMIT < visibility <= 120
    assert datetime.timedelta(seconds=django_settings.CELERY_TASK_TIME_LIMIT) < STUCK_AFTER
    assert STUCK_AFTER <= datetime.timedelta(minutes=2)
    assert app.conf.beat_schedule["deposits-requeue-stuck"]["schedule"] <= 60
    assert django_settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


@pytest.mark.django_db(transaction=True)
def test_a_database_error_in_the_worker_is_retried_on_redis(
    make_invoice, recipient, redis_worker, monkeypatch
):
    """The database drops the notification task's connection once: the worker retries it."""
    invoice = make_invoice()
    real, calls = notifications.notify_status_change, []

    def dropped_once(change_id):
        calls.append(change_id)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        real(change_id)

    monkeypatch.setattr(notifications, "notify_status_change", dropped_once)
    services.process_invoice(
        actor=recipient.gp, structure=recipient, invoice_id=invoice.pk, transition="reject", reason="Doublon"
    )
    change = invoice.status_changes.get(to_status=InvoiceStatus.REJECTED)
    for _ in range(100):
        if change.notifications.exists():
            break
        threading.Event().wait(0.1)
    assert change.notifications.exists()
    assert calls == [change.pk, change.pk]
