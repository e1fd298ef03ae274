"""Billing mandate: subscribe, e-mailed link, sign, revoke; saisie blocked without an active mandate."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail, signing
from django.urls import reverse

from structures import selectors, services
from structures.enums import MandateStatus
from structures.models import BillingMandate
from structures.notifications import MANDATE_SIGNING_SALT, mandate_signature_url

pytestmark = pytest.mark.django_db

MANDATE = {
    "libelle": "Mandat 2025",
    "signatory_nom": "Martin",
    "signatory_prenom": "Alice",
    "signatory_qualite": "Gérante",
}


def subscribe(user):
    return services.subscribe_mandate(actor=user, structure_id=user.structure.pk, **MANDATE)


def test_subscribe_mail_sign_active(client, gp, django_capture_on_commit_callbacks):
    client.force_login(gp)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("structures:mandate_subscribe"), MANDATE)
    assert response.status_code == 302
    mandate = BillingMandate.objects.get(structure=gp.structure)
    assert mandate.status == MandateStatus.PENDING
    assert mail.outbox[-1].to == [gp.email]
    path = re.search(r"https?://[^/\s]+(/gestionnaire/mandat/signer/\S+/)", mail.outbox[-1].body).group(1)

    page = client.get(path)
    assert page.status_code == 200
    assert "article 289 du code général des impôts" in page.content.decode()
    assert client.post(path, {}).status_code == 422  # the acknowledgement box is required
    response = client.post(path, {"accept": "on"}, follow=True)
    mandate.refresh_from_db()
    assert mandate.status == MandateStatus.ACTIVE
    assert mandate.signed_by == gp
    assert "est signé : il est actif" in response.content.decode()
    assert selectors.saisie_blocked_reason(gp.structure) is None


def test_second_live_mandate_is_refused(client, gp):
    subscribe(gp)
    client.force_login(gp)
    response = client.post(reverse("structures:mandate_subscribe"), MANDATE)
    assert response.status_code == 422
    assert "Un mandat actif ou en cours de validation existe déjà" in response.content.decode()
    assert BillingMandate.objects.filter(structure=gp.structure).count() == 1


def test_revoke_with_confirmation(client, gs, gp):
    mandate = subscribe(gp)
    services.sign_mandate(actor=gp, mandate_id=mandate.pk)
    url = reverse("structures:mandate_revoke", args=[mandate.pk])
    client.force_login(gs)
    assert "Après révocation" in client.get(url).content.decode()
    client.post(url)
    mandate.refresh_from_db()
    assert mandate.status == MandateStatus.REVOKED and mandate.revoked_at
    content = client.get(reverse("structures:mandates")).content.decode()
    assert "Aucun mandat actif : aucun utilisateur de la structure ne peut saisir de facture." in content
    assert selectors.saisie_blocked_reason(gp.structure).startswith("Aucun mandat actif")


def test_list_shows_alert_without_active_mandate(client, gp):
    client.force_login(gp)
    content = client.get(reverse("structures:mandates")).content.decode()
    assert 'data-testid="no-active-mandate"' in content


# Fixed ids: a signed token holds its timestamp, and xdist workers must collect the same names.
@pytest.mark.parametrize(
    "token", ["nimportequoi", signing.dumps({"mandate": 1}, salt="autre-sel")], ids=["junk", "other-salt"]
)
def test_bad_token(client, gp, token):
    client.force_login(gp)
    response = client.get(reverse("structures:mandate_sign", args=[token]))
    assert response.status_code == 400
    assert "Ce lien de signature n'est pas valide." in response.content.decode()


def test_expired_token(client, gp, settings):
    mandate = subscribe(gp)
    settings.BILLING_MANDATE_SIGNATURE_MAX_AGE = -1
    client.force_login(gp)
    response = client.get(urlsplit(mandate_signature_url(mandate)).path)
    assert response.status_code == 400
    assert "Ce lien de signature a expiré." in response.content.decode()


def test_sign_link_needs_login(client, gp):
    mandate = subscribe(gp)
    token = signing.dumps({"mandate": mandate.pk}, salt=MANDATE_SIGNING_SALT)
    response = client.get(reverse("structures:mandate_sign", args=[token]))
    assert response.status_code == 302


def test_non_manager_cannot_sign(client, gp, simple_user, other_gp):
    mandate = subscribe(gp)
    token = signing.dumps({"mandate": mandate.pk}, salt=MANDATE_SIGNING_SALT)
    for user in (simple_user, other_gp):
        client.force_login(user)
        assert (
            client.post(reverse("structures:mandate_sign", args=[token]), {"accept": "on"}).status_code == 404
        )
    mandate.refresh_from_db()
    assert mandate.status == MandateStatus.PENDING


def test_revoked_mandate_cannot_be_signed(client, gp):
    mandate = subscribe(gp)
    services.revoke_mandate(actor=gp, structure_id=gp.structure.pk, mandate_id=mandate.pk)
    token = signing.dumps({"mandate": mandate.pk}, salt=MANDATE_SIGNING_SALT)
    client.force_login(gp)
    response = client.post(reverse("structures:mandate_sign", args=[token]), {"accept": "on"})
    assert "Ce mandat a été révoqué" in response.content.decode()
    mandate.refresh_from_db()
    assert mandate.status == MandateStatus.REVOKED


def test_saisie_blocked_reason_for_inactive_structure(gp):
    mandate = subscribe(gp)
    services.sign_mandate(actor=gp, mandate_id=mandate.pk)
    services.inactivate_structure(actor=gp, structure_id=gp.structure.pk)
    gp.structure.refresh_from_db()
    assert "inactive" in selectors.saisie_blocked_reason(gp.structure)
