"""The invoice journeys in a real browser: a supplier enters and sends an invoice; the recipient
rejects, returns, suspends and pays; the supplier recycles and completes; search and export."""

import csv
import io
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from invoices.enums import InvoiceStatus
from invoices.models import Invoice
from structures import services as structure_services
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def alerts(page) -> str:
    return " ".join(page.locator(".fr-alert").all_inner_texts())


@pytest.fixture
def entity(recipient):
    """The recipient asks for a service code or an engagement; its technical service wants both."""
    structure_services.update_structure(
        actor=recipient.gp, structure_id=recipient.pk, data={"service_or_engagement_required": True}
    )
    structure_services.create_service(
        actor=recipient.gp,
        structure_id=recipient.pk,
        code="TECHNIQUE",
        libelle="Services techniques",
        engagement_required=True,
    )
    return recipient


def test_supplier_enters_and_sends_an_invoice(page, supplier, entity):
    log_in(page, supplier.gp.email)
    page.get_by_role("link", name="Factures émises").first.click()
    page.get_by_role("link", name="Saisir facture").click()

    # The recipient, picked in the annuaire: its requirements show at once.
    page.fill("[data-testid=recipient-search]", "Recevoir")
    page.locator("[data-testid=recipient-results] button", has_text="Choisir").first.click()
    card = page.locator("[data-testid=recipient-card]")
    card.wait_for()
    assert "Ce destinataire exige un code service ou un numéro d'engagement." in card.inner_text()
    page.select_option("select[name=recipient_service]", label="TECHNIQUE — Services techniques")

    page.fill("input[name=number]", "FAC 2026/001")  # a space is not allowed
    page.fill("input[name=invoice_date]", "2026-11-02")
    page.select_option("select[name=payment_mode]", "CHEQUE")
    page.fill("input[name=lines-0-designation]", "Fenêtre PVC double vitrage")
    page.fill("input[name=lines-0-quantity]", "2")
    page.fill("input[name=lines-0-unit_price]", "1 245,30")
    page.get_by_role("button", name="Ajouter une ligne").click()
    # The user goes on typing in the new line, not at the top of the page.
    expect(page.locator("input[name=lines-1-reference]")).to_be_focused()
    page.fill("input[name=lines-1-designation]", "Pose")
    page.fill("input[name=lines-1-quantity]", "3,5")
    page.fill("input[name=lines-1-unit_price]", "42,10")
    page.fill("input[name=lines-1-discount]", "5")
    page.select_option("select[name=lines-1-vat_rate]", "10")
    # Totals follow the typing, computed by the server.
    expect(page.locator("[data-testid=total-ttc]")).to_have_text(re.compile(r"^\s*3\s*145,31\s*$"))
    assert page.inner_text("#line-amount-1") == "142,35"

    page.get_by_role("button", name="Valider et envoyer").click()
    assert "Lettres, chiffres et - _ / + uniquement" in page.inner_text("#invoice-form")
    assert not Invoice.objects.exists()
    # The page opens on the summary of its errors, each a link that leads to its field; the
    # engagement the service needs is told at once too, beside the number's format error.
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    assert "Le service choisi exige un numéro d'engagement." in summary.inner_text()
    summary.get_by_role("link", name=re.compile("Numéro de facture")).click()
    expect(page.locator("input[name=number]")).to_be_focused()

    page.fill("input[name=number]", "FAC-2026-001")
    page.get_by_role("button", name="Valider et envoyer").click()
    # Saved as a draft, but the service chosen needs an engagement number: said next to the field.
    assert "ne peut pas être envoyé" in alerts(page)
    assert "Le service choisi exige un numéro d'engagement." in page.inner_text("#invoice-form")
    draft = Invoice.objects.get()
    assert draft.status == InvoiceStatus.DRAFT
    # On the draft's own page: reloading it creates nothing.
    expect(page).to_have_url(re.compile(rf"/factures-emises/{draft.pk}/modifier/$"))
    expect(page.locator("[data-error-summary]")).to_be_focused()
    page.reload()
    assert Invoice.objects.count() == 1
    assert page.input_value("input[name=lines-1-designation]") == "Pose"

    page.fill("input[name=numero_engagement]", "EJ-2026-0042")
    # Sending validates the generated Factur-X (XSD, schematron): seconds on a busy machine.
    page.get_by_role("button", name="Valider et envoyer").click(timeout=30_000)
    assert "La facture FAC-2026-001 est déposée" in alerts(page)
    assert page.inner_text("[data-testid=invoice-status]") == "MISE À DISPOSITION DU DESTINATAIRE"
    invoice = Invoice.objects.get()
    assert invoice.total_ttc == Decimal("3145.31")
    assert page.inner_text("[data-testid=sha256]") == invoice.attachments.get(kind="PRINCIPALE").sha256
    with page.expect_download() as download:
        page.get_by_role("link", name="Certificat de dépôt").click()
    assert download.value.suggested_filename == f"certificat-depot-{invoice.pk}.pdf"


