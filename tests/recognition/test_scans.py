"""Scans (PDFs without a text layer) read by OCR in the deposit worker, and the values too unsure
to pre-fill shown beside their field. Needs Tesseract and its French model (Debian
`tesseract-ocr`, `tesseract-ocr-fra`): skipped without them, failing under CI=true."""

import datetime
from decimal import Decimal as D

import pytest
from django.urls import reverse
from weasyprint import HTML

from benchmarks.recognition import evaluation
from deposits.enums import DepositFormat, ItemOutcome
from einvoice.extraction import extract
from einvoice.recognition import ocr
from tests.conftest import require_or_skip
from tests.deposits.conftest import deposit

pytestmark = pytest.mark.django_db


@pytest.fixture
def tesseract():
    require_or_skip(
        ocr.available(), "needs Tesseract and its French model (tesseract-ocr, tesseract-ocr-fra)"
    )


def _invoice(supplier, recipient, number="F-2026-0412") -> bytes:
    siret = supplier.identifier
    body = f"""
    <h1>FACTURE</h1><p>N° de facture : {number}</p><p>Date de facture : 12/03/2026</p>
    <p>Date d'échéance : 11/04/2026</p><p>SIRET client : {recipient.identifier}</p>
    <p>N° d'engagement : EJ-4471</p>
    <p>Livraison gratuite dès 150,00 € de commande.</p>
    <table><tr><td>Total HT</td><td>1 245,30 €</td></tr><tr><td>TVA 20 %</td><td>249,06 €</td></tr>
    <tr><td>Total TTC</td><td>1 494,36 €</td></tr></table>
    <p>Menuiserie Test — SIRET {siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]} — RCS Grenoble</p>"""
    html = f"<html><body style='font-family: sans-serif; font-size: 11pt'>{body}</body></html>"
    return HTML(string=html).write_pdf()


def test_a_scan_is_read_by_ocr_with_its_confidence_lowered(tesseract, supplier, recipient):
    text = _invoice(supplier, recipient)
    scan = evaluation.rasterise(text, 300)
    read, by_ocr = extract(text, "f.pdf", validate=False), extract(scan, "scan.pdf", validate=False, ocr=True)
    assert by_ocr.no_text_layer and by_ocr.ocr
    assert by_ocr.validation.warnings[0].rule == "PDF-OCR"
    # Nothing wrong is pre-filled, and most of what is printed is found.
    wrong = {key: value for key, value in by_ocr.fields.items() if read.fields.get(key) != value}
    assert wrong == {}
    assert len(by_ocr.fields) >= 0.85 * len(read.fields)
    assert by_ocr.fields["total_ttc"] == D("1494.36")
    assert all(by_ocr.confidence[key] < read.confidence[key] for key in by_ocr.confidence)


def test_the_worker_reads_a_deposited_scan_into_a_draft_marked_as_read_by_ocr(
    tesseract, client, supplier, recipient, django_capture_on_commit_callbacks
):
    scan = evaluation.rasterise(_invoice(supplier, recipient), 300)
    made = deposit(
        supplier, "scan.pdf", scan, fmt=DepositFormat.PDF, callbacks=django_capture_on_commit_callbacks
    )
    item = made.items.get()
    assert item.outcome == ItemOutcome.DRAFT and item.read_by_ocr
    assert "reconnaissance de caractères (OCR)" in item.message
    draft = item.invoice
    assert (draft.number, draft.invoice_date, draft.recipient) == (
        "F-2026-0412",
        datetime.date(2026, 3, 12),
        recipient,
    )
    assert draft.numero_engagement == "EJ-4471"
    client.force_login(supplier.gp)
    page = client.get(reverse("invoices:supplier_edit", args=[draft.pk])).content.decode()
    assert "Lu par OCR dans le document numérisé" in page


@pytest.mark.parametrize(
    "command",
    [
        "/nonexistent/tesseract",  # the machine without Tesseract
        "/bin/false",  # a Tesseract that fails on every page (answers nothing to --list-langs)
    ],
)
def test_without_tesseract_a_scan_is_deposited_to_be_typed(
    monkeypatch, command, supplier, recipient, django_capture_on_commit_callbacks
):
    scan = evaluation.rasterise(_invoice(supplier, recipient), 200)
    monkeypatch.setattr(ocr, "COMMAND", command)
    made = deposit(
        supplier, "scan.pdf", scan, fmt=DepositFormat.PDF, callbacks=django_capture_on_commit_callbacks
    )
    item = made.items.get()
    assert item.outcome == ItemOutcome.DRAFT and not item.read_by_ocr
    assert "rien n'a pu être lu, saisissez les données de la facture" in item.message
    assert item.recognised == [] and item.invoice.numero_engagement == ""


def test_a_page_tesseract_fails_on_leaves_the_scan_to_be_typed(
    tesseract, monkeypatch, tmp_path, supplier, recipient
):
    # Tesseract that lists its models but fails on the page (a crash, a page past the timeout).
    failing = tmp_path / "tesseract"
    failing.write_text('#!/bin/sh\nif [ "$1" = --list-langs ]; then echo fra; exit 0; fi\nexit 1\n')
    failing.chmod(0o755)
    monkeypatch.setattr(ocr, "COMMAND", str(failing))
    result = extract(evaluation.rasterise(_invoice(supplier, recipient), 200), "scan.pdf", ocr=True)
    assert result.no_text_layer and not result.ocr and result.fields == {}
    assert [warning.rule for warning in result.validation.warnings] == ["PDF-TEXTE"]


def test_an_unsure_value_is_shown_to_check_and_not_pre_filled(
    client, supplier, django_capture_on_commit_callbacks
):
    # Two invoice numbers as sure as each other: neither is pre-filled, both are shown.
    body = "<p>N° de facture : F-1</p><p>Numéro de facture : F-2</p><p>Date de facture : 12/03/2026</p>"
    data = HTML(string=f"<html><body>{body}</body></html>").write_pdf()
    made = deposit(
        supplier, "f.pdf", data, fmt=DepositFormat.PDF, callbacks=django_capture_on_commit_callbacks
    )
    item = made.items.get()
    assert "number" not in item.recognised and item.to_check["invoice_number"]["value"] == "F-1"
    assert item.invoice.number not in ("F-1", "F-2")
    assert item.invoice.invoice_date == datetime.date(2026, 3, 12)
    client.force_login(supplier.gp)
    page = client.get(reverse("invoices:supplier_edit", args=[item.invoice_id])).content.decode()
    assert "à vérifier : valeur lue « F-1 »" in page
