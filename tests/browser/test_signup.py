import re

import pytest
from django.core import mail

from tests.factories import valid_siret

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_signup_activation_and_structure_creation(page):
    """Sign up, follow the activation link, choose a password and land on the connected home."""
    siret = valid_siret(777_001)
    page.goto("/accounts/signup/")
    page.locator("#id_email").fill("gp@exemple.fr")
    page.locator("#id_email_confirmation").fill("gp@exemple.fr")
    page.locator("#id_identifier").fill(f"{siret[:9]} {siret[9:]}")
    page.get_by_role("button", name="Continuer").click()

    page.locator("#id_nom").fill("Pellegrin")
    page.locator("#id_prenom").fill("Simon")
    page.locator("#id_adresse").fill("12 rue Alphonse Guerin")
    page.locator("#id_code_postal").fill("38110")
    page.locator("#id_ville").fill("La Tour du Pin")
    page.get_by_role("button", name="Continuer").click()

    assert "Création de la structure" in page.content()
    page.locator("#id_raison_sociale").fill("Chorus Société")
    page.locator("#id_adresse").fill("12 rue Alphonse Guerin")
    page.locator("#id_code_postal").fill("38110")
    page.locator("#id_ville").fill("La Tour du Pin")
    page.get_by_role("button", name="Continuer").click()

    assert "Factures émises" in page.inner_text("[data-testid=default-spaces]")
    page.locator("label[for=id_extra_spaces_0]").click()
    page.get_by_role("button", name="Créer mon compte").click()
    assert "Consultez votre messagerie" in page.inner_text("h1")

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/activation/\S+/", mail.outbox[0].body).group(0)
    page.goto(link)
    password = page.locator("#id_password1")
    password.fill("court")
    assert page.inner_text("[data-password-meter-label]") == "Faible"
    password.fill("Tres-Bon-Motdepasse-2024")
    assert page.inner_text("[data-password-meter-label]") in ("Satisfaisant", "Fort")
    page.locator("#id_password2").fill("Tres-Bon-Motdepasse-2024")
    page.get_by_role("button", name="Activer mon compte").click()

    assert "Bonjour Simon" in page.inner_text("h1")
    switcher = page.locator("[data-testid=structure-switcher]")
    assert "Chorus Société" in switcher.inner_text()


def test_failed_step_focuses_the_error_summary(page):
    """A failed sign-up step is announced: focus lands on the summary, whose link reaches the field."""
    page.goto("/accounts/signup/")
    page.locator("#id_email").fill("gp@exemple.fr")
    page.locator("#id_email_confirmation").fill("autre@exemple.fr")
    page.locator("#id_identifier").fill("123")
    page.get_by_role("button", name="Continuer").click()
    summary = page.locator("[data-error-summary]")
    assert "Le formulaire contient 2 erreurs" in summary.inner_text()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "id_email_confirmation"
