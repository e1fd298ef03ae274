"""Rate limits: the log-in and every form that sends an e-mail refuse with a French 429, and send
nothing more beyond their limit (settings.ACCOUNT_RATE_LIMITS, counted in the cache)."""

import uuid

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.enums import UserStatus
from choruspro.settings import base
from structures.enums import Role
from structures.models import Membership
from tests.accounts.test_signup import PERSONAL, STRUCTURE
from tests.factories import UserFactory, valid_siret
from tests.structures.test_views_mandates import MANDATE

pytestmark = pytest.mark.django_db

REFUSED = "Vous avez fait trop de demandes de ce type en peu de temps"


@pytest.fixture(autouse=True)
def real_limits(settings):
    """The production limits (test settings raise them), counted afresh for each test."""
    settings.ACCOUNT_RATE_LIMITS = dict(base.ACCOUNT_RATE_LIMITS)
    default = settings.CACHES["default"]
    settings.CACHES = {"default": {**default, "KEY_PREFIX": f"rate-limits-{uuid.uuid4().hex}"}}
    return settings.ACCOUNT_RATE_LIMITS


def limit(settings, **rates):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, **rates}


def assert_refused(response):
    assert response.status_code == 429
    content = response.content.decode()
    assert REFUSED in content
    assert "Trop de demandes" in content


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """Runs the on-commit callbacks (the e-mails), as the end of a real request does."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def pending(manager, client, after_commit):
    """A colleague invited by `manager`, whose account waits for activation."""
    client.force_login(manager)
    with after_commit():
        client.post(
            reverse("structures:user_attach"),
            {"email": "lent@exemple.fr", "role": Role.USER, "nom": "Lent", "prenom": "Paul"},
        )
    client.logout()
    mail.outbox.clear()
    return Membership.objects.get(user__email="lent@exemple.fr")


def test_resend_activation_stops_after_three_links_an_hour(client, pending, after_commit):
    """An address gets three new links an hour; the fourth request is a French 429 and sends none."""
    for _attempt in range(3):
        with after_commit():
            response = client.post(reverse("accounts:resend_activation"), {"email": "LENT@exemple.fr"})
        assert response.status_code == 302
    assert len(mail.outbox) == 3
    with after_commit():
        response = client.post(reverse("accounts:resend_activation"), {"email": "lent@exemple.fr"})
    assert_refused(response)
    assert len(mail.outbox) == 3


def test_resend_activation_limit_is_per_address(client, pending, settings, after_commit):
    """Another address is not held back by the first one's limit."""
    limit(settings, resend_activation="10/m/ip,1/h/key")
    client.post(reverse("accounts:resend_activation"), {"email": "lent@exemple.fr"})
    assert_refused(client.post(reverse("accounts:resend_activation"), {"email": "lent@exemple.fr"}))
    response = client.post(reverse("accounts:resend_activation"), {"email": "autre@exemple.fr"})
    assert response.status_code == 302


def test_manager_resend_shares_the_address_limit(client, manager, pending, after_commit):
    """A manager's resends count with the person's own: an address gets three links an hour."""
    with after_commit():
        client.post(reverse("accounts:resend_activation"), {"email": "lent@exemple.fr"})
    client.force_login(manager)
    path = reverse("structures:user_resend_activation", args=[pending.pk])
    for _attempt in range(2):
        with after_commit():
            assert client.post(path).status_code == 302
    with after_commit():
        response = client.post(path)
    assert_refused(response)
    assert [m.to for m in mail.outbox] == [["lent@exemple.fr"]] * 3
    assert pending.user.status == UserStatus.PENDING_ACTIVATION


def test_invitations_are_limited_per_manager(client, manager, settings, after_commit):
    limit(settings, invite_user="2/h/user")
    client.force_login(manager)
    for number in range(3):
        with after_commit():
            response = client.post(
                reverse("structures:user_attach"),
                {"email": f"invite{number}@exemple.fr", "role": Role.USER, "nom": "Invité", "prenom": "Jo"},
            )
    assert_refused(response)
    activations = sorted(m.to[0] for m in mail.outbox if "/accounts/activation/" in m.body)
    assert activations == ["invite0@exemple.fr", "invite1@exemple.fr"]
    assert not any("invite2@exemple.fr" in m.to for m in mail.outbox)
    assert not Membership.objects.filter(user__email="invite2@exemple.fr").exists()


