"""Dépôt facture of PDFs read by recognition, tried as a new user would, with a real worker on
Redis: a text PDF with a value too unsure to pre-fill and one not printed, a scan (a generated
invoice printed to images) read by OCR, and a scan on a machine without Tesseract. Every value
pre-filled is right; the others are empty and the page says why; the user completes and sends."""

import pytest
from playwright.sync_api import expect
from weasyprint import HTML

from benchmarks.recognition import evaluation
from einvoice.recognition import ocr
from invoices.models import Invoice
from tests.browser.helpers import log_in
from tests.browser.test_deposits import french_invoice_pdf
from tests.conftest import require_or_skip

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
OCR_TIMEOUT = 180_000  # ms: a scan read on a busy 2-core machine


def _deposit(page, supplier, path):
    log_in(page, supplier.gp.email)
    page.goto("/factures-emises/depot/")
    page.get_by_label("PDF non signé").check(force=True)
    page.set_input_files("input[name=file]", str(path))
    page.get_by_role("button", name="Déposer").click()


def _complete_and_send(page, number):
    page.select_option("select[name=payment_mode]", "CHEQUE")
    page.get_by_role("button", name="Valider et envoyer").click()
    expect(page.locator(".fr-alert--success")).to_contain_text(f"La facture {number} est déposée")


def test_a_text_pdf_with_an_unsure_number_and_no_date(page, supplier, recipient, redis_worker, tmp_path):
    siret = supplier.identifier
    pdf = tmp_path / "facture.pdf"
    pdf.write_bytes(
        HTML(
            string=f"""<html><body style="font-family: sans-serif">
            <p>{supplier.raison_sociale} — SIRET {siret}</p><h1>FACTURE</h1>
            <p>N° de facture : DEP-2026-010</p><p>Numéro de facture : DEP-2026-011</p>
            <p>SIRET client : {recipient.identifier}</p>
            <table><tr><td>Total HT</td><td>1 000,00 €</td></tr><tr><td>TVA 20 %</td><td>200,00 €</td></tr>
            <tr><td>Total TTC</td><td>1 200,00 €</td></tr></table></body></html>"""
        ).write_pdf()
    )
    _deposit(page, supplier, pdf)
    page.wait_for_selector("[data-testid=draft-ready]", timeout=60_000)
    page.get_by_role("link", name="Vérifier et compléter la facture").click()
    # Two numbers as sure as each other: neither is pre-filled, the one read is shown to check.
    form = page.locator("#invoice-form")
    assert page.input_value("input[name=number]") not in ("DEP-2026-010", "DEP-2026-011")
    expect(form).to_contain_text("à vérifier : valeur lue « DEP-2026-010 »")
    # No date printed: the field is empty and the page says what to type.
    assert page.input_value("input[name=invoice_date]") == ""
    expect(page.locator("[data-testid=item-message]")).to_contain_text(
        "Non trouvé de façon sûre dans le fichier, à saisir : numéro de facture, date de facture."
    )
    # What was sure is pre-filled, and right.
    assert page.input_value("input[name=recipient_identifier]") == recipient.identifier
    assert page.inner_text("[data-testid=total-ttc]").replace("\xa0", " ") == "1 200,00"
    page.fill("input[name=number]", "DEP-2026-010")
    page.fill("input[name=invoice_date]", "2026-11-02")
    _complete_and_send(page, "DEP-2026-010")
    invoice = Invoice.objects.get(number="DEP-2026-010")
    assert (str(invoice.invoice_date), invoice.recipient_id) == ("2026-11-02", recipient.pk)


def test_a_scan_is_read_by_ocr_checked_and_sent(page, supplier, recipient, redis_worker, tmp_path):
    require_or_skip(
        ocr.available(), "needs Tesseract and its French model (tesseract-ocr, tesseract-ocr-fra)"
    )
    scan = tmp_path / "facture-numerisee.pdf"
    scan.write_bytes(evaluation.rasterise(french_invoice_pdf(supplier, recipient), 300))
    _deposit(page, supplier, scan)
    page.wait_for_selector("[data-testid=draft-ready]", timeout=OCR_TIMEOUT)
    page.get_by_role("link", name="Vérifier et compléter la facture").click()
    expect(page.locator("[data-testid=item-message]")).to_contain_text(
        "ses données ont été lues par reconnaissance de caractères (OCR), vérifiez chacune"
    )
    assert page.input_value("input[name=number]") == "DEP-2026-001"
    assert page.input_value("input[name=invoice_date]") == "2026-11-02"
    assert page.input_value("input[name=recipient_identifier]") == recipient.identifier
    assert page.inner_text("[data-testid=total-ttc]").replace("\xa0", " ") == "1 200,00"
    expect(page.locator("#invoice-form")).to_contain_text("Lu par OCR dans le document numérisé")
    _complete_and_send(page, "DEP-2026-001")
    invoice = Invoice.objects.get(number="DEP-2026-001")
    assert invoice.attachments.get(kind="PRINCIPALE").name == "facture-numerisee.pdf"


def test_a_scan_without_tesseract_is_typed(page, monkeypatch, supplier, recipient, redis_worker, tmp_path):
    monkeypatch.setattr(ocr, "COMMAND", str(tmp_path / "no-tesseract-here"))
    scan = tmp_path / "facture-numerisee.pdf"
    scan.write_bytes(evaluation.rasterise(french_invoice_pdf(supplier, recipient), 200))
    _deposit(page, supplier, scan)
    page.wait_for_selector("[data-testid=draft-ready]", timeout=60_000)
    expect(page.locator("[data-testid=item-message]")).to_contain_text(
        "Ce PDF ne contient pas de texte (document numérisé ?) : rien n'a pu être lu, "
        "saisissez les données de la facture."
    )
    page.get_by_role("link", name="Vérifier et compléter la facture").click()
    # Nothing read, nothing pre-filled: the invoice is typed over the scan, which stays attached.
    assert page.input_value("input[name=invoice_date]") == ""
    assert page.input_value("input[name=recipient_identifier]") == ""
    page.fill("input[name=number]", "DEP-2026-020")
    page.fill("input[name=invoice_date]", "2026-11-02")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator(".fr-alert--success")).to_contain_text("Brouillon DEP-2026-020 enregistré.")
    draft = Invoice.objects.get(number="DEP-2026-020")
    assert draft.attachments.get(kind="PRINCIPALE").name == "facture-numerisee.pdf"
