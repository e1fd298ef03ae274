import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def login(client, user):
    """A real log-in: allauth asks to re-authenticate on sensitive pages after a force_login."""
    response = client.post(reverse("account_login"), {"login": user.email, "password": "Motdepasse-Solide-1"})
    assert response.status_code == 302


def reauthenticate(client):
    """Sensitive MFA pages want a fresh password confirmation."""
    response = client.post(reverse("account_reauthenticate"), {"password": "Motdepasse-Solide-1"})
    assert response.status_code == 302


@pytest.mark.parametrize(
    "url_name",
    ["account_login", "account_reset_password", "account_reset_password_done", "account_inactive"],
)
def test_anonymous_allauth_pages_render_in_portal_layout(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'class="fr-header"' in content
    assert "fr-footer" in content


@pytest.mark.parametrize(
    "url_name",
    [
        "account_email",
        "account_change_password",
        "mfa_index",
        "mfa_activate_totp",
        "account_reauthenticate",
        "account_logout",
    ],
)
def test_connected_allauth_pages_render_in_portal_layout(client, url_name):
    login(client, UserFactory())
    if url_name.startswith("mfa_activate"):
        reauthenticate(client)
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert 'class="fr-header"' in response.content.decode()


def test_recovery_codes_page(client):
    """Recovery codes exist once TOTP is on; the page then renders in the layout."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    user = UserFactory()
    RecoveryCodes.activate(user)
    login(client, user)
    reauthenticate(client)
    response = client.get(reverse("mfa_view_recovery_codes"))
    assert response.status_code == 200
    assert 'class="fr-header"' in response.content.decode()


def test_password_reset_mail_goes_to_connection_email(client, mailoutbox):
    from allauth.account.models import EmailAddress

    user = UserFactory(email="connexion@exemple.fr", contact_email="contact@exemple.fr")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    response = client.post(reverse("account_reset_password"), {"email": "connexion@exemple.fr"})
    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [["connexion@exemple.fr"]]


def test_login_page_is_french_and_links_signup(client):
    content = client.get(reverse("account_login")).content.decode()
    assert "Se connecter au Portail Chorus" in content
    assert reverse("accounts:signup") in content
