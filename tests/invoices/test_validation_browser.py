"""The A9 journey in a real browser, each actor in its own session: the sous-traitant's invoice goes
to a structure that is not its validator, which refuses it for « erreur de valideur »; the
sous-traitant corrects the validator; the right titulaire validates it; the recipient pays it."""

import pytest

from invoices.enums import InvoiceStatus, ValidationRefusal
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _decide(page, invoice, decision, motif=None):
    page.goto("/factures-a-valider/")
    page.get_by_role("link", name=invoice.number).first.click()
    choice = page.locator(f"input[name=decision][value={decision}]").get_attribute("id")
    page.locator(f"label[for={choice}]").click()
    if motif:
        page.select_option("select[name=motif]", motif)
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer la décision").click()


def test_a9_refused_for_a_wrong_validator_corrected_validated_paid(
    page, send_a9, make_validator, supplier, recipient
):
    wrong = make_validator("Entreprise Pas Titulaire")
    right = make_validator("Titulaire Du Marché")
    invoice = send_a9(wrong, number="ST-A9-01")

    log_in(page, wrong.gp.email)
    _decide(page, invoice, "refuse", ValidationRefusal.WRONG_VALIDATOR)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.WRONG_VALIDATOR

    log_in(page, supplier.gp.email)
    page.goto(f"/factures-emises/{invoice.pk}/")
    page.get_by_role("link", name="Corriger le valideur").first.click()
    # A wrong identifier first: told beside the field.
    page.fill("input[name=validator_identifier]", "00000000000000")
    page.get_by_role("button", name="Envoyer au nouveau valideur").click()
    assert "Aucune structure active du portail" in page.inner_text("main")
    page.fill("input[name=validator_identifier]", right.identifier)
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer au nouveau valideur").click()
    invoice.refresh_from_db()
    assert (invoice.status, invoice.validator) == (InvoiceStatus.TO_VALIDATE_1, right)

    log_in(page, right.gp.email)
    _decide(page, invoice, "validate")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.MADE_AVAILABLE

    log_in(page, recipient.gp.email)
    page.get_by_role("link", name="Factures reçues").first.click()
    page.get_by_role("link", name=invoice.number).click()
    page.select_option("select[name=transition]", "pay")
    page.get_by_role("button", name="Valider le traitement").click()
    assert page.inner_text("[data-testid=invoice-status]") == "MISE EN PAIEMENT"
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
