"""English mode in a real browser (issue 17 §3): the header switch is saved to the profile (Mon
compte shows it), and what the worker and the services wrote in French — a refused file, a lot's
report, an invoice's histories, the notifications — reads in English."""

import re

import pytest
from playwright.sync_api import expect

from deposits.enums import DepositFormat, DepositKind
from invoices.models import Invoice
from tests.browser.helpers import log_in
from tests.deposits.conftest import deposit, zip_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Words of the portal's French sentences shown on those pages, that no English one holds.
FRENCH = re.compile(
    r"\b(fichier|facture|déposée?|lot n'accepte|n'est pas|Mise à disposition|Téléchargée|Portail|"
    r"Aucune|sur \d|accepté|Motif)\b"
)


def _no_french(text: str) -> None:
    found = FRENCH.search(text)
    assert found is None, f"French left: « {found.group(0)} » in {text[:400]}"


def test_an_english_user_reads_what_the_worker_wrote_in_english(
    page, supplier, recipient, structured_invoice
):
    refused = deposit(supplier, "note.xml", b"<Note/>", fmt=DepositFormat.STRUCTURED)
    lot = deposit(
        supplier,
        "lot.zip",
        zip_of({"FX-30.pdf": structured_invoice("FX-30"), "notes.txt": b"hello"}),
        kind=DepositKind.LOT,
    )
    invoice = Invoice.objects.exclude(status="SUPPRIMEE").get(supplier=supplier, number="FX-30")

    log_in(page, supplier.gp.email)
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto("/compte/")
    expect(page.locator("select[name=language]")).to_have_value("en")

    page.goto(f"/factures-emises/depots/{refused.pk}/")
    message = page.inner_text("[data-testid=item-message]")
    assert "This XML file is not a UBL or CII invoice" in message
    _no_french(message)
    _no_french(page.inner_text("[data-testid=deposit-error]"))

    page.goto(f"/factures-emises/depots/{lot.pk}/")
    report = page.inner_text("[data-testid=lot-report]")
    assert "Invoice FX-30 submitted." in report and "Format not accepted in a lot" in report
    _no_french(report.replace("FX-30.pdf", "").replace("notes.txt", ""))

    page.goto(f"/factures-emises/{invoice.pk}/")
    events = page.text_content("[data-testid=event-history]")
    assert "Made available to" in events
    _no_french(events.replace("FX-30.pdf", ""))
    # The reform's status names (« 203 Mise à disposition ») are the official French labels.
    statuses = re.sub(r"\b2\d\d [^\n]*", "", page.text_content("[data-testid=status-history]"))
    _no_french(statuses)

    page.goto("/notifications/")
    _no_french(page.inner_text("main"))
