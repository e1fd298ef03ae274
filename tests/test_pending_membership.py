"""A user whose rattachement is pending is told so: on the home page and on each space's page."""

import pytest

from structures.enums import MembershipStatus
from tests.factories import MembershipFactory, StructureFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(client):
    structure = StructureFactory(raison_sociale="Menuiserie Dupont")
    membership = MembershipFactory(structure=structure, status=MembershipStatus.PENDING)
    client.force_login(membership.user)
    return membership


@pytest.mark.parametrize(
    "url", ["/factures-emises/", "/factures-recues/", "/factures-emises/tableau-de-bord/"]
)
def test_a_space_page_says_the_request_waits_for_the_managers(client, waiting, url):
    """Not a 404: the page names the structure and says what he can do meanwhile."""
    response = client.get(url)
    assert response.status_code == 403
    content = response.content.decode()
    assert "Rattachement en cours de validation" in content
    assert "Menuiserie Dupont" in content
    assert "attend l'approbation d'un gestionnaire" in content
    assert "Page non trouvée" not in content


def test_home_page_says_the_request_is_pending_instead_of_asking_for_one(client, waiting):
    content = client.get("/").content.decode()
    assert 'data-testid="membership-pending"' in content
    assert "Menuiserie Dupont" in content
    assert "Vous n'êtes rattaché à aucune structure" not in content
    assert "Ce qui demande votre attention" not in content  # an empty section under the callout


def test_a_user_without_any_request_is_still_asked_to_make_one(client):
    """No request, no structure: the home page asks for one and a space stays a 404."""
    client.force_login(UserFactory())
    assert "Vous n'êtes rattaché à aucune structure" in client.get("/").content.decode()
    assert client.get("/factures-emises/").status_code == 404


def test_an_attached_user_waiting_for_another_structure_keeps_his_spaces(client, waiting):
    """The pending page is for a user who has no structure yet, not for one asking for a second."""
    MembershipFactory(user=waiting.user)
    content = client.get("/").content.decode()
    assert "Rattachement en cours de validation" in content
    assert 'data-testid="membership-pending"' not in content
