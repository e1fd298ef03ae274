"""The monthly cycle in a real browser, each actor in its own session: the titulaire deposits the
projet de décompte, the MOE tries « erreur de montant » then deposits its état d'acompte with
another amount, the MOA validates it, the service financier pays the invoice."""

import pytest

from invoices.enums import InvoiceStatus
from tests.browser.helpers import log_in
from tests.works.conftest import PDF
from works.models import Dossier

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _deposit(page, button, number, amount):
    page.get_by_text(button, exact=True).first.click()
    page.fill("input[name=number]", number)
    page.fill("input[name=amount_ht]", amount)
    page.set_input_files(
        "input[name=file]", files=[{"name": f"{number}.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name=button).click()
    page.wait_for_selector(".fr-alert--success")


def test_monthly_cycle_across_the_four_actors(page, gym):
    log_in(page, gym.titulaire.gp.email)
    page.get_by_role("link", name="Factures de travaux").first.click()
    page.get_by_role("link", name="Marchés").first.click()
    page.get_by_role("link", name="MARCHE-001").click()
    _deposit(page, "Déposer le projet de décompte mensuel", "PDM-11", "10000,00")
    dossier = Dossier.objects.get()

    log_in(page, gym.moe.gp.email)
    page.goto("/factures-travaux/")
    assert "7 jours restants" in page.inner_text("[data-testid=dossier-list]").lower()
    page.get_by_role("link", name=f"Dossier n° {dossier.number}").click()
    page.get_by_text("Refuser le projet de décompte", exact=True).first.click()
    page.select_option("select[name=motif]", "ERREUR_MONTANT")
    page.get_by_role("button", name="Refuser le projet de décompte").click()
    assert "n'est pas un motif de refus" in page.inner_text("[data-testid=form-errors]")
    _deposit(page, "Déposer l'état d'acompte", "EA-11", "9600,00")

    log_in(page, gym.moa.gp.email)
    page.goto(f"/factures-travaux/dossiers/{dossier.pk}/")
    assert "-400,00 €" in page.inner_text("[data-testid=pieces]")
    _deposit(page, "Valider et déposer l'état d'acompte validé", "EAV-11", "9600,00")
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
