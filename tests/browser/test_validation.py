"""Factures à valider in a real browser: an A9 invoice is refused for a wrong validator, the
sous-traitant corrects the validator, the right titulaire validates it, the recipient pays it."""

import pytest

from invoices import services
from invoices.enums import Cadre, InvoiceStatus
from invoices.models import Invoice
from tests.browser.helpers import log_in
from tests.conftest import LINES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a9_invoice_wrong_validator_corrected_validated_paid(page, supplier, recipient, make_validator):
    wrong, right = make_validator("Titulaire Erroné"), make_validator("Titulaire du Marché")
    draft = services.save_draft(
        actor=supplier.gp,
        structure=supplier,
        data={
            "cadre": Cadre.A9,
            "validator_id": wrong.pk,
            "recipient_id": recipient.pk,
            "number": "ST-2026-001",
            "invoice_date": "2026-11-02",
            "payment_mode": "CHEQUE",
        },
        lines=LINES,
    )
    services.submit_invoice(actor=supplier.gp, structure=supplier, invoice_id=draft.pk)

    # The wrong validator finds it in its space and refuses it: « erreur de valideur ».
    log_in(page, wrong.gp.email)
    page.get_by_role("link", name="Factures à valider").first.click()
    assert "1 facture attend votre décision." in page.inner_text("[data-testid=to-validate-count]")
    assert "14 jours restants" in page.inner_text("[data-testid=days-left]").lower()
    page.get_by_role("link", name="ST-2026-001").click()
    page.check("input[name=decision][value=refuse]", force=True)
    page.get_by_role("button", name="Enregistrer la décision").click()
    assert "Le motif est obligatoire" in page.inner_text("[data-testid=decision-form]")
    page.check("input[name=decision][value=refuse]", force=True)
    page.select_option("select[name=motif]", "ERR_VALIDEUR")
    page.fill("textarea[name=comment]", "Nous ne sommes pas titulaire de ce marché.")
    page.get_by_role("button", name="Enregistrer la décision").click()
    assert page.inner_text("[data-testid=invoice-status]") == "ERREUR DU FOURNISSEUR SUR LE VALIDEUR"

    # The sous-traitant reads why and names the right validator (a wrong SIRET first).
    log_in(page, supplier.gp.email)
    page.goto(f"/factures-emises/{draft.pk}/")
    assert "Nous ne sommes pas titulaire de ce marché." in page.inner_text("[data-testid=return-reason]")
    page.get_by_role("link", name="Corriger le valideur").click()
    page.fill("input[name=validator_identifier]", "123")
    page.get_by_role("button", name="Envoyer au nouveau valideur").click()
    assert "Aucune structure active du portail n'a cet identifiant." in page.content()
    page.fill("input[name=validator_identifier]", right.identifier)
    page.get_by_role("button", name="Envoyer au nouveau valideur").click()
    page.wait_for_selector(".fr-alert--success")
    assert page.inner_text("[data-testid=invoice-status]") == "À VALIDER"

    # The right titulaire validates it: it goes on to the recipient.
    log_in(page, right.gp.email)
    page.goto("/factures-a-valider/")
    page.get_by_role("link", name="ST-2026-001").click()
    page.check("input[name=decision][value=validate]", force=True)
    page.get_by_role("button", name="Enregistrer la décision").click()
    page.wait_for_selector(".fr-alert--success")
    assert page.inner_text("[data-testid=invoice-status]") == "MISE À DISPOSITION DU DESTINATAIRE"

    # The recipient pays it.
    log_in(page, recipient.gp.email)
    page.get_by_role("link", name="Factures reçues").first.click()
    page.get_by_role("link", name="ST-2026-001").click()
    page.select_option("select[name=transition]", "pay")
    page.get_by_role("button", name="Valider le traitement").click()
    assert page.inner_text("[data-testid=invoice-status]") == "MISE EN PAIEMENT"
    assert Invoice.objects.get(pk=draft.pk).status == InvoiceStatus.PAID
