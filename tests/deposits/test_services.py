"""Deposits through their services: a file becomes a pre-filled draft; a lot sends its complete
invoices and reports the others; processing twice changes nothing."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from deposits import services
from deposits.enums import DepositFormat, DepositKind, FluxStatus, ItemOutcome
from deposits.exceptions import DepositError, DepositRefused
from deposits.models import Deposit, DepositItem
from invoices import services as invoice_services
from invoices.enums import AttachmentKind, DepositMode, InvoiceStatus
from invoices.models import Invoice
from tests.deposits.conftest import deposit, tar_gz_of, zip_of

pytestmark = pytest.mark.django_db


def test_facturx_becomes_a_draft_that_says_what_its_file_says(
    supplier, recipient, structured_invoice, django_capture_on_commit_callbacks
):
    data = structured_invoice("FX-1")
    made = deposit(supplier, "FX-1.pdf", data, callbacks=django_capture_on_commit_callbacks)
    assert made.status == FluxStatus.INTEGRATED
    item = made.items.get()
    assert (item.format, item.profile, item.outcome, item.errors) == (
        "facturx",
        "EN16931",
        ItemOutcome.DRAFT,
        [],
    )
    draft = item.invoice
    assert (draft.status, draft.deposit_mode, draft.number, draft.recipient) == (
        InvoiceStatus.DRAFT,
        DepositMode.STRUCTURED,
        "FX-1",
        recipient,
    )
    assert (draft.total_ht, draft.total_vat, draft.total_ttc) == (D("1042.35"), D("194.24"), D("1236.59"))
    assert draft.numero_engagement == "EJ-77" and draft.lines.count() == 2
    original = draft.attachments.get(kind=AttachmentKind.PRINCIPAL)
    assert original.sha256 == made.sha256
    assert {"number", "recipient_id", "invoice_date", "lines"} <= set(item.recognised)
    # No billing mandate needed to send one's own invoice file.
    supplier.mandates.update(status="REVOQUE")
    with django_capture_on_commit_callbacks(execute=True):
        invoice_services.submit_invoice(actor=supplier.gp, structure=supplier, invoice_id=draft.pk)
    draft.refresh_from_db()
    assert draft.status == InvoiceStatus.MADE_AVAILABLE
    assert draft.attachments.filter(kind=AttachmentKind.PRINCIPAL).count() == 1  # no generated one


def test_the_draft_of_a_deposited_file_says_which_values_were_read_in_it(
    client, supplier, structured_invoice, django_capture_on_commit_callbacks
):
    # invoices does not import deposits: deposits registers the lookup of the file at start-up.
    made = deposit(
        supplier, "FX-3.pdf", structured_invoice("FX-3"), callbacks=django_capture_on_commit_callbacks
    )
    client.force_login(supplier.gp)
    page = client.get(reverse("invoices:supplier_edit", args=[made.items.get().invoice_id])).content.decode()
    assert "Facture pré-remplie à partir du fichier déposé « FX-3.pdf »" in page
    assert page.count("Lu dans le fichier") >= 3


def test_a_structured_draft_must_keep_its_files_totals(
    supplier, structured_invoice, django_capture_on_commit_callbacks
):
    made = deposit(
        supplier, "FX-2.pdf", structured_invoice("FX-2"), callbacks=django_capture_on_commit_callbacks
    )
    draft = made.items.get().invoice
    lines = [{"designation": "Autre chose", "quantity": "1", "unit_price": "10", "vat_rate": "20"}]
    invoice_services.save_draft(
        actor=supplier.gp, structure=supplier, data={}, lines=lines, invoice_id=draft.pk
    )
    errors = invoice_services.submission_errors(Invoice.objects.get(pk=draft.pk))
    assert any("ne correspond plus à celui du fichier déposé" in message for message in errors[None])


@pytest.mark.parametrize(
    ("name", "syntax"), [("EN16931_Einfach.cii.xml", "cii"), ("EN16931_Einfach.ubl.xml", "ubl")]
)
def test_foreign_structured_xml_is_read_but_its_seller_is_checked(
    supplier, corpus, name, syntax, django_capture_on_commit_callbacks
):
    folder = "CII" if syntax == "cii" else "UBL"
    data = (corpus / "xml-rechnung" / folder / name).read_bytes()
    made = deposit(
        supplier, name, data, fmt=DepositFormat.STRUCTURED, callbacks=django_capture_on_commit_callbacks
    )
    item = made.items.get()
    assert item.format == syntax and item.outcome == ItemOutcome.DRAFT
    assert item.invoice.number == "471102" and item.invoice.total_ttc == D("529.87")
    assert "Le destinataire" in item.message  # a German buyer is not in the annuaire


def test_plain_pdf_is_recognised_with_its_sources(supplier, corpus, django_capture_on_commit_callbacks):
    data = (corpus / "plain-pdf" / "NetpresseInvoice.pdf").read_bytes()
    made = deposit(
        supplier, "netpresse.pdf", data, fmt=DepositFormat.PDF, callbacks=django_capture_on_commit_callbacks
    )
    item = made.items.get()
    draft = item.invoice
    assert (item.format, draft.deposit_mode, draft.number) == ("pdf", DepositMode.PDF, "2022089083")
    assert str(draft.invoice_date) == "2022-11-28"
    assert item.fields["total_ttc"] == "56.02" and "Total TTC" in item.sources["total_ttc"]
    # One line at the one rate that gives exactly the VAT read: 46.68 × 20 % = 9.34.
    assert "lines" in item.derived and draft.total_ttc == D("56.02")
    assert "émis par l'identifiant 53084813400017" in item.message


def test_refused_uploads_say_why_and_store_nothing(supplier):
    cases = [
        ("facture.pdf", b"", "Le fichier est vide."),
        ("facture.pdf", b"<?xml version='1.0'?><a/>", "ce n'est pas un PDF"),
        ("facture.xml", b"%PDF-1.7\n%%EOF", "ce n'est pas un XML"),
        ("facture.docx", b"PK\x03\x04", "Une facture se dépose en .pdf ou .xml"),
    ]
    for name, data, message in cases:
        with pytest.raises(DepositRefused) as refused:
            deposit(supplier, name, data, fmt=DepositFormat.PDF)
        assert message in refused.value.errors["file"][0]
    with pytest.raises(DepositRefused) as refused:
        deposit(supplier, "facture.pdf", b"%PDF-1.7\n%%EOF", fmt=DepositFormat.PDF_SIGNED)
    assert "ne porte pas de signature" in refused.value.errors["file"][0]
    with pytest.raises(DepositRefused) as refused:
        deposit(supplier, "lot.zip", zip_of({"a.xml": b"<a/>"}), kind=DepositKind.LOT, fmt=DepositFormat.PDF)
    assert "XML mixte" in refused.value.errors["file"][0]
    assert not Deposit.objects.exists()


def test_a_signed_pdf_is_deposited_as_such(supplier, django_capture_on_commit_callbacks):
    from weasyprint import HTML

    pdf = HTML(string="<p>Facture FA-SIGNEE-1</p>").write_pdf()
    # What a PAdES signer appends: an incremental update holding the signature dictionary.
    signed = pdf + b"\n99 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached "
    signed += b"/ByteRange [0 10 20 30] /Contents <00> >>\nendobj\n%%EOF\n"
    callbacks = django_capture_on_commit_callbacks
    made = deposit(supplier, "signee.pdf", signed, fmt=DepositFormat.PDF_SIGNED, callbacks=callbacks)
    assert made.format == DepositFormat.PDF_SIGNED and made.items.get().outcome == ItemOutcome.DRAFT


def test_a_scan_is_deposited_for_the_user_to_type_its_data(supplier, django_capture_on_commit_callbacks):
    from weasyprint import HTML

    scan = HTML(string="<div style='width:10cm;height:10cm;background:#333'></div>").write_pdf()
    made = deposit(
        supplier, "scan.pdf", scan, fmt=DepositFormat.PDF, callbacks=django_capture_on_commit_callbacks
    )
    item = made.items.get()
    assert item.outcome == ItemOutcome.DRAFT and "document numérisé" in item.message


def test_unreadable_files_reject_the_deposit_with_a_clear_message(
    supplier, django_capture_on_commit_callbacks
):
    encrypted = _encrypted_pdf()
    made = deposit(
        supplier,
        "protege.pdf",
        encrypted,
        fmt=DepositFormat.PDF,
        callbacks=django_capture_on_commit_callbacks,
    )
    assert made.status == FluxStatus.REJECTED
    assert made.error == "Ce PDF est protégé par un mot de passe : déposez une version sans mot de passe."
    bomb = b"<?xml version='1.0'?><!DOCTYPE r [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><r>&x;</r>"
    made = deposit(
        supplier, "x.xml", bomb, fmt=DepositFormat.STRUCTURED, callbacks=django_capture_on_commit_callbacks
    )
    assert made.status == FluxStatus.REJECTED and "DOCTYPE" in made.error
    assert "root:" not in made.error


def _encrypted_pdf() -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_same_file_twice_is_flagged(supplier, structured_invoice, django_capture_on_commit_callbacks):
    data = structured_invoice("FX-3")
    first = deposit(supplier, "FX-3.pdf", data, callbacks=django_capture_on_commit_callbacks)
    second = deposit(supplier, "copie.pdf", data, callbacks=django_capture_on_commit_callbacks)
    assert second.duplicate_of == first
    assert "déjà utilisé" in second.items.get().message
    assert second.items.get().invoice.number.startswith("BROUILLON-")


def test_lot_sends_complete_invoices_and_reports_the_others(
    supplier, recipient, structured_invoice, corpus, django_capture_on_commit_callbacks
):
    members = {
        "a/FX-10.pdf": structured_invoice("FX-10"),
        "FX-11.xml": structured_invoice("FX-11", as_xml=True),
        "allemande.xml": (corpus / "xml-rechnung" / "UBL" / "EN16931_Einfach.ubl.xml").read_bytes(),
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
    assert made.status == FluxStatus.PARTIALLY_INTEGRATED
    outcomes = {item.file_name: (item.outcome, item.message) for item in made.items.all()}
    assert outcomes["a/FX-10.pdf"][0] == outcomes["FX-11.xml"][0] == ItemOutcome.SENT
    assert (
        outcomes["notes.txt"][0] == ItemOutcome.REJECTED and "Format non accepté" in outcomes["notes.txt"][1]
    )
    assert "n'accepte que des factures Factur-X ou XML" in outcomes["scan.pdf"][1]
    assert "émis par l'identifiant" in outcomes["allemande.xml"][1]
    sent = Invoice.objects.filter(supplier=supplier, number__in=["FX-10", "FX-11"]).exclude(
        status="SUPPRIMEE"
    )
    assert {invoice.status for invoice in sent} == {InvoiceStatus.MADE_AVAILABLE}
    assert sent.get(number="FX-11").attachments.get(kind=AttachmentKind.PRINCIPAL).name == "FX-11.xml"


def test_processing_again_creates_nothing_more(
    supplier, structured_invoice, django_capture_on_commit_callbacks
):
    lot = zip_of({f"FX-2{n}.pdf": structured_invoice(f"FX-2{n}") for n in range(3)})
    made = deposit(
        supplier, "lot.zip", lot, kind=DepositKind.LOT, callbacks=django_capture_on_commit_callbacks
    )
    assert made.status == FluxStatus.INTEGRATED
    count = Invoice.objects.count()
    # A re-delivered task after a crash: the deposit is finished, every file already read.
    Deposit.objects.filter(pk=made.pk).update(status=FluxStatus.PROCESSING)  # set-up: as the crash left it
    with django_capture_on_commit_callbacks(execute=True):
        services.process_deposit(deposit_id=made.pk)
    made.refresh_from_db()
    assert made.status == FluxStatus.INTEGRATED and Invoice.objects.count() == count
    assert made.attempts == 2


def test_a_stuck_deposit_can_be_retried(
    supplier, structured_invoice, django_capture_on_commit_callbacks, time_machine
):
    import datetime

    from django.utils import timezone

    made = deposit(supplier, "FX-30.pdf", structured_invoice("FX-30"))  # its task never ran
    with pytest.raises(DepositError):
        services.retry_deposit(actor=supplier.gp, structure=supplier, deposit_id=made.pk)
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=11))
    assert services.is_stuck(made)
    with django_capture_on_commit_callbacks(execute=True):
        services.retry_deposit(actor=supplier.gp, structure=supplier, deposit_id=made.pk)
    made.refresh_from_db()
    assert made.status == FluxStatus.INTEGRATED
    assert [c.to_status for c in made.status_changes.order_by("pk")] == [
        FluxStatus.RECEIVED,
        FluxStatus.WAITING_RETRY,
        FluxStatus.PROCESSING,
        FluxStatus.INTEGRATED,
    ]


def test_a_lot_being_read_shows_its_progress_and_its_report_once_finished(
    client, supplier, structured_invoice
):
    lot = zip_of({f"FX-4{n}.pdf": structured_invoice(f"FX-4{n}") for n in range(3)})
    made = deposit(supplier, "lot.zip", lot, kind=DepositKind.LOT)  # its task has not run yet
    # Set-up: a worker has read one file of three so far.
    Deposit.objects.filter(pk=made.pk).update(status=FluxStatus.PROCESSING)
    for position in range(3):
        DepositItem.objects.create(
            deposit=made,
            position=position,
            file_name=f"FX-4{position}.pdf",
            outcome=ItemOutcome.REJECTED if position == 0 else ItemOutcome.PENDING,
        )
    client.force_login(supplier.gp)
    url = f"/factures-emises/depots/{made.pk}/"
    polled = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "1 fichier lu sur 3" in polled and "lot-report" not in polled
    Deposit.objects.filter(pk=made.pk).update(status=FluxStatus.PARTIALLY_INTEGRATED)
    finished = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'data-testid="lot-report"' in finished and finished.count("<tr data-file=") == 3
