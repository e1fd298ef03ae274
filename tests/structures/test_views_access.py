"""Who reaches the pages of Activités du gestionnaire, and which objects they can address."""

import pytest
from django.urls import reverse

from structures import services
from structures.enums import MandateStatus
from structures.models import BillingMandate, OpenedSpace
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MANAGER_PAGES = [
    "structures:manager_home",
    "structures:requests",
    "structures:structure",
    "structures:services",
    "structures:spaces",
    "structures:bank_accounts",
    "structures:users",
    "structures:user_attach",
    "structures:user_export",
    "structures:duplicate_rights",
    "structures:history",
    "structures:mandates",
    "structures:mandate_subscribe",
]
PRINCIPAL_PAGES = ["structures:transfer_principal", "structures:structure_inactivate"]


@pytest.mark.parametrize("url_name", MANAGER_PAGES + PRINCIPAL_PAGES)
def test_principal_manager_sees_every_page(client, gp, url_name):
    client.force_login(gp)
    assert client.get(reverse(url_name)).status_code == 200


@pytest.mark.parametrize("url_name", MANAGER_PAGES)
def test_secondary_manager_sees_manager_pages(client, gs, url_name):
    client.force_login(gs)
    assert client.get(reverse(url_name)).status_code == 200


@pytest.mark.parametrize("url_name", PRINCIPAL_PAGES)
def test_secondary_manager_cannot_reach_principal_pages(client, gs, url_name):
    client.force_login(gs)
    assert client.get(reverse(url_name)).status_code == 404


@pytest.mark.parametrize("url_name", MANAGER_PAGES + PRINCIPAL_PAGES)
def test_simple_user_gets_404(client, simple_user, url_name):
    client.force_login(simple_user)
    assert client.get(reverse(url_name)).status_code == 404


@pytest.mark.parametrize("url_name", MANAGER_PAGES + PRINCIPAL_PAGES)
def test_user_without_structure_gets_404(client, url_name):
    client.force_login(UserFactory())
    assert client.get(reverse(url_name)).status_code == 404


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("structures:manager_home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_manager_menu_lists_the_sections(client, gp):
    client.force_login(gp)
    content = client.get(reverse("structures:manager_home")).content.decode()
    for label in (
        "Demandes en attente",
        "Ma structure",
        "Services",
        "Espaces",
        "Coordonnées bancaires",
        "Utilisateurs",
        "Mandats de facturation",
        "Duplication des droits",
        "Historique",
    ):
        assert label in content


class TestOtherStructureObjectsAnswer404:
    """Ids of another structure's objects are never found, whatever the verb."""

    def test_service(self, client, gp, other_gp):
        service = services.create_service(
            actor=other_gp, structure_id=other_gp.structure.pk, code="S1", libelle="S"
        )
        client.force_login(gp)
        url = reverse("structures:service_update", args=[service.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"libelle": "X", "is_active": "on"}).status_code == 404

    def test_space(self, client, gp, other_gp):
        opened = OpenedSpace.objects.filter(structure=other_gp.structure, space="FACTURES_EMISES").get()
        client.force_login(gp)
        assert client.post(reverse("structures:space_close", args=[opened.pk])).status_code == 404
        assert OpenedSpace.objects.filter(pk=opened.pk).exists()

    def test_bank_account(self, client, gp, other_gp):
        account = services.add_bank_account(
            actor=other_gp,
            structure_id=other_gp.structure.pk,
            libelle="C",
            iban="FR7630006000011234567890189",
        )
        client.force_login(gp)
        url = reverse("structures:bank_account_status", args=[account.pk])
        assert client.post(url, {"status": "INACTIF"}).status_code == 404

    def test_member(self, client, gp, other_gp):
        colleague = UserFactory()
        membership = services.attach_user(actor=other_gp, structure_id=other_gp.structure.pk, user=colleague)
        client.force_login(gp)
        assert client.get(reverse("structures:user_detach", args=[membership.pk])).status_code == 404
        assert client.post(reverse("structures:user_detach", args=[membership.pk])).status_code == 404
        response = client.post(
            reverse("structures:user_bulk_action"), {"ids": [membership.pk], "action": "deactivate"}
        )
        assert response.status_code == 404

    def test_membership_request(self, client, gp, other_gp):
        membership = services.request_membership(user=UserFactory(), structure_id=other_gp.structure.pk)
        client.force_login(gp)
        response = client.post(
            reverse("structures:decide_memberships"), {"ids": [membership.pk], "action": "approve"}
        )
        assert response.status_code == 404

    def test_mandate(self, client, gp, other_gp):
        mandate = services.subscribe_mandate(
            actor=other_gp,
            structure_id=other_gp.structure.pk,
            libelle="M",
            signatory_nom="N",
            signatory_prenom="P",
            signatory_qualite="Q",
        )
        client.force_login(gp)
        assert client.post(reverse("structures:mandate_revoke", args=[mandate.pk])).status_code == 404
        assert BillingMandate.objects.get(pk=mandate.pk).status == MandateStatus.PENDING

    def test_history_shows_only_managed_structures(self, client, gp, other_gp):
        client.force_login(gp)
        content = client.get(reverse("structures:history")).content.decode()
        assert gp.structure.raison_sociale in content
        assert "Autre Structure" not in content