def test_recipient_processes_and_supplier_answers(page, supplier, recipient, make_invoice, make_structure):
    rejected, returned, suspended, paid = (make_invoice(number=f"F-{n}") for n in range(1, 5))

    log_in(page, recipient.gp.email)
    page.get_by_role("link", name="Factures reçues").first.click()
    assert "4 factures mises à disposition ou complétées" in page.inner_text("[data-testid=to-process-count]")

    # Reject: a motif is required.
    page.get_by_role("link", name="F-1").click()
    page.select_option("select[name=transition]", "reject")
    page.get_by_role("button", name="Valider le traitement").click()
    assert "Le motif est obligatoire pour cette action." in page.inner_text("[data-testid=process-form]")
    page.fill("textarea[name=reason]", "Le montant ne correspond pas au devis.")
    page.get_by_role("button", name="Valider le traitement").click()
    assert page.inner_text("[data-testid=invoice-status]") == "REJETÉE"

    for invoice, transition, reason in (
        (returned, "to_recycle", "Mauvais destinataire"),
        (suspended, "suspend", "PV de réception manquant"),
    ):
        page.goto(f"/factures-recues/{invoice.pk}/")
        page.select_option("select[name=transition]", transition)
        page.fill("textarea[name=reason]", reason)
        page.get_by_role("button", name="Valider le traitement").click()
        page.wait_for_selector(".fr-alert--success")

    # Several at once from the list: mandate needs its number, then payment.
    page.goto("/factures-recues/")
    page.check(f"#select-list-{paid.pk}")
    page.select_option("#bulk-form select[name=transition]", "mandate")
    page.fill("#bulk-form input[name=mandate_number]", "M-2026-9")
    page.get_by_role("button", name="Appliquer aux factures cochées").click()
    assert "1 facture traitée : F-4." in alerts(page)
    page.goto(f"/factures-recues/{paid.pk}/")
    page.select_option("select[name=transition]", "pay")
    page.get_by_role("button", name="Valider le traitement").click()
    assert page.inner_text("[data-testid=invoice-status]") == "MISE EN PAIEMENT"

    # The supplier sees the returns, recycles one, completes another, acknowledges the rejection.
    log_in(page, supplier.gp.email)
    page.goto("/factures-emises/")
    assert "3 factures renvoyées à prendre en compte" in page.inner_text("main")
    page.get_by_role("link", name="F-2").first.click()
    assert "Mauvais destinataire" in page.inner_text("[data-testid=return-reason]")
    page.get_by_role("link", name="Recycler").click()
    other = make_structure(public=True, raison_sociale="Commune de la Correction")
    page.fill("input[name=recipient_identifier]", other.identifier)
    page.locator("input[name=recipient_identifier]").dispatch_event("change")
    page.wait_for_selector("[data-testid=recipient-card]:has-text('Commune de la Correction')")
    page.fill("textarea[name=comment]", "Envoyée au bon destinataire")
    page.get_by_role("button", name="Recycler la facture").click()
    assert "est recyclée et de nouveau acheminée" in alerts(page)
    assert page.inner_text("[data-testid=invoice-status]") == "MISE À DISPOSITION DU DESTINATAIRE"

    page.goto(f"/factures-emises/{suspended.pk}/")
    page.get_by_role("link", name="Compléter").click()
    page.get_by_role("button", name="Compléter et renvoyer").click()
    assert "Ajoutez une pièce jointe ou un commentaire" in page.inner_text("[data-testid=form-errors]")
    page.set_input_files(
        "input[name=attachments]",
        files=[{"name": "pv-reception.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}],
    )
    page.get_by_role("button", name="Compléter et renvoyer").click()
    assert page.inner_text("[data-testid=invoice-status]") == "COMPLÉTÉE"

    page.goto(f"/factures-emises/{rejected.pk}/")
    page.get_by_role("button", name="Prendre connaissance").click()
    assert "1 facture prise en connaissance." in alerts(page)
    page.goto("/factures-emises/")
    assert "renvoyées à prendre en compte" not in page.inner_text("main")
    statuses = dict(Invoice.objects.values_list("number", "status"))
    assert statuses == {
        "F-1": "REJETEE",
        "F-2": "MISE_A_DISPOSITION",
        "F-3": "COMPLETEE",
        "F-4": "MISE_EN_PAIEMENT",
    }


def test_search_sort_and_export(page, supplier, make_invoice):
    for number, price in (("A-10", "10"), ("B-20", "900"), ("C-30", "55")):
        make_invoice(
            number=number,
            lines=[{"designation": "x", "quantity": "1", "unit_price": price, "vat_rate": "20"}],
        )
    log_in(page, supplier.gp.email)
    page.goto("/factures-emises/rechercher/")
    page.get_by_role("button", name="Plus de critères").click()
    page.fill("input[name=amount_min]", "50")
    page.get_by_role("button", name="Rechercher").click()
    assert page.inner_text("[data-testid=result-count]") == "2 factures trouvées"
    # The criterion in use stays in sight, in its part left open.
    page.locator("input[name=amount_min]").wait_for(state="visible")
    assert page.input_value("input[name=amount_min]") == "50"
    # The page size the form sends is the one the list had.
    assert page.input_value("select[name=per_page]") == "20"
    assert "per_page=20" in page.url
    page.get_by_role("link", name="Montant TTC").click()
    rows = page.locator("[data-testid=invoice-list] tbody tr")
    assert [rows.nth(i).get_attribute("data-invoice") for i in range(2)] == ["C-30", "B-20"]
    with page.expect_download() as download:
        page.get_by_role("link", name="Exporter le résultat (CSV)").click()
    with open(download.value.path(), encoding="utf-8-sig") as handle:
        exported = list(csv.reader(io.StringIO(handle.read()), delimiter=";"))
    assert [row[1] for row in exported[1:]] == ["C-30", "B-20"]
