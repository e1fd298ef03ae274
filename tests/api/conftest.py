import base64
from dataclasses import dataclass

import pytest

from api import services
from structures import services as structure_services
from structures.enums import Space
from structures.models import OpenedSpace

PASSWORD = "Tech-Chorus-2026!"


def open_raccordement(structure):
    """The structure's manager opens Raccordement EDI et API on it, as a connected structure has."""
    if not OpenedSpace.objects.filter(structure=structure, space=Space.RACCORDEMENT).exists():
        structure_services.open_space(actor=structure.gp, structure_id=structure.pk, space=Space.RACCORDEMENT)
    return structure


@pytest.fixture
def supplier(supplier):
    return open_raccordement(supplier)


@pytest.fixture
def recipient(recipient):
    return open_raccordement(recipient)


@dataclass
class Software:
    """A structure's software: its application's credentials and one technical account."""

    structure: object
    client_id: str
    client_secret: str
    account: object
    password: str = PASSWORD

    @property
    def cpro_account(self) -> str:
        return base64.b64encode(f"{self.account.login}:{self.password}".encode()).decode()


@pytest.fixture
def connect():
    """connect(structure) → a Software declared by the structure's manager (`structure.gp`)."""
    counter = iter(range(1, 1000))

    def make(structure, *, manager=None, login=None):
        manager = manager or structure.gp
        open_raccordement(structure)
        connection, secret = services.declare_connection(
            actor=manager,
            structure=structure,
            name="ERP de test",
            usage_type="EMISSION_RECEPTION",
            contact_name="Contact Technique",
            contact_email="tech@example.org",
        )
        account = services.create_technical_account(
            actor=manager,
            structure=structure,
            login=login or f"tech{next(counter)}.{structure.pk}@example.org",
            password=PASSWORD,
        )
        return Software(structure, connection.application.client_id, secret, account)

    return make


def token_of(client, software) -> str:
    response = client.post(
        "/api/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_id": software.client_id,
            "client_secret": software.client_secret,
            "scope": "openid",
        },
    )
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


@pytest.fixture
def cpro(client):
    """cpro(software, path, body) → the JSON answer of a /cpro/ call (status in `.status`)."""
    tokens = {}

    def call(software, path, body=None, *, method="POST", headers=None):
        if software.client_id not in tokens:
            tokens[software.client_id] = token_of(client, software)
        sent = {
            "HTTP_AUTHORIZATION": f"Bearer {tokens[software.client_id]}",
            "HTTP_CPRO_ACCOUNT": software.cpro_account,
            **(headers or {}),
        }
        if method == "GET":
            return client.get(f"/cpro/{path}", **sent)
        return client.post(f"/cpro/{path}", body or {}, content_type="application/json", **sent)

    return call
