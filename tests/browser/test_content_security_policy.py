"""The enforced Content-Security-Policy refuses nothing the portal's pages need: chromium loads
them, runs DSFR and htmx, and reports no violation."""

import pytest

from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLIC = ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
SUPPLIER = [
    "/",
    "/factures-emises/",
    "/factures-emises/rechercher/",
    "/factures-emises/tableau-de-bord/",
    "/factures-emises/saisir/",
    "/factures-emises/depot/",
    "/factures-emises/depots/",
    "/annuaire/",
    "/gestionnaire/",
    "/gestionnaire/utilisateurs/",
    "/gestionnaire/utilisateurs/rattacher/",
    "/gestionnaire/structure/",
    "/compte/",
]
RECIPIENT = ["/factures-recues/", "/factures-recues/rechercher/"]


def _watch(page) -> list[str]:
    """The violations chromium reports (in the console, enforced or report-only) and page errors."""
    problems = []
    page.on(
        "console",
        lambda message: (
            problems.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text or message.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    return problems


def _visit(page, paths):
    for path in paths:
        response = page.goto(path)
        assert response.status < 400, f"{path}: {response.status}"
        page.wait_for_load_state("load")


def test_main_pages_load_with_the_enforced_policy_and_no_violation(page, supplier, recipient, make_invoice):
    make_invoice()
    problems = _watch(page)
    response = page.goto("/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    _visit(page, PUBLIC)
    log_in(page, supplier.gp.email)
    _visit(page, SUPPLIER)
    # DSFR's and htmx's scripts were allowed to run.
    page.goto("/factures-emises/saisir/")
    assert page.evaluate("typeof window.dsfr !== 'undefined' && typeof window.htmx !== 'undefined'")
    log_in(page, recipient.gp.email)
    _visit(page, RECIPIENT)
    assert problems == []
