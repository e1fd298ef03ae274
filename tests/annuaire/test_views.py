import pytest
from django.urls import reverse

from structures.enums import StructureStatus
from tests.factories import StructureFactory, StructureServiceFactory

pytestmark = pytest.mark.django_db

SEARCH_URL = reverse("annuaire:search")


def test_search_page_is_public_and_prompts_when_empty(client):
    """No login needed; an empty search shows a prompt, not the table."""
    response = client.get(SEARCH_URL)
    assert response.status_code == 200
    assert b'data-testid="annuaire-prompt"' in response.content
    assert b'data-testid="annuaire-results"' not in response.content


def test_search_lists_public_structures_with_badges(client):
    StructureFactory(
        public=True, raison_sociale="Commune de Voiron", ville="Voiron", code_service_required=True
    )
    StructureFactory(raison_sociale="Voiron Bâtiment SAS", ville="Voiron")
    response = client.get(SEARCH_URL, {"q": "voiron"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "Commune de Voiron" in content
    assert "Voiron Bâtiment SAS" not in content
    assert "Code service obligatoire" in content
    assert "1 structure publique trouvée" in content


def test_inactive_structures_have_a_badge(client):
    StructureFactory(public=True, raison_sociale="Syndicat dissous", status=StructureStatus.INACTIVE)
    assert "Syndicat dissous" not in client.get(SEARCH_URL, {"q": "syndicat"}).content.decode()
    content = client.get(SEARCH_URL, {"q": "syndicat", "inactives": "on"}).content.decode()
    assert "Syndicat dissous" in content
    assert "Inactive" in content


def test_short_identifier_gives_a_message_next_to_the_field(client):
    response = client.get(SEARCH_URL, {"identifiant": "21"})
    assert response.status_code == 422
    assert "Saisissez au moins 3 caractères de l&#x27;identifiant." in response.content.decode()
    assert response.context["form"].errors["identifiant"]


def test_htmx_request_gets_the_fragment(client):
    StructureFactory(public=True, raison_sociale="Commune de Vienne", ville="Vienne")
    response = client.get(SEARCH_URL, {"q": "vienne"}, headers={"HX-Request": "true"})
    content = response.content.decode()
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "annuaire/includes/results.html"
    assert "Commune de Vienne" in content
    assert "<html" not in content
    assert "HX-Request" in response["Vary"]


def test_htmx_invalid_identifier_updates_the_field_message(client):
    """htmx does not swap 4xx responses: the fragment comes with 200 and an out-of-band message."""
    response = client.get(SEARCH_URL, {"identifiant": "2"}, headers={"HX-Request": "true"})
    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_identifiant-messages"' in content
    assert 'hx-swap-oob="true"' in content
    assert "Saisissez au moins 3 caractères" in content


def test_htmx_history_restore_gets_the_full_page(client):
    response = client.get(
        SEARCH_URL, {"q": "x"}, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in response.content.decode()


def test_pagination_twenty_per_page(client):
    StructureFactory.create_batch(45, public=True, ville="Dijon")
    first = client.get(SEARCH_URL, {"ville": "dijon"})
    assert len(first.context["page_obj"]) == 20
    assert "45 structures publiques trouvées" in first.content.decode()
    assert 'class="fr-pagination"' in first.content.decode()
    last = client.get(SEARCH_URL, {"ville": "dijon", "page": 3})
    assert len(last.context["page_obj"]) == 5


@pytest.mark.parametrize(
    "params",
    [
        {"q": "dijon", "page": "abc"},
        {"q": "dijon", "page": "999999999"},
        {"q": "dijon", "page": "-1"},
        {"q": "\x00"},
        {"q": "%_\\'\";--"},
        {"q": "*" * 50},
        {"q": "x" * 5000},
        {"identifiant": "*2*"},
        {"code_postal": "75" * 20},
        {"inactives": "peut-être", "ville": "dijon"},
        {"q": ["a", "b"]},
    ],
)
def test_garbage_input_never_gives_a_server_error(client, params):
    StructureFactory(public=True, ville="Dijon")
    response = client.get(SEARCH_URL, params)
    assert response.status_code in (200, 422)


class TestDetail:
    def test_shows_address_services_and_requirements(self, client):
        structure = StructureFactory(
            public=True,
            raison_sociale="Département de la Drôme",
            adresse="26 avenue du Président Herriot",
            code_postal="26000",
            ville="Valence",
            engagement_required=True,
            reports_mise_en_paiement=False,
            is_moa=True,
        )
        StructureServiceFactory(
            structure=structure, code="COLLEGES", libelle="Collèges", engagement_required=True
        )
        StructureServiceFactory(structure=structure, code="FERME", libelle="Service fermé", is_active=False)
        response = client.get(reverse("annuaire:detail", args=[structure.pk]))
        content = response.content.decode()
        assert response.status_code == 200
        assert "26 avenue du Président Herriot" in content
        assert "Numéro d'engagement (bon de commande) : obligatoire." in content
        assert "COLLEGES" in content
        assert "FERME" not in content
        assert "Certains services exigent un numéro d'engagement" in content
        assert "ne remonte pas le statut « Mise en paiement »" in content
        assert "Maîtrise d'ouvrage :" in content

    def test_service_or_engagement_rule(self, client):
        structure = StructureFactory(public=True, service_or_engagement_required=True)
        content = client.get(reverse("annuaire:detail", args=[structure.pk])).content.decode()
        assert "au moins l'un des deux est obligatoire" in content

    def test_private_structure_is_not_found(self, client):
        structure = StructureFactory()
        assert client.get(reverse("annuaire:detail", args=[structure.pk])).status_code == 404

    def test_unknown_structure_is_not_found(self, client):
        assert client.get(reverse("annuaire:detail", args=[987654])).status_code == 404
        assert client.get("/annuaire/abc/").status_code == 404

    def test_services_page_garbage_is_harmless(self, client):
        structure = StructureFactory(public=True)
        assert client.get(reverse("annuaire:detail", args=[structure.pk]), {"page": "zzz"}).status_code == 200
