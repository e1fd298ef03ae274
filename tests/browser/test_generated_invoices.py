"""A supplier issues an intra-community supply from the entry form, in a real browser: what the
VAT category requires is said next to each field, and the original it sends passes the official
CEN, FNFE and French (BR-FR) rules."""

import re

import facturx
import pytest
from playwright.sync_api import expect

from invoices.models import Invoice
from tests.browser.helpers import log_in
from tests.invoices.official_validators import failures, require_standards

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supplier_issues_an_intra_community_supply(page, supplier, recipient):
    require_standards()
    log_in(page, supplier.gp.email)
    page.goto("/factures-emises/saisir/")
    page.fill("input[name=recipient_identifier]", recipient.identifier)
    page.locator("input[name=recipient_identifier]").dispatch_event("change")
    page.wait_for_selector("[data-testid=recipient-card]")
    page.fill("input[name=number]", "FAC-UE-001")
    page.fill("input[name=invoice_date]", "2026-11-02")
    page.select_option("select[name=payment_mode]", "CHEQUE")
    page.get_by_label("Livraison de biens").check(force=True)
    page.get_by_role("radio", name="Exonération").check(force=True)
    page.fill("input[name=lines-0-designation]", "Mobilier de bureau")
    page.fill("input[name=lines-0-quantity]", "4")
    page.fill("input[name=lines-0-unit_price]", "310,00")
    page.select_option("select[name=lines-0-vat_rate]", label="Livraison intracommunautaire")
    expect(page.locator("[data-testid=total-ttc]")).to_have_text(re.compile(r"^\s*1\s*240,00\s*$"))
    assert page.inner_text("[data-testid=total-vat]") == "0,00"

    page.get_by_role("button", name="Valider et envoyer").click()
    form = page.inner_text("#invoice-form")
    assert "demandent le numéro de TVA intracommunautaire du destinataire" in form
    assert "est livrée dans un autre pays de l'Union européenne" in form
    assert "La date de livraison est obligatoire pour une livraison intracommunautaire." in form

    page.fill("input[name=buyer_vat_number]", "DE136695976")
    page.fill("input[name=delivery_country]", "DE")
    page.fill("input[name=delivery_date]", "2026-10-28")
    # The live totals follow each typing: let the last one answer before sending.
    with page.expect_response("**/saisir/totaux/"):
        page.fill("input[name=delivery_city]", "Berlin")
    # Sending renders the Factur-X original in the request (eager tasks): slower on a busy machine.
    page.get_by_role("button", name="Valider et envoyer").click(timeout=60_000)
    assert "La facture FAC-UE-001 est déposée" in " ".join(page.locator(".fr-alert").all_inner_texts())
    assert "Livraison de biens" in page.inner_text("main")

    invoice = Invoice.objects.get()
    with invoice.attachments.get(kind="PRINCIPALE").file.open("rb") as handle:
        _name, xml = facturx.get_xml_from_pdf(handle.read(), check_xsd=False)
    assert failures(xml) == {}
    assert b"<ram:CategoryCode>K</ram:CategoryCode>" in xml
