"""Production: no values of its own; it requires the environment and turns on the secure flags."""

import os

for _name in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"):
    if not os.environ.get(_name):
        raise RuntimeError(f"{_name} must be set in production")

from choruspro.settings.base import *  # noqa: E402,F403

DEBUG = False
DEV_OUTBOX = False
CELERY_TASK_ALWAYS_EAGER = False
# TLS ends at the proxy (deploy/Caddyfile), which sets this header itself; trusted because web is
# reachable through that proxy only (docker-compose.yml publishes no port of web).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
