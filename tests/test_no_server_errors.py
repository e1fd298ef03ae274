"""Every page of the portal, for every kind of visitor, with junk input: never a server error."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from structures import services
from structures.enums import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SKIPPED_PREFIXES = ("admin/", "accounts/", "i18n/", "dev/")
JUNK_QUERY = "?page=abc&q=%27%22%3Cscript%3E*&identifier=1&sort=--&structure_id=xyz"


def _paths(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _paths(entry, prefix + route)
        elif isinstance(entry, URLPattern):
            full = prefix + route
            if full.startswith(SKIPPED_PREFIXES):
                continue
            yield "/" + full.replace("<int:", "{int:").replace("<str:", "{str:")


def _concrete(path: str) -> str:
    import re

    path = re.sub(r"\{int:[^>]+>", "999999", path)
    return re.sub(r"\{str:[^>]+>", "nimporte-quoi", path)


PATHS = sorted({_concrete(p) for p in _paths()})


@pytest.fixture
def visitors(make_structure):
    gp = UserFactory()
    structure = make_structure(gp)
    plain = UserFactory()
    services.attach_user(actor=gp, structure_id=structure.pk, user=plain, role=Role.USER)
    return {"anonyme": None, "gestionnaire": gp, "utilisateur": plain, "sans structure": UserFactory()}


@pytest.mark.parametrize("path", PATHS)
def test_no_server_error_on_any_page(client, visitors, path):
    for user in visitors.values():
        client.logout()
        if user is not None:
            client.force_login(user)
        for response in (
            client.get(path + JUNK_QUERY),
            client.post(path, {"ids": ["x", "-1"], "action": "nope", "email": "pas-un-email", "page": "z"}),
        ):
            assert response.status_code < 500, (path, user, response.status_code)


def test_not_found_page_is_the_portal_one(client):
    response = client.get("/annuaire/999999/")
    assert response.status_code == 404
    assert "Page non trouvée" in response.content.decode()


@pytest.mark.parametrize("path", [p for p in PATHS if "999999" in p])
def test_ids_beyond_the_database_range_are_not_found(client, visitors, path):
    """A URL id too large for the database's integers is a page that does not exist."""
    client.force_login(visitors["gestionnaire"])
    response = client.get(path.replace("999999", "9" * 30))
    assert response.status_code in (302, 404, 405), response.status_code
