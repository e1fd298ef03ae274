"""The monthly cycle in a real browser, each actor in its own session: the titulaire deposits the
projet de décompte, the MOE tries « erreur de montant » then deposits its état d'acompte with
another amount, the MOA validates it, the service financier pays the invoice."""

import pytest

from invoices.enums import InvoiceStatus
from tests.browser.helpers import log_in
from tests.works.conftest import PDF
from works.models import Dossier

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _deposit(page, action, number, amount):
    """Opens the action's form (one of several on the page) and deposits the piece with it."""
    action = page.locator(f"[data-testid=action-{action}]")
    action.locator("summary").click()
    action.locator("input[name=number]").fill(number)
    action.locator("input[name=amount_ht]").fill(amount)
    action.locator("input[name=file]").set_input_files(
        files=[{"name": f"{number}.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    action.locator("button[type=submit]").click()
    page.wait_for_selector(".fr-alert--success")


def test_monthly_cycle_across_the_four_actors(page, gym):
    log_in(page, gym.titulaire.gp.email)
    page.get_by_role("link", name="Factures de travaux").first.click()
    page.get_by_role("link", name="Marchés").first.click()
    page.get_by_role("link", name="MARCHE-001").click()
    _deposit(page, "deposit_projet", "PDM-11", "10000,00")
    dossier = Dossier.objects.get()

    log_in(page, gym.moe.gp.email)
    page.goto("/factures-travaux/")
    assert "7 jours restants" in page.inner_text("[data-testid=dossier-list]").lower()
    page.get_by_role("link", name=f"Dossier n° {dossier.number}").click()
    page.locator("[data-testid=action-refuse_moe] summary").click()
    page.select_option("select[name=motif]", "ERREUR_MONTANT")
    page.get_by_role("button", name="Refuser le projet de décompte").click()
    assert "n'est pas un motif de refus" in page.inner_text("[data-testid=form-errors]")
    _deposit(page, "deposit_etat_acompte", "EA-11", "9600,00")

    log_in(page, gym.moa.gp.email)
    page.goto(f"/factures-travaux/dossiers/{dossier.pk}/")
    assert "-400,00 €" in page.inner_text("[data-testid=pieces]")
    _deposit(page, "deposit_etat_acompte_valide", "EAV-11", "9600,00")
    assert "Facture transmise au service financier" in page.inner_text("[data-testid=payable-invoice]")

    # The Commune is also the service financier: it pays the invoice in Factures reçues.
    dossier.refresh_from_db()
    page.get_by_role("link", name="Factures reçues").first.click()
    page.get_by_role("link", name=dossier.invoice.number).click()
    page.select_option("select[name=transition]", "pay")
    page.get_by_role("button", name="Valider le traitement").click()
    assert page.inner_text("[data-testid=invoice-status]") == "MISE EN PAIEMENT"
    dossier.invoice.refresh_from_db()
    assert dossier.invoice.status == InvoiceStatus.PAID


def test_sous_traitant_projet_is_validated_by_the_titulaire_before_the_moe(page, gym):
    log_in(page, gym.sous_traitant.gp.email)
    page.goto(f"/factures-travaux/marches/{gym.contract.pk}/")
    _deposit(page, "deposit_projet_sous_traitant", "PDM-ST-1", "4300,00")
    assert "15 jours restants" in page.inner_text("[data-testid=deadline]").lower()
    dossier = Dossier.objects.get()

    log_in(page, gym.titulaire.gp.email)
    page.goto("/factures-travaux/")
    assert "En tant que Valideur" in page.inner_text("main")
    page.get_by_role("link", name=f"Dossier n° {dossier.number}").click()
    page.get_by_role("button", name="Valider la pièce").click()
    page.wait_for_selector(".fr-alert--success")
    assert "Mise à disposition de la MOE" in page.inner_text("[data-testid=history]")

    log_in(page, gym.moe.gp.email)
    page.goto("/factures-travaux/")
    assert "7 jours restants" in page.inner_text("[data-testid=dossier-list]").lower()
