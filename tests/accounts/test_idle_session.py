"""A connected user is logged out after 30 minutes without a request (IdleSessionMiddleware)."""

import datetime

import pytest
import time_machine
from django.contrib.sessions.models import Session

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def _at(minutes):
    return time_machine.travel(START + datetime.timedelta(minutes=minutes), tick=False)


def _saved_activity(client):
    return Session.objects.get(session_key=client.session.session_key).get_decoded().get("last_activity")


def test_activity_within_the_timeout_keeps_the_session(client):
    with _at(0):
        client.force_login(UserFactory())
        assert client.get("/compte/").status_code == 200
    for minutes in (25, 50, 75):
        with _at(minutes):
            assert client.get("/compte/").status_code == 200


def test_thirty_minutes_idle_logs_out(client):
    with _at(0):
        client.force_login(UserFactory())
        assert client.get("/compte/").status_code == 200
    with _at(31):
        response = client.get("/compte/", follow=True)
    assert response.redirect_chain[0][0].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
    assert "Votre session a expiré" in response.content.decode()


def test_activity_is_written_at_most_once_a_minute(client):
    with _at(0):
        client.force_login(UserFactory())
        client.get("/compte/")
        first = _saved_activity(client)
    with _at(0.5):
        client.get("/compte/")
        assert _saved_activity(client) == first
    with _at(1):
        client.get("/compte/")
        assert _saved_activity(client) == first + 60
