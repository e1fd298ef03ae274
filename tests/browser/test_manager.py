"""A manager approves a colleague's attachment request in Activités du gestionnaire."""

import pytest

from structures import services
from tests.browser.helpers import log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_approves_attachment_request(page, manager):
    structure = manager.structure
    colleague = UserFactory(nom="Lefebvre", prenom="Claire")
    membership = services.request_membership(user=colleague, structure_id=structure.pk)

    log_in(page, manager.email)
    page.goto("/gestionnaire/demandes/")
    row = page.locator(f"[data-testid=membership-{membership.pk}]")
    assert "Lefebvre" in row.inner_text()
    row.get_by_role("button", name="Valider").click()
    page.wait_for_selector(".fr-alert--success")
    assert "1 demande validée" in page.inner_text(".fr-alert--success")

    page.goto("/gestionnaire/utilisateurs/")
    member_row = page.locator(f"[data-testid='member-{colleague.email}']")
    assert "ACTIF" in member_row.inner_text().upper()

    log_in(page, colleague.email)
    page.goto("/")
    switcher = page.locator("[data-testid=structure-switcher]")
    assert structure.raison_sociale in switcher.inner_text()
    assert f"Vous agissez pour {structure.raison_sociale}" in page.inner_text("main, body")
