import pytest
from django.conf import settings

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_french_by_default_whatever_the_browser_says(client):
    response = client.get("/", headers={"accept-language": "en-US,en;q=0.9"})
    assert response.headers["Content-Language"] == "fr"
    assert '<html lang="fr"' in response.content.decode()


def test_header_switch_selects_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    response = client.get("/")
    assert response.headers["Content-Language"] == "en"
    assert '<html lang="en"' in response.content.decode()


def test_user_preference_applies_without_a_cookie(client):
    user = UserFactory(language="en")
    client.force_login(user)
    assert client.get("/").headers["Content-Language"] == "en"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert client.get("/").headers["Content-Language"] == "fr"
