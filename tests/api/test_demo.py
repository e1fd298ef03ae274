"""The demo's application and technical accounts work as the README shows, and loading twice
changes nothing."""

import base64

import pytest

from api.models import ApiConnection, TechnicalAccount
from demo.api import load_demo_api
from demo.structures import DEMO_PASSWORD, load_demo_structures

pytestmark = pytest.mark.django_db


def test_the_demo_software_calls_for_the_supplier_and_the_entity(client):
    parties = load_demo_structures()
    load_demo_api(**parties._asdict())
    load_demo_api(**parties._asdict())
    assert ApiConnection.objects.count() == 2 and TechnicalAccount.objects.count() == 2
    token = client.post(
        "/api/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_id": "demo-erp",
            "client_secret": "demo-erp-secret-2026",
        },
    ).json()["access_token"]
    for login, structure in (
        ("tech.fournisseur@demo.chorus.fr", parties.supplier),
        ("tech.entite@demo.chorus.fr", parties.recipient),
    ):
        account = base64.b64encode(f"{login}:{DEMO_PASSWORD}".encode()).decode()
        response = client.post(
            "/cpro/transverses/v1/recuperer/structures/actives/fournisseur",
            {},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
            HTTP_CPRO_ACCOUNT=account,
        )
        assert response.json()["listeStructures"][0]["idStructureCPP"] == structure.pk
