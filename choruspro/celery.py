import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "choruspro.settings.dev")

app = Celery("choruspro")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Every periodic task of the portal is declared here (house style §F).
app.conf.beat_schedule = {
    # Domain §6.6: users may choose one digest e-mail a day instead of one per event.
    "invoices-daily-digest": {
        "task": "invoices.tasks.send_daily_digests_task",
        "schedule": crontab(hour=7, minute=0),
    },
}
