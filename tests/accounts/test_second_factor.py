"""TOTP second factor (allauth MFA): activation from Mon compte, then a code at every log-in."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Motdepasse-Solide-1"


def _code(secret):
    if time.time() % 30 > 28:  # don't compute a code that expires before it is checked
        time.sleep(2.5)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_totp_activation_then_login_asks_for_the_code(client):
    user = UserFactory()
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    response = client.get("/accounts/2fa/totp/activate/")
    if response.status_code == 302:  # recent re-authentication required first
        client.post(response["Location"], {"password": PASSWORD})
        response = client.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post("/accounts/2fa/totp/activate/", {"code": "000000"})
    assert not Authenticator.objects.filter(user=user).exists()
    client.post("/accounts/2fa/totp/activate/", {"code": _code(secret)})
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()

    client.logout()
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302 and "/2fa/authenticate/" in response["Location"]
    assert client.get("/compte/").status_code == 302  # not logged in yet
    client.post("/accounts/2fa/authenticate/", {"code": _code(secret)})
    assert client.get("/compte/").status_code == 200
