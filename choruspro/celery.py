import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "choruspro.settings.dev")

app = Celery("choruspro")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Every periodic task of the portal is declared here (house style §F).
app.conf.beat_schedule = {
    # A deposit whose worker was lost is queued again (domain §4.2, IN_EN_ATTENTE_RETRAITEMENT_CPP).
    "deposits-requeue-stuck": {
        "task": "deposits.tasks.requeue_stuck_deposits_task",
        "schedule": crontab(minute="*/5"),
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
    from deposits.extraction.validation import warm_up

    warm_up()
