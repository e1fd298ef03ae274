import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import task_postrun, task_prerun, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "choruspro.settings.dev")

app = Celery("choruspro")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Every periodic task of the portal is declared here (house style §F).
app.conf.beat_schedule = {
    # A deposit whose worker was lost is queued again (domain §4.2, IN_EN_ATTENTE_RETRAITEMENT_CPP).
    "deposits-requeue-stuck": {
        "task": "deposits.tasks.requeue_stuck_deposits_task",
        "schedule": 60.0,
    },
    # Side effects a broker or database outage kept from running (choruspro/outbox.py).
    "invoices-route-stale": {
        "task": "invoices.tasks.route_stale_invoices_task",
        "schedule": 120.0,
    },
    "invoices-notify-missed": {
        "task": "invoices.tasks.notify_missed_changes_task",
        "schedule": 300.0,
    },
    # Domain §9.6: an invoice left 15 days with its validator is validated tacitly.
    "invoices-validate-tacitly": {
        "task": "invoices.tasks.validate_tacitly_task",
        "schedule": 900.0,
    },
    # Files dropped in the raccordements EDI's inbound folders (api/edi.py).
    "api-scan-edi-folders": {
        "task": "api.tasks.scan_edi_folders_task",
        "schedule": 60.0,
    },
    # Issue 16: a sollicitation left unanswered five working days is flagged to its addressee.
    "solicitations-flag-overdue": {
        "task": "solicitations.tasks.flag_overdue_solicitations_task",
        "schedule": crontab(hour=6, minute=30),
    },
    # The deadlines of Factures de travaux (MOE 7 days, validator 15 days, end-of-contract ones):
    # a notice before, recorded when passed (works/workflow.py DEADLINES).
    "works-deadlines": {
        "task": "works.tasks.sweep_deadlines_task",
        "schedule": 15 * 60.0,
    },
    # Domain §6.6: users may choose one digest e-mail a day instead of one per event.
    "invoices-daily-digest": {
        "task": "invoices.tasks.send_daily_digests_task",
        "schedule": crontab(hour=7, minute=0),
    },
}


@worker_process_init.connect
def _compile_stylesheets(**_kwargs):
    """Each worker process compiles the validation stylesheets once, before its first deposit."""
    from einvoice.validation import warm_up

    warm_up()


@task_prerun.connect
@task_postrun.connect
def _keep_database_connection(task=None, **_kwargs):
    """Celery's own Django fix-up closes the connection around every task (it is told to reuse it,
    settings.CELERY_DB_REUSE_MAX); Django's rule applies instead, as between requests: a
    connection is kept for CONN_MAX_AGE unless it broke. Not for eager tasks, which run inside the
    caller's request or test."""
    if task is not None and not getattr(task.request, "is_eager", False):
        from django.db import close_old_connections

        close_old_connections()
