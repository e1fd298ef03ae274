import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key")

from choruspro.settings.base import *  # noqa: E402,F403
from choruspro.settings.base import ACCOUNT_RATE_LIMITS, BASE_DIR, CACHES, DATABASES, env  # noqa: E402

ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEV_OUTBOX = False
# load_demo_data (`make run`, the tests); production has no demo data.
INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "django.forms"] + ["demo", "django.forms"]  # noqa: F405
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test-db.sqlite3")}
# Unit tests run tasks in-process; the worker tests start real workers on Redis, and a worker
# process started by a test sets this to false.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Each xdist worker counts its own rate limits when the cache is Redis (locmem is per process).
if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    CACHES["default"]["KEY_PREFIX"] = f"test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
# Tests log in and post forms far more often than people do; tests/test_rate_limits.py sets the
# real limits back.
ACCOUNT_RATE_LIMITS = {action: "1000/m/ip" for action in ACCOUNT_RATE_LIMITS}
# Static files come from the finders here; whitenoise serves the collected ones in production.
MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith("whitenoise")]  # noqa: F405
