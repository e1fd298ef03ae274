"""The administration is reached through the portal's log-in (allauth): second factor and rate limits."""

import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Motdepasse-Solide-1"


def _code(secret):
    if time.time() % 30 > 28:  # don't compute a code that expires before it is checked
        time.sleep(2.5)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_admin_login_redirects_to_the_portal_login_keeping_next(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"


def test_admin_redirects_an_anonymous_visitor_to_the_portal_login(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/?next=%2Fadmin%2F"


def test_a_password_posted_to_admin_login_never_logs_in(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    response = client.post("/admin/login/?next=/admin/", {"username": staff.email, "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_staff_with_totp_must_pass_the_code_to_reach_the_admin(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    response = client.post("/accounts/login/?next=/admin/", {"login": staff.email, "password": PASSWORD})
    assert response.status_code == 302 and "/2fa/authenticate/" in response["Location"]
    assert client.get("/admin/").status_code == 302  # the password alone opens nothing
    response = client.post("/accounts/2fa/authenticate/", {"code": _code(secret)})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_logged_in_user_without_admin_access_is_not_sent_round_in_circles(client):
    client.force_login(UserFactory())
    response = client.get("/admin/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/"
    assert "Votre compte n&#x27;a pas accès" in response.content.decode()


def test_admin_logout_is_the_portal_logout(client):
    client.force_login(UserFactory(is_staff=True))
    response = client.post("/admin/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
