import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts import services
from accounts.enums import UserStatus
from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "Tres-Bon-Motdepasse-2024"


@pytest.fixture
def pending_user():
    return UserFactory(email="nouveau@exemple.fr", status=UserStatus.PENDING_ACTIVATION, password=None)


def activation_path(user):
    return reverse("accounts:activate", args=[services.activation_token(user)])


def test_link_shows_password_form(client, pending_user):
    response = client.get(activation_path(pending_user))
    assert response.status_code == 200
    content = response.content.decode()
    assert "nouveau@exemple.fr" in content
    assert "password-meter" in content
    assert "password-strength.js" in content


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Court-1a", "au moins 12 caractères"),
        ("toutenminusculesetlong", "au moins 3 types de caractères"),
    ],
)
def test_weak_password_refused(client, pending_user, password, message):
    """The server applies the password rule whatever the meter said."""
    response = client.post(activation_path(pending_user), {"password1": password, "password2": password})
    assert response.status_code == 422
    assert message in response.content.decode()
    pending_user.refresh_from_db()
    assert pending_user.status == UserStatus.PENDING_ACTIVATION


def test_password_confirmation_must_match(client, pending_user):
    response = client.post(activation_path(pending_user), {"password1": GOOD_PASSWORD, "password2": "autre"})
    assert response.status_code == 422
    assert "ne sont pas identiques" in response.content.decode()


def test_good_password_activates_and_logs_in(client, pending_user):
    response = client.post(
        activation_path(pending_user), {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("home")
    user = User.objects.get(pk=pending_user.pk)
    assert user.status == UserStatus.ACTIVE
    assert user.is_active
    assert user.activated_at is not None
    assert user.check_password(GOOD_PASSWORD)
    address = EmailAddress.objects.get(user=user)
    assert address.email == user.email and address.verified and address.primary
    assert client.get(reverse("home")).wsgi_request.user == user


def test_used_link_refused(client, pending_user):
    path = activation_path(pending_user)
    client.post(path, {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD})
    client.logout()
    response = client.get(path)
    assert response.status_code == 400
    assert "déjà été utilisé" in response.content.decode()


def test_expired_link_refused(client, pending_user, settings):
    path = activation_path(pending_user)
    settings.ACCOUNT_ACTIVATION_MAX_AGE = -1
    response = client.get(path)
    assert response.status_code == 400
    content = response.content.decode()
    assert "a expiré" in content
    assert reverse("accounts:resend_activation") in content


def test_tampered_link_refused(client, pending_user):
    response = client.get(activation_path(pending_user)[:-3] + "xx/")
    assert response.status_code == 400
    assert "incomplet ou a été modifié" in response.content.decode()


class TestResend:
    def test_pending_user_gets_a_new_link(self, client, pending_user, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("accounts:resend_activation"), {"email": "NOUVEAU@exemple.fr"})
        assert response.status_code == 302
        assert len(mail.outbox) == 1
        link = re.search(r"http\S+/accounts/activation/\S+/", mail.outbox[0].body).group(0)
        assert client.get(link.split("://", 1)[1].split("/", 1)[1].join(["/", ""])).status_code == 200

    @pytest.mark.parametrize("email", ["inconnu@exemple.fr", "actif@exemple.fr"])
    def test_unknown_or_active_gets_nothing_and_same_answer(
        self, client, email, django_capture_on_commit_callbacks
    ):
        UserFactory(email="actif@exemple.fr")
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("accounts:resend_activation"), {"email": email}, follow=True)
        assert mail.outbox == []
        assert "un nouveau lien d" in response.content.decode()


class TestLogin:
    def test_pending_user_told_account_not_activated(self, client, pending_user):
        response = client.post(
            reverse("account_login"), {"login": pending_user.email, "password": "nimporte"}
        )
        assert response.status_code == 200
        content = response.content.decode()
        assert "pas encore activé" in content
        assert reverse("accounts:resend_activation") in content

    def test_active_user_logs_in(self, client):
        user = UserFactory(email="actif@exemple.fr")
        response = client.post(
            reverse("account_login"), {"login": user.email, "password": "Motdepasse-Solide-1"}
        )
        assert response.status_code == 302

    def test_account_inactive_page_offers_resend(self, client):
        response = client.get(reverse("account_inactive"))
        assert response.status_code == 200
        assert reverse("accounts:resend_activation") in response.content.decode()
