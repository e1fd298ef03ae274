"""An English reader reads in English what the worker wrote (issue 17 §3): a lot's report, a
refused file's message and its rule explanations, the deposit's history. The API keeps French."""

import re

from django.urls import reverse

from deposits.enums import DepositFormat, DepositKind, ItemOutcome
from tests.deposits.conftest import deposit, tar_gz_of
from tests.deposits.test_report import br_co_10_cii

# Words of the worker's French sentences that no English one holds.
FRENCH = re.compile(r"\b(fichier|facture|lot n'accepte|n'est pas|non respectée|déposée|Aucune|sur \d)\b")


def _english_page(client, user, url) -> str:
    user.language = "en"
    user.save(update_fields=["language"])
    client.force_login(user)
    return client.get(url).content.decode()


def test_a_lot_report_written_by_the_worker_reads_in_english(
    supplier, structured_invoice, corpus, client, django_capture_on_commit_callbacks
):
    members = {
        "FX-10.pdf": structured_invoice("FX-10"),
        "notes.txt": b"hello",
        "scan.pdf": (corpus / "plain-pdf" / "free_fiber.pdf").read_bytes(),
    }
    made = deposit(
        supplier,
        "lot.tar.gz",
        tar_gz_of(members),
        kind=DepositKind.LOT,
        callbacks=django_capture_on_commit_callbacks,
    )
    items = {item.file_name: item for item in made.items.all()}
    # Stored French (the API answers with it), rendered in the reader's language.
    assert items["scan.pdf"].message == "Un lot n'accepte que des factures Factur-X ou XML (UBL, CII)."
    page = _english_page(client, supplier.gp, reverse("deposits:detail", args=[made.pk]))
    report = page[page.index('data-testid="lot-report"') :]
    assert "A batch only accepts Factur-X or XML invoices (UBL, CII)." in report
    assert "Format not accepted in a lot" in report
    assert "Invoice FX-10 submitted." in report
    assert "1 out of 3" in page  # the history's note
    assert not FRENCH.search(report), FRENCH.search(report)


def test_a_refused_file_and_its_rules_read_in_english(
    corpus, supplier, client, django_capture_on_commit_callbacks
):
    made = deposit(
        supplier,
        "f.xml",
        br_co_10_cii(corpus),
        fmt=DepositFormat.STRUCTURED,
        callbacks=django_capture_on_commit_callbacks,
    )
    item = made.items.get()
    assert item.outcome == ItemOutcome.REJECTED
    page = _english_page(client, supplier.gp, reverse("deposits:detail", args=[made.pk]))
    assert "This XML does not comply with the EN 16931 standard: it cannot be sent." in page
    errors = page[page.index('data-testid="validation-errors"') :]
    assert "<code>BR-CO-10</code> The sum of the line amounts excl. VAT (BT-106)" in errors
    message = page[page.index('data-testid="item-message"') :].split("</div>", 1)[0]
    assert not FRENCH.search(message), message
