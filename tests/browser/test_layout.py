"""Every main page fits a phone (375 px) and a laptop (1280 px) without page-level horizontal
scroll: a wide table scrolls inside its own wrapper, the header folds into its menu button."""

import pytest

from tests.browser.helpers import accessibility_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (375, 1280)
PUBLIC_PAGES = ["/", "/accounts/login/", "/accounts/signup/", "/annuaire/", "/aide/", "/accessibilite/"]
SUPPLIER_PAGES = [
    "/",
    "/factures-emises/",
    "/factures-emises/rechercher/",
    "/factures-emises/tableau-de-bord/",
    "/factures-emises/saisir/",
    "/factures-emises/depot/",
    "/gestionnaire/",
    "/gestionnaire/utilisateurs/",
    "/compte/",
]
RECIPIENT_PAGES = ["/factures-recues/", "/factures-recues/rechercher/", "/factures-recues/tableau-de-bord/"]


def overflowing(page, paths) -> list[str]:
    """The pages (with the widths) whose document is wider than the viewport, and their serious
    or critical accessibility violations at that width."""
    found = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        for path in paths:
            response = page.goto(path)
            assert response.status < 400, path
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > width:
                found.append(f"{path} at {width} px: {scroll} px wide")
            found += [f"at {width} px: {violation}" for violation in accessibility_violations(page)]
    return found


def test_public_pages_fit_every_width(page):
    assert overflowing(page, PUBLIC_PAGES) == []


def test_connected_pages_fit_every_width(page, supplier, recipient, make_invoice):
    for _ in range(3):
        make_invoice()
    log_in(page, supplier.gp.email)
    problems = overflowing(page, SUPPLIER_PAGES)
    log_in(page, recipient.gp.email)
    problems += overflowing(page, RECIPIENT_PAGES)
    assert problems == []
