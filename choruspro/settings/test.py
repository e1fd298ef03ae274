import os
from urllib.parse import urlsplit, urlunsplit

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key")


def _shift_redis_database(url: str, offset: int) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{int(parts.path.strip('/') or 0) + offset}"))


# Each pytest-xdist worker (PYTEST_XDIST_WORKER=gw<n>) gets its own Redis database, n after
# REDIS_URL's, so that two workers' Celery workers never take each other's tasks. Written back to
# the environment before the base settings read it: the worker processes a test starts inherit it,
# already shifted.
if (
    os.environ.get("PYTEST_XDIST_WORKER")
    and os.environ.get("REDIS_URL")
    and "TEST_REDIS_SHIFTED" not in os.environ
):
    os.environ["REDIS_URL"] = _shift_redis_database(
        os.environ["REDIS_URL"], int(os.environ["PYTEST_XDIST_WORKER"].removeprefix("gw"))
    )
    os.environ["TEST_REDIS_SHIFTED"] = "1"

from choruspro.settings.base import *  # noqa: E402,F403
from choruspro.settings.base import ACCOUNT_RATE_LIMITS, BASE_DIR, CACHES, DATABASES, env  # noqa: E402

ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEV_OUTBOX = False
# load_demo_data (`make run`, the tests); production has no demo data.
INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "django.forms"] + ["demo", "django.forms"]  # noqa: F405
# Each pytest-xdist worker (PYTEST_XDIST_WORKER=gw0, gw1…) keeps its files apart; a Celery worker
# process started by a test inherits the variable, hence its test's directory.
MEDIA_ROOT = BASE_DIR / "var" / "test-media" / os.environ.get("PYTEST_XDIST_WORKER", "")
# pytest-django suffixes this name (and PostgreSQL's test_<name>) per xdist worker.
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
# real limits back, and the portal processes of tests/processes/ run with them.
if not env.bool("TEST_REAL_RATE_LIMITS", default=False):
    ACCOUNT_RATE_LIMITS = {action: "1000/m/ip" for action in ACCOUNT_RATE_LIMITS}
# Static files come from the finders here; whitenoise serves the collected ones in production.
MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith("whitenoise")]  # noqa: F405
