"""The lifecycle journey in a real browser: the recipient refuses an invoice with a reform motif,
the supplier reads the reform status and downloads that change's CDAR message and the whole
lifecycle."""

import io
import zipfile
from pathlib import Path

import pytest

from tests.browser.helpers import log_in
from tests.invoices.test_cdar import CdarValidator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coded_refusal_reaches_the_supplier_as_a_valid_cdar(page, supplier, recipient, make_invoice):
    validator = CdarValidator()
    invoice = make_invoice(number="F-CDV-1")
    log_in(page, recipient.gp.email)
    page.goto(f"/factures-recues/{invoice.pk}/")
    status = " ".join(page.locator("[data-testid=reform-status]").text_content().split())
    assert status == "Réforme 203 — Mise à disposition"
    page.select_option("select[name=transition]", "reject")
    page.select_option("select[name=reason_code]", "DOUBLON")
    page.fill("textarea[name=reason]", "Facture déjà reçue sous le numéro F-CDV-0")
    page.get_by_role("button", name="Valider le traitement").click()
    page.wait_for_selector("[data-reform-status='210']")

    log_in(page, supplier.gp.email)
    page.goto(f"/factures-emises/{invoice.pk}/")
    assert (
        "Code motif : DOUBLON — Facture en doublon"
        in page.locator("[data-testid=return-reason]").inner_text()
    )
    row = page.locator("[data-testid=status-history] tr", has_text="Rejetée")
    assert "210 Refusée (DOUBLON)" in row.inner_text()
    with page.expect_download() as download:
        row.locator("[data-testid=cdar-message]").click()
    message = Path(download.value.path()).read_bytes()
    assert b"<ram:ReasonCode>DOUBLON</ram:ReasonCode>" in message
    assert validator.errors(message) == []
    with page.expect_download() as download:
        page.locator("[data-testid=cdar-lifecycle]").click()
    assert download.value.suggested_filename == "cycle-de-vie_F-CDV-1.zip"
    archive = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert len(archive.namelist()) == 4
    assert all(validator.errors(archive.read(name)) == [] for name in archive.namelist())
    page.screenshot(path="var/cdar-supplier.png", full_page=True)
