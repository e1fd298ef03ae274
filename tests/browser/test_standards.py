"""Issue 12 as a new user tries it, in a real browser with a real worker on Redis: public
XRechnung and CEN invoices are accepted, a file failing BR-CO-10 is refused with that rule id,
a deposited invoice at German VAT rates keeps them through an edit and is sent, and an intra-EU
reverse-charge invoice issued from the form has its lifecycle (CDAR) downloaded."""

import io
import re
import time
import zipfile
from decimal import Decimal as D

import pytest
from playwright.sync_api import expect

from invoices.enums import InvoiceStatus
from invoices.models import Invoice
from tests.browser.helpers import log_in
from tests.deposits.conftest import CORPUS
from tests.deposits.test_report import br_co_10_cii
from tests.factories import french_vat_number
from tests.invoices.test_cdar import CdarValidator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STRUCTURED, MIXED = "XML structuré (UBL ou CII)", "XML mixte (Factur-X, PDF avec XML)"


def _deposit(page, path, fmt):
    page.goto("/factures-emises/depot/")
    page.get_by_label(fmt).check(force=True)
    page.set_input_files("input[name=file]", str(path))
    page.get_by_role("button", name="Déposer").click()


def _copy(tmp_path, relative):
    target = tmp_path / relative.rsplit("/", 1)[-1]
    target.write_bytes((CORPUS / relative).read_bytes())
    return target


def _choose_recipient(page, recipient):
    page.fill("input[name=recipient_identifier]", recipient.identifier)
    page.locator("input[name=recipient_identifier]").dispatch_event("change")
    page.wait_for_selector("[data-testid=recipient-card]")


@pytest.mark.parametrize(
    ("relative", "fmt", "rates"),
    [
        ("xml-rechnung/FX/EN16931_Einfach.pdf", MIXED, {D("19"), D("7")}),
        ("xml-rechnung/UBL/EN16931_Elektron.ubl.xml", STRUCTURED, {D("19")}),
    ],
    ids=["factur-x-19-7", "ubl-19"],
)
def test_a_deposit_at_german_rates_is_edited_and_sent(
    page, supplier, recipient, redis_worker, tmp_path, relative, fmt, rates
):
    log_in(page, supplier.gp.email)
    _deposit(page, _copy(tmp_path, relative), fmt)
    page.wait_for_selector("[data-testid=draft-ready]", timeout=60_000)
    page.get_by_role("link", name="Vérifier et compléter la facture").click()
    # The file's rates are shown as they are, and its BR-FR findings with their ids.
    shown = {D(page.input_value(f"select[name=lines-{n}-vat_rate]")) for n in range(len(rates))}
    assert shown <= rates
    warnings = page.inner_text("[data-testid=extraction-report]")
    assert re.search(r"\d+ avertissements? \(règles françaises BR-FR", warnings)
    page.locator("[data-testid=extraction-report] summary").click()
    assert "BR-FR-" in page.inner_text("[data-testid=validation-warnings]")
    total = page.inner_text("[data-testid=total-ttc]")

    # The buyer of these public files is a German company: the user picks the French recipient.
    _choose_recipient(page, recipient)
    # The file's transfer goes to the seller's German account, which is not the supplier's.
    page.select_option("select[name=payment_mode]", "CHEQUE")
    with page.expect_response("**/totaux/"):
        page.fill("textarea[name=comment]", "Commande de novembre")
    assert page.inner_text("[data-testid=total-ttc]") == total  # not recomputed at 20 %
    page.get_by_role("button", name="Valider et envoyer").click(timeout=60_000)
    expect(page.locator(".fr-alert--success")).to_contain_text("est déposée")

    invoice = Invoice.objects.get(supplier=supplier)
    assert invoice.comment == "Commande de novembre"
    assert {line.vat_rate for line in invoice.lines.all()} == rates
    assert invoice.status != InvoiceStatus.DRAFT


def test_done_means(page, supplier, recipient, redis_worker, tmp_path):
    log_in(page, supplier.gp.email)
    # A public XRechnung CII and one of the CEN standard's own examples are accepted.
    for relative in ("xml-rechnung/CII/EN16931_Einfach.cii.xml", "cen-en16931/cii/examples/CII_example1.xml"):
        _deposit(page, _copy(tmp_path, relative), STRUCTURED)
        page.wait_for_selector("[data-testid=draft-ready]", timeout=60_000)
        assert "Erreurs de conformité" not in page.inner_text("main")

    # A file failing BR-CO-10 is refused with that id, and told as the reform's 213 Rejetée.
    refused = tmp_path / "facture-br-co-10.xml"
    refused.write_bytes(br_co_10_cii(CORPUS))
    _deposit(page, refused, STRUCTURED)
    page.wait_for_selector("[data-testid=validation-errors]", timeout=60_000)
    assert "BR-CO-10" in page.inner_text("[data-testid=validation-errors]")
    with page.expect_download() as rejection:
        page.get_by_test_id("cdar-rejection").click()
    assert CdarValidator().errors(rejection.value.path().read_bytes()) == []

    # An intra-EU reverse-charge invoice from the form, then its lifecycle.
    page.goto("/factures-emises/saisir/")
    _choose_recipient(page, recipient)
    page.fill("input[name=number]", "FAC-AE-001")
    page.fill("input[name=invoice_date]", "2026-11-02")
    page.select_option("select[name=payment_mode]", "CHEQUE")
    page.get_by_label("Prestation de services").check(force=True)
    page.get_by_role("radio", name="Exonération").check(force=True)
    page.fill("input[name=lines-0-designation]", "Maintenance des fenêtres")
    page.fill("input[name=lines-0-quantity]", "2")
    page.fill("input[name=lines-0-unit_price]", "500,00")
    page.select_option("select[name=lines-0-vat_rate]", label="Autoliquidation")
    with page.expect_response("**/saisir/totaux/"):
        page.fill("input[name=buyer_vat_number]", french_vat_number(recipient.identifier[:9]))
    expect(page.locator("[data-testid=total-vat]")).to_have_text("0,00")
    page.get_by_role("button", name="Valider et envoyer").click(timeout=60_000)
    assert "La facture FAC-AE-001 est déposée" in " ".join(page.locator(".fr-alert").all_inner_texts())
    invoice = Invoice.objects.get(number="FAC-AE-001")
    assert [line.vat_category for line in invoice.lines.all()] == ["AE"]
    # The worker renders the original and routes the invoice to its recipient.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        invoice.refresh_from_db()
        if invoice.status == InvoiceStatus.MADE_AVAILABLE and invoice.attachments.exists():
            break
        time.sleep(1)
    assert invoice.status == InvoiceStatus.MADE_AVAILABLE
    page.goto(f"/factures-emises/{invoice.pk}/")
    with page.expect_download() as lifecycle:
        page.get_by_test_id("cdar-lifecycle").click()
    archive = zipfile.ZipFile(io.BytesIO(lifecycle.value.path().read_bytes()))
    assert [name.rsplit("_", 1)[1] for name in archive.namelist()] == ["200.xml", "201.xml", "203.xml"]
    validator = CdarValidator()
    for name in archive.namelist():
        assert validator.errors(archive.read(name)) == [], name
