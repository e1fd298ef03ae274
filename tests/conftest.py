import os

import pytest

from structures import services
from structures.enums import IdentifierType, StructureKind
from tests.factories import UserFactory, valid_siret

_counter = iter(range(500_000, 10_000_000))


@pytest.fixture
def make_structure(db):
    """Creates a structure through the real service: the actor becomes its principal manager."""

    def make(actor=None, *, public=False, **data):
        actor = actor or UserFactory()
        values = {
            "identifier_type": IdentifierType.SIRET,
            "identifier": valid_siret(next(_counter)),
            "raison_sociale": "Commune de Testville" if public else "Menuiserie Test",
            "adresse": "1 place de la Mairie",
            "code_postal": "38000",
            "ville": "Grenoble",
        }
        values.update(data)
        return services.create_structure(
            actor=actor, data=values, kind=StructureKind.PUBLIC if public else StructureKind.PRIVATE
        )

    return make


@pytest.fixture
def manager(make_structure):
    """A supplier's principal manager, with their structure as `manager.structure`."""
    user = UserFactory()
    user.structure = make_structure(user)
    return user


def require_or_skip(condition: bool, reason: str):
    """Skips on a bare machine; fails under CI=true, where the dependency must be present."""
    if condition:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (required under CI=true)")
    pytest.skip(reason)
