"""Bank details, GP transfer and billing mandate (subscription, signature, revocation) ask for the
password again after 5 minutes (allauth's reauthentication_required); a POST waits for it and is
then carried out."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from structures.models import BillingMandate

pytestmark = pytest.mark.django_db
PASSWORD = "Motdepasse-Solide-1"
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
MANDATE = {
    "libelle": "Mandat 2026",
    "signatory_nom": "Martin",
    "signatory_prenom": "Alice",
    "signatory_qualite": "Gérante",
}
SENSITIVE = [
    reverse("structures:bank_accounts"),
    reverse("structures:bank_account_status", args=[1]),
    reverse("structures:transfer_principal"),
    reverse("structures:mandate_subscribe"),
    reverse("structures:mandate_sign", args=["jeton"]),
    reverse("structures:mandate_revoke", args=[1]),
]


def _at(minutes):
    return time_machine.travel(START + datetime.timedelta(minutes=minutes), tick=False)


@pytest.fixture
def stale_client(client, manager):
    """Logged in (which counts as a fresh authentication) 6 minutes ago."""
    with _at(0):
        client.force_login(manager)
    return client


@pytest.mark.parametrize("path", SENSITIVE)
def test_a_post_after_five_minutes_asks_for_the_password(stale_client, path):
    with _at(6):
        response = stale_client.post(path, {})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_pages_stay_readable_and_fresh_logins_act_at_once(client, manager):
    with _at(0):
        client.force_login(manager)
        assert client.post(reverse("structures:mandate_subscribe"), MANDATE).status_code == 302
    assert BillingMandate.objects.filter(structure=manager.structure).count() == 1
    with _at(6):
        assert client.get(reverse("structures:bank_accounts")).status_code == 200


def test_the_suspended_post_is_carried_out_after_the_password(stale_client, manager):
    with _at(6):
        response = stale_client.post(reverse("structures:mandate_subscribe"), MANDATE)
        assert not BillingMandate.objects.exists()
        assert stale_client.post(response["Location"], {"password": "faux-mot-de-passe"}).status_code == 200
        assert not BillingMandate.objects.exists()
        response = stale_client.post(response["Location"], {"password": PASSWORD})
    assert response.status_code == 302
    assert BillingMandate.objects.get(structure=manager.structure).libelle == "Mandat 2026"
