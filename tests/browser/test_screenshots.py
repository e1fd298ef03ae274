"""Screenshots of the main pages at a phone's and a laptop's width, saved in var/screenshots/ (not
committed) to be looked at: each page is also checked to fit its width."""

from pathlib import Path

import pytest

from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
WIDTHS = (375, 1280)


def shoot(page, name: str, path: str) -> list[str]:
    """Saves `path` at each width as <name>-<width>.png; the widths at which it is too wide."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        response = page.goto(path)
        assert response.status < 400, path
        target = SCREENSHOTS / f"{name}-{width}.png"
        page.screenshot(path=target, full_page=True)
        assert target.stat().st_size > 0
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width:
            problems.append(f"{path} at {width} px: {scroll} px wide")
    return problems


def test_screenshots_of_the_main_pages(page, supplier, recipient, make_invoice):
    sent = make_invoice(number="F-2026-0001")
    draft = make_invoice(number="F-2026-0002", send=False)
    problems = shoot(page, "accueil-public", "/")
    problems += shoot(page, "connexion", "/accounts/login/")
    problems += shoot(page, "inscription", "/accounts/signup/")
    problems += shoot(page, "annuaire", "/annuaire/")
    log_in(page, supplier.gp.email)
    for name, path in (
        ("accueil", "/"),
        ("emises-synthese", "/factures-emises/"),
        ("emises-rechercher", "/factures-emises/rechercher/"),
        ("emises-tableau-de-bord", "/factures-emises/tableau-de-bord/"),
        ("saisir", "/factures-emises/saisir/"),
        ("brouillon", f"/factures-emises/{draft.pk}/modifier/"),
        ("facture-emise", f"/factures-emises/{sent.pk}/"),
        ("depot", "/factures-emises/depot/"),
        ("utilisateurs", "/gestionnaire/utilisateurs/"),
        ("mon-compte", "/compte/"),
    ):
        problems += shoot(page, name, path)
    # The entry form with its error summary, as an empty send shows it.
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        page.goto("/factures-emises/saisir/")
        page.get_by_role("button", name="Valider et envoyer").click()
        page.locator("[data-error-summary]").wait_for()
        page.screenshot(path=SCREENSHOTS / f"saisir-erreurs-{width}.png", full_page=True)
    log_in(page, recipient.gp.email)
    for name, path in (
        ("recues-synthese", "/factures-recues/"),
        ("recues-rechercher", "/factures-recues/rechercher/"),
        ("traiter", f"/factures-recues/{sent.pk}/"),
    ):
        problems += shoot(page, name, path)
    assert problems == []
