"""The deposits list tells what happened to each file: read, read with warnings, not read."""

import re

import pytest
from django.urls import reverse

from deposits import workflow
from deposits.enums import DepositFormat, FluxStatus, ItemOutcome, Reading
from tests.deposits.conftest import deposit
from tests.deposits.test_report import br_co_10_cii

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("status", "flagged", "expected"),
    [
        (FluxStatus.INTEGRATED, 0, Reading.READ),
        (FluxStatus.INTEGRATED, 1, Reading.READ_WITH_WARNINGS),
        (FluxStatus.PARTIALLY_INTEGRATED, 0, Reading.READ_WITH_WARNINGS),
        (FluxStatus.REJECTED, 0, Reading.NOT_READ),
        (FluxStatus.TECHNICAL_ERROR, 0, Reading.NOT_READ),
        (FluxStatus.RECEIVED, 0, None),
        (FluxStatus.PROCESSING, 0, None),
        (FluxStatus.WAITING_RETRY, 0, None),
    ],
)
def test_reading_of_each_state(status, flagged, expected):
    assert workflow.reading(status, flagged_items=flagged) == expected


def _xrechnung(corpus, supplier, callbacks):
    """A valid public XRechnung CII, deposited: read, with warnings of the French rules."""
    data = (corpus / "xml-rechnung/CII/EN16931_Einfach.cii.xml").read_bytes()
    return deposit(supplier, "g.xml", data, fmt=DepositFormat.STRUCTURED, callbacks=callbacks)


def _badges(client, supplier) -> dict[str, str]:
    client.force_login(supplier.gp)
    page = client.get(reverse("deposits:list")).content.decode()
    return dict(re.findall(r'data-reading="([A-Z_]+)">([^<]+)<', page))


def test_list_badges_say_not_read_and_read_with_warnings(
    corpus, supplier, client, django_capture_on_commit_callbacks
):
    """A refused XML reads « Non lu »; a good XML with French-rule warnings is not a bare green."""
    broken = deposit(
        supplier,
        "f.xml",
        br_co_10_cii(corpus),
        fmt=DepositFormat.STRUCTURED,
        callbacks=django_capture_on_commit_callbacks,
    )
    good = _xrechnung(corpus, supplier, django_capture_on_commit_callbacks)
    assert (broken.status, good.status) == (FluxStatus.REJECTED, FluxStatus.INTEGRATED)
    assert good.items.get().warnings
    badges = _badges(client, supplier)
    assert badges == {"NON_LU": "Non lu", "LU_AVEC_AVERTISSEMENTS": "Lu avec avertissements"}
    assert "Intégré" not in badges.values()


def test_a_clean_draft_reads_read(corpus, supplier, client, django_capture_on_commit_callbacks):
    """Once its findings and messages are gone, the same deposit is « Lu », in green."""
    made = _xrechnung(corpus, supplier, django_capture_on_commit_callbacks)
    made.items.update(warnings=[], errors=[], message="")
    assert made.items.get().outcome == ItemOutcome.DRAFT
    assert _badges(client, supplier) == {"LU": "Lu"}


def test_a_pdf_draft_explains_its_one_line_per_rate(supplier, corpus, django_capture_on_commit_callbacks):
    """A PDF gives totals only: the draft's line « Montant HT au taux de 20 % » is explained."""
    made = deposit(
        supplier,
        "netpresse.pdf",
        (corpus / "plain-pdf" / "NetpresseInvoice.pdf").read_bytes(),
        fmt=DepositFormat.PDF,
        callbacks=django_capture_on_commit_callbacks,
    )
    item = made.items.get()
    assert [line.designation for line in item.invoice.lines.all()] == ["Montant HT au taux de 20 %"]
    assert "Le fichier ne détaille pas de lignes lisibles : une ligne par taux de TVA" in item.message
