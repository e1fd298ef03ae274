"""Dépôt facture in a real browser, with a real worker on Redis: deposit a PDF, watch it being
read, correct the pre-filled invoice, send it; deposit a lot and read its compte rendu."""

import pytest
from playwright.sync_api import expect
from weasyprint import HTML

from invoices.models import Invoice
from tests.browser.helpers import log_in
from tests.deposits.conftest import CORPUS, zip_of
from tests.deposits.test_report import br_co_10_cii

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def french_invoice_pdf(supplier, recipient) -> bytes:
    return HTML(
        string=f"""<html><body style="font-family: sans-serif">
        <p>{supplier.raison_sociale} — SIRET {supplier.identifier[:3]} {supplier.identifier[3:6]}
           {supplier.identifier[6:9]} {supplier.identifier[9:]}</p>
        <h1>FACTURE N° DEP-2026-001</h1>
        <p>Date de facture : 02/11/2026</p>
        <p>SIRET client : {recipient.identifier}</p>
        <table><tr><td>Total HT</td><td>1 000,00 €</td></tr><tr><td>TVA 20 %</td><td>200,00 €</td></tr>
        <tr><td>Total TTC</td><td>1 200,00 €</td></tr></table></body></html>"""
    ).write_pdf()


def test_deposit_a_pdf_watch_it_read_correct_and_send(page, supplier, recipient, redis_worker, tmp_path):
    pdf = tmp_path / "facture-dupont.pdf"
    pdf.write_bytes(french_invoice_pdf(supplier, recipient))
    log_in(page, supplier.gp.email)
    page.goto("/factures-emises/")
    page.get_by_role("link", name="Dépôt facture").click()
    page.get_by_label("PDF non signé").check(force=True)
    page.get_by_role("button", name="Déposer").click()
    assert "Ce champ est obligatoire." in page.inner_text("#deposit-form")  # no file chosen
    page.get_by_label("PDF non signé").check(force=True)
    page.set_input_files("input[name=file]", str(pdf))
    page.get_by_role("button", name="Déposer").click()
    # The page follows the worker without being reloaded.
    page.wait_for_selector("[data-testid=draft-ready]", timeout=30_000)
    assert "INTÉGRÉ" in page.inner_text("[data-testid=deposit-progress]")
    page.get_by_role("link", name="Vérifier et compléter la facture").click()
    assert page.input_value("input[name=number]") == "DEP-2026-001"
    assert "lu dans le fichier" in page.inner_text("#invoice-form").lower()
    assert page.input_value("input[name=recipient_identifier]") == recipient.identifier
    assert page.inner_text("[data-testid=total-ttc]").replace("\xa0", " ") == "1 200,00"
    page.get_by_role("button", name="Valider et envoyer").click()
    assert "Le mode de règlement est obligatoire pour une facture." in page.inner_text("#invoice-form")
    page.select_option("select[name=payment_mode]", "CHEQUE")
    page.get_by_role("button", name="Valider et envoyer").click()
    assert "La facture DEP-2026-001 est déposée" in page.inner_text(".fr-alert--success")
    invoice = Invoice.objects.get(number="DEP-2026-001")
    assert invoice.deposit_mode == "DEPOT_PDF"
    assert invoice.attachments.get(kind="PRINCIPALE").name == "facture-dupont.pdf"


def test_deposit_a_lot_and_read_its_report(page, supplier, structured_invoice, redis_worker, tmp_path):
    lot = tmp_path / "lot.zip"
    members = {
        "FX-1.pdf": structured_invoice("FX-1"),
        "FX-2.xml": structured_invoice("FX-2", as_xml=True),
        "lisez-moi.txt": b"hello",
    }
    lot.write_bytes(zip_of(members))
    log_in(page, supplier.gp.email)
    page.goto("/factures-emises/depot/")
    page.get_by_label("Lot de factures").check(force=True)
    page.get_by_label("XML mixte (Factur-X, PDF avec XML)").check(force=True)
    page.set_input_files("input[name=file]", str(lot))
    page.get_by_role("button", name="Déposer").click()
    expect(page.locator("#deposit-progress [data-status]")).to_have_attribute(
        "data-status", "IN_INTEGRE_PARTIEL", timeout=30_000
    )
    report = page.inner_text("[data-testid=lot-report]")
    assert report.upper().count("FACTURE DÉPOSÉE") == 2 and "Format non accepté" in report
    page.get_by_role("link", name="Dépôts").click()
    # One file of three refused: the list says the lot was read, with something to look at.
    assert "LU AVEC AVERTISSEMENTS" in page.inner_text("[data-testid=deposit-list]")


def test_deposit_an_xml_failing_br_co_10_and_read_the_rule(page, supplier, redis_worker, tmp_path):
    xml = tmp_path / "facture-br-co-10.xml"
    xml.write_bytes(br_co_10_cii(CORPUS))
    log_in(page, supplier.gp.email)
    page.goto("/factures-emises/depot/")
    page.get_by_label("XML structuré (UBL ou CII)").check(force=True)
    page.set_input_files("input[name=file]", str(xml))
    page.get_by_role("button", name="Déposer").click()
    page.wait_for_selector("[data-testid=validation-errors]", timeout=30_000)
    errors = page.inner_text("[data-testid=validation-errors]")
    assert "BR-CO-10 Le total des lignes HT (BT-106) n'est pas la somme des montants des lignes" in errors
    assert "Texte officiel : [BR-CO-10]" in errors
