"""What keeps a database or Redis outage from reaching the user, piece by piece; tests/processes/
restarts and stops the real servers."""

import pytest
from django.core.cache.backends.redis import RedisCache
from django.db import OperationalError, transaction
from django.http import HttpResponse
from django.urls import path
from redis.exceptions import ConnectionError as RedisConnectionError

from choruspro.cache import ResilientRedisCache
from structures.models import Structure
from tests.factories import StructureFactory

CUT = "server closed the connection unexpectedly"
calls = []


def _read(request):
    calls.append(request.method)
    if len(calls) == 1:
        raise OperationalError(CUT)
    return HttpResponse("lu")


def _write_then_cut(request):
    calls.append(request.method)
    with transaction.atomic():  # as every service writes
        StructureFactory()  # committed: a replay would do it twice
    raise OperationalError(CUT)


urlpatterns = [path("lire/", _read), path("ecrire/", _write_then_cut)]


@pytest.fixture(autouse=True)
def _fresh_calls():
    calls.clear()


@pytest.mark.urls("tests.test_resilience")
@pytest.mark.django_db
def test_a_read_cut_by_a_lost_connection_is_answered_again(client, manager):
    client.raise_request_exception = False  # the first answer's error is the middleware's to handle
    client.force_login(manager)
    response = client.get("/lire/")
    assert response.status_code == 200 and response.content == b"lu"
    assert calls == ["GET", "GET"]


@pytest.mark.urls("tests.test_resilience")
@pytest.mark.django_db(transaction=True)
def test_a_write_cut_after_its_commit_is_not_replayed_and_says_what_to_check(client, manager):
    client.force_login(manager)
    before = Structure.objects.count()
    response = client.post("/ecrire/", follow=False)
    assert response.status_code == 302 and response.url == "/ecrire/"
    assert calls == ["POST"] and Structure.objects.count() == before + 1
    messages = [str(message) for message in response.wsgi_request._messages]
    assert any("vérifiez le résultat avant de recommencer" in message for message in messages)


def test_a_redis_outage_reads_as_an_empty_cache():
    cache = ResilientRedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 1}})
    assert cache.get("clé", "défaut") == "défaut"
    assert cache.get_or_set("clé", lambda: "calculé") == "calculé"
    assert cache.add("verrou", 1) is False  # a lock or a one-time code is never taken during an outage
    cache.set("clé", 1)
    cache.delete_many(["clé"])
    assert cache.get_many(["clé"]) == {}
    with pytest.raises(RedisConnectionError):
        RedisCache("redis://127.0.0.1:1/0", {}).get("clé")
