import pytest

from structures import services
from structures.enums import Role
from tests.factories import UserFactory


@pytest.fixture
def gp(manager):
    """The principal manager of `gp.structure` (a private supplier)."""
    return manager


@pytest.fixture
def member(gp):
    """Attaches a fresh user to gp.structure with the given role; returns the user (with .membership)."""

    def make(role=Role.USER, **user_fields):
        user = UserFactory(**user_fields)
        user.membership = services.attach_user(actor=gp, structure_id=gp.structure.pk, user=user, role=role)
        return user

    return make


@pytest.fixture
def gs(member):
    return member(Role.SECONDARY_MANAGER)


@pytest.fixture
def simple_user(member):
    return member(Role.USER)


@pytest.fixture
def other_gp(make_structure):
    """The principal manager of another structure."""
    user = UserFactory()
    user.structure = make_structure(user, raison_sociale="Autre Structure")
    return user
