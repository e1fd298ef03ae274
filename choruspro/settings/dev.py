"""`make run`: SQLite, files on disk, tasks in-process, e-mails in the terminal and the outbox page."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "dev-only-insecure-secret-key-not-for-production")
os.environ.setdefault("DJANGO_DEBUG", "true")

from choruspro.settings.base import *  # noqa: E402,F403
from choruspro.settings.base import env  # noqa: E402

ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
# Console for the terminal, and a copy kept in the database for the /dev/outbox/ page.
EMAIL_BACKEND = "accounts.mail.ConsoleAndOutboxBackend"
DEV_OUTBOX = True
# load_demo_data (`make run`, the tests); production has no demo data.
INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "django.forms"] + ["demo", "django.forms"]  # noqa: F405
# Tasks run in-process unless a Redis broker is configured.
CELERY_TASK_ALWAYS_EAGER = not env("REDIS_URL", default="")
# Static files come from the finders here; whitenoise serves the collected ones in production.
MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith("whitenoise")]  # noqa: F405
# Links in e-mails point at the port `make run` serves on.
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default=f"http://127.0.0.1:{env('PORT', default='8000')}")
