import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "choruspro.settings.dev")

app = Celery("choruspro")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Every periodic task of the portal is declared here (house style §F); the
# invoice issues add theirs.
app.conf.beat_schedule = {}
