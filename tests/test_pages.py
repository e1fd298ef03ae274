"""The footer's institutional pages: reachable by anyone, in both languages, and the help page
states the limits the portal enforces, read from where they are enforced."""

import pytest
from django.urls import reverse

from choruspro.urls import PAGE_PATHS
from deposits import archives

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("slug", sorted(PAGE_PATHS))
def test_every_footer_page_answers_anonymous_and_connected_users(client, supplier, slug):
    url = reverse(f"pages:{slug}")
    assert client.get(url).status_code == 200
    client.force_login(supplier.gp)
    response = client.get(url)
    assert response.status_code == 200 and 'data-testid="connected-user"' in response.content.decode()


def test_the_footer_links_every_page(client):
    content = client.get("/").content.decode()
    for slug in PAGE_PATHS:
        assert f'href="{reverse(f"pages:{slug}")}"' in content


def test_help_states_the_enforced_limits(client, settings, monkeypatch):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "deposit": "37/h/user"}
    monkeypatch.setattr(archives, "MAX_MEMBERS", 1234)
    content = client.get(reverse("pages:help")).content.decode()
    assert "au plus 37 dépôts par heure" in content
    assert "au plus 1234 factures" in content


def test_pages_speak_english_on_request(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    content = client.get(reverse("pages:accessibility")).content.decode()
    assert "partially compliant" in content
    assert "partiellement conforme" not in content
