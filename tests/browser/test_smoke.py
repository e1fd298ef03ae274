import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_public_home_page_offers_login_and_signup(page):
    """The public home page says what the portal is and links to log-in and sign-up."""
    page.goto("/")
    assert "Bienvenue sur le Portail Chorus" in page.inner_text("h1")
    assert page.get_by_role("link", name="Se connecter").first.is_visible()