def test_attaching_an_existing_account_is_not_an_invitation(client, manager, settings):
    """Only invitations (an account created and e-mailed) count towards invite_user."""
    limit(settings, invite_user="1/h/user")
    client.force_login(manager)
    for _number in range(2):
        colleague = UserFactory()
        response = client.post(
            reverse("structures:user_attach"), {"email": colleague.email, "role": Role.USER}
        )
        assert response.status_code == 302


def test_mandate_signature_links_are_limited(client, manager, after_commit):
    """Five subscriptions (each e-mails a signature link) an hour; then a French 429, no e-mail."""
    client.force_login(manager)
    path = reverse("structures:mandate_subscribe")
    for _attempt in range(5):
        client.post(path, MANDATE)  # the second and later ones are refused by the service (422)
    mail.outbox.clear()
    with after_commit():
        response = client.post(path, MANDATE)
    assert_refused(response)
    assert mail.outbox == []


def test_membership_requests_are_limited(client, make_structure, settings, after_commit):
    limit(settings, request_membership="1/h/user")
    requester = UserFactory()
    make_structure(requester)
    path = reverse("accounts:request_membership")
    client.force_login(requester)
    first, second = make_structure(), make_structure()
    with after_commit():
        assert client.post(path, {"structure": first.pk, "message": ""}).status_code == 302
    sent = len(mail.outbox)
    assert sent >= 1
    with after_commit():
        response = client.post(path, {"structure": second.pk, "message": ""})
    assert_refused(response)
    assert len(mail.outbox) == sent


def _signup(client, number: int):
    email = f"inscrit{number}@exemple.fr"
    client.post(
        reverse("accounts:signup"),
        {
            "email": email,
            "email_confirmation": email,
            "identifier_type": "SIRET",
            "identifier": valid_siret(900_000 + number),
        },
    )
    client.post(reverse("accounts:signup_personal"), PERSONAL)
    client.post(reverse("accounts:signup_structure"), STRUCTURE)
    return client.post(reverse("accounts:signup_spaces"), {})


def test_signup_is_limited_per_address(client, settings, after_commit):
    """The step that creates the account and e-mails its link is limited per client address."""
    limit(settings, signup="1/m/ip")
    with after_commit():
        assert _signup(client, 1).status_code == 302
    with after_commit():
        response = _signup(client, 2)
    assert_refused(response)
    assert [m.to for m in mail.outbox] == [["inscrit1@exemple.fr"]]
    assert not EmailAddress.objects.filter(email="inscrit2@exemple.fr").exists()


def test_password_reset_is_limited_per_address(client, mailoutbox):
    """allauth's own limit: five reset e-mails an hour for an address, then its 429, in French."""
    user = UserFactory(email="oubli@exemple.fr")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    for _attempt in range(5):
        assert client.post(reverse("account_reset_password"), {"email": user.email}).status_code == 302
    assert_refused(client.post(reverse("account_reset_password"), {"email": user.email}))
    assert len(mailoutbox) == 5


def test_failed_logins_are_limited_per_account(client):
    """Five wrong passwords for an account in five minutes; then even the right one is refused."""
    user = UserFactory(email="cible@exemple.fr")
    for _attempt in range(5):
        response = client.post(reverse("account_login"), {"login": user.email, "password": "mauvais"})
        assert "Trop de tentatives" not in response.content.decode()
    response = client.post(reverse("account_login"), {"login": user.email, "password": "Motdepasse-Solide-1"})
    assert response.status_code < 500
    assert "Trop de tentatives de connexion échouées" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logins_are_limited_per_address(client, settings):
    limit(settings, login="2/m/ip")
    for _attempt in range(2):
        client.post(reverse("account_login"), {"login": "x@exemple.fr", "password": "mauvais"})
    assert_refused(client.post(reverse("account_login"), {"login": "x@exemple.fr", "password": "mauvais"}))


def test_refusal_is_translated(client, settings):
    limit(settings, login="0/m/ip")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("account_login"), {"login": "x@exemple.fr", "password": "mauvais"})
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()
