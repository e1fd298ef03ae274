"""The production settings of a portal spread over several machines: files in a bucket, rate
limits in Redis, PostgreSQL through Django's connection pool; each from the environment."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "choruspro.settings.production",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
    "DJANGO_ALLOWED_HOSTS": "facturation.example.org",
    "DATABASE_URL": "postgres://choruspro:secret@db.example.org:5432/choruspro",
    "REDIS_URL": "redis://redis.example.org:6379/0",
}
BUCKET_ENV = {
    "DJANGO_STORAGE_BUCKET": "choruspro-fichiers",
    "DJANGO_STORAGE_ENDPOINT_URL": "http://s3.example.org:9000",
    "DJANGO_STORAGE_ACCESS_KEY": "portail",
    "DJANGO_STORAGE_SECRET_KEY": "secret-du-bucket",
    "DJANGO_STORAGE_REGION": "fr-par",
}
READ_SETTINGS = (
    "import json, django; django.setup(); from django.conf import settings; "
    "print(json.dumps({'storages': settings.STORAGES, 'caches': settings.CACHES, "
    "'database': settings.DATABASES['default']}, default=str))"
)


def _settings(**env) -> dict:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))
    }
    clean.update(PRODUCTION_ENV)
    clean.update(env)
    result = subprocess.run(
        [sys.executable, "-c", READ_SETTINGS],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_files_stay_on_disk_without_a_bucket():
    loaded = _settings()
    assert loaded["storages"]["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert loaded["storages"]["staticfiles"]["BACKEND"].startswith("whitenoise.")


def test_a_bucket_puts_every_file_in_it_privately_and_never_overwrites():
    default = _settings(**BUCKET_ENV)["storages"]["default"]
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    assert default["OPTIONS"] == {
        "bucket_name": "choruspro-fichiers",
        "endpoint_url": "http://s3.example.org:9000",
        "access_key": "portail",
        "secret_key": "secret-du-bucket",
        "region_name": "fr-par",
        "file_overwrite": False,
        "default_acl": "private",
        "querystring_auth": True,
    }


def test_production_with_a_bucket_passes_check_deploy():
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))
    }
    env = {**clean, **PRODUCTION_ENV, **BUCKET_ENV, "DJANGO_DB_POOL": "1"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_cache_is_redis_shared_by_every_node():
    """allauth counts rate limits in the cache: in Redis, every node counts the same requests."""
    default = _settings()["caches"]["default"]
    assert default["BACKEND"] == "choruspro.cache.ResilientRedisCache"
    assert default["LOCATION"] == PRODUCTION_ENV["REDIS_URL"]
    assert default["KEY_PREFIX"] == "choruspro"


def test_connection_pool_on_request_replaces_persistent_connections():
    assert _settings()["database"]["CONN_MAX_AGE"] == 60
    database = _settings(DJANGO_DB_POOL="1", DJANGO_DB_POOL_MAX_SIZE="20")["database"]
    assert database["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 20}
    assert database["CONN_MAX_AGE"] == 0


def test_no_pool_for_sqlite():
    database = _settings(DATABASE_URL="sqlite:////tmp/portail.sqlite3", DJANGO_DB_POOL="1")["database"]
    assert "pool" not in database.get("OPTIONS", {})
