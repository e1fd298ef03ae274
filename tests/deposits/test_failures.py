"""Deposits that used to never end: damaged archives, forged amounts, broken PDFs, unforeseen
errors, the invoice-number race. Each one ends in a final state with a reason the user can read;
an unforeseen error is retried, then given up as « erreur technique » with the operators alerted."""

import datetime
import io
import logging
import tarfile

import pytest
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from deposits import archives, services, workflow
from deposits.enums import DepositFormat, DepositKind, FluxStatus, ItemOutcome
from einvoice import facturx_pdf
from einvoice.extraction import ExtractionError, extract
from tests.deposits.conftest import deposit as make_deposit
from tests.deposits.conftest import tar_gz_of, zip_of

pytestmark = pytest.mark.django_db

CII = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
}


def deposit(supplier, name, data, *, fmt=DepositFormat.STRUCTURED, **options):
    return make_deposit(supplier, name, data, fmt=fmt, **options)


def history(made) -> list[str]:
    return [change.to_status for change in made.status_changes.order_by("pk")]


def corrupt_zip(name: str, data: bytes) -> bytes:
    """A zip whose member's compressed data is garbage after a sound header: inflating it raises
    zlib.error (not an OSError)."""
    lot = bytearray(zip_of({name: data}))
    start = 30 + len(name)  # the local header, then the deflated data
    lot[start : start + 16] = b"\xff" * 16
    return bytes(lot)


# --- Archives ---------------------------------------------------------------------------------


def test_a_zip_member_that_does_not_inflate_is_refused_with_its_reason(
    supplier, structured_invoice, django_capture_on_commit_callbacks
):
    lot = corrupt_zip("a.xml", structured_invoice(as_xml=True))
    [member] = archives.read_lot(lot)
    assert member.data is None and member.problem.startswith("Fichier illisible dans l'archive")
    made = deposit(
        supplier, "lot.zip", lot, kind=DepositKind.LOT, callbacks=django_capture_on_commit_callbacks
    )
    assert made.status == FluxStatus.REJECTED
    assert made.error == "Aucune facture du lot n'a pu être intégrée."
    item = made.items.get()
    assert item.outcome == ItemOutcome.REJECTED and "illisible" in item.message


def test_a_tar_gz_whose_stream_is_damaged_is_refused(supplier, django_capture_on_commit_callbacks):
    lot = bytearray(tar_gz_of({f"f{n}.xml": bytes(range(256)) * 40 for n in range(3)}))
    lot[40:80] = b"\xff" * 40
    with pytest.raises(archives.LotError) as refused:
        archives.read_lot(bytes(lot))
    assert refused.value.message.startswith("L'archive .tar.gz est illisible")
    made = deposit(
        supplier, "lot.tar.gz", bytes(lot), kind=DepositKind.LOT, callbacks=django_capture_on_commit_callbacks
    )
    assert made.status == FluxStatus.REJECTED and made.error.startswith("L'archive .tar.gz est illisible")


def tar_with_pax_path(path: str) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", format=tarfile.PAX_FORMAT) as archive:
        info = tarfile.TarInfo("facture.xml")
        info.pax_headers = {"path": path}
        info.size = 5
        archive.addfile(info, io.BytesIO(b"<a/>\n"))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("lot", "shown"),
    [
        (tar_with_pax_path("fac\x00ture.xml"), "fac?ture.xml"),
        (zip_of({"facture\u202elmx.pdf": b"<a/>"}), "facture?lmx.pdf"),
        (zip_of({"\u2066facture.xml\u2069": b"<a/>"}), "?facture.xml?"),
    ],
    ids=["nul-in-pax-path", "right-to-left-override", "isolate"],
)
def test_a_member_name_with_control_characters_refuses_the_lot(
    supplier, lot, shown, django_capture_on_commit_callbacks
):
    name = "lot.tar.gz" if lot.startswith(b"\x1f\x8b") else "lot.zip"
    made = deposit(supplier, name, lot, kind=DepositKind.LOT, callbacks=django_capture_on_commit_callbacks)
    assert made.status == FluxStatus.REJECTED
    assert made.error == (
        f"Le lot contient un nom de fichier avec des caractères de contrôle : « {shown} ». Il est refusé."
    )
    assert not made.items.exists()


# --- Extraction ---------------------------------------------------------------------------------


@pytest.mark.parametrize("amount", ["1E+400", "NaN", "-Infinity", "1000000000000000.01"])
def test_an_absurd_amount_refuses_the_file_with_a_clear_reason(
    supplier, structured_invoice, amount, django_capture_on_commit_callbacks
):
    root = etree.fromstring(structured_invoice(as_xml=True))
    [total] = root.xpath(
        "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:GrandTotalAmount", namespaces=CII
    )
    total.text = amount
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    with pytest.raises(ExtractionError) as refused:
        extract(data, "f.xml")
    assert refused.value.code == "invalid_amount"
    made = deposit(supplier, "f.xml", data, callbacks=django_capture_on_commit_callbacks)
    assert made.status == FluxStatus.REJECTED
    assert made.error == f"Le montant « {amount} » n'est pas un montant valide : il est refusé."


def pdf_with_broken_page() -> bytes:
    """A PDF whose page tree counts one page that is no page object: pypdfium2 opens the document
    and fails to load the page."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"(not a page)",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_a_pdf_page_that_cannot_be_loaded_rejects_the_deposit(supplier, django_capture_on_commit_callbacks):
    data = pdf_with_broken_page()
    with pytest.raises(ExtractionError) as refused:
        extract(data, "f.pdf")
    assert refused.value.code == "corrupt_pdf"
    made = deposit(
        supplier, "f.pdf", data, fmt=DepositFormat.PDF, callbacks=django_capture_on_commit_callbacks
    )
    assert made.status == FluxStatus.REJECTED
    assert made.error.startswith("La page 1 de ce PDF est endommagée")


def test_a_damaged_attachment_is_skipped_like_a_missing_one():
    # An embedded file whose /EF points at nothing: pypdf fails on it with a non-pypdf error.
    data = pdf_with_broken_page().replace(
        b"/Pages 2 0 R >>",
        b"/Pages 2 0 R /Names << /EmbeddedFiles << /Names [(factur-x.xml) << /Type /Filespec "
        b"/F (factur-x.xml) /EF << /F 9 0 R >> >>] >> >> >>",
    )
    assert facturx_pdf.embedded_xmls(data) == []


# --- Upload sniffing and the issuer's check ----------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-8-sig"])
def test_an_xml_with_a_byte_order_mark_is_accepted_and_read(
    supplier, structured_invoice, encoding, django_capture_on_commit_callbacks
):
    text = structured_invoice(as_xml=True).decode()
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    made = deposit(supplier, "f.xml", data, callbacks=django_capture_on_commit_callbacks)
    assert made.status == FluxStatus.INTEGRATED
    assert made.items.get().format == "cii"


@pytest.mark.parametrize(
    ("data", "accepted"),
    [
        (b"\n\n\n\n  <Invoice/>", True),
        ("\ufeff\r\n<Invoice/>".encode(), True),
        ("<Invoice/>".encode("utf-32"), True),
        (b"Invoice", False),
        ("Invoice".encode("utf-16"), False),
    ],
)
def test_upload_sniffing_skips_byte_order_marks_and_blank_lines(data, accepted):
    problem = services.upload_problem(
        kind=DepositKind.UNIT, declared_format=DepositFormat.STRUCTURED, name="f.xml", data=data
    )
    assert (problem is None) == accepted


def test_a_structured_invoice_without_seller_identifier_is_refused_in_a_lot(
    supplier, structured_invoice, django_capture_on_commit_callbacks
):
    root = etree.fromstring(structured_invoice(as_xml=True))
    [seller] = root.xpath("//ram:SellerTradeParty", namespaces=CII)
    for node in seller.xpath("ram:ID | ram:GlobalID | ram:SpecifiedLegalOrganization", namespaces=CII):
        seller.remove(node)
    for node in seller.xpath("ram:SpecifiedTaxRegistration/ram:ID", namespaces=CII):
        node.text = "DE123456789"  # keeps the seller identified for EN 16931 (BR-CO-26), not as French
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    made = deposit(
        supplier,
        "lot.zip",
        zip_of({"f.xml": data}),
        kind=DepositKind.LOT,
        callbacks=django_capture_on_commit_callbacks,
    )
    item = made.items.get()
    assert (made.status, item.outcome) == (FluxStatus.REJECTED, ItemOutcome.REJECTED)
    assert item.message == (
        "Le fichier ne donne pas l'identifiant (SIRET, SIREN ou TVA) de son émetteur : "
        f"rien ne montre qu'il est émis par votre structure ({supplier.identifier})."
    )


# --- Unforeseen errors, the attempts' cap ------------------------------------------------------------


@pytest.fixture
def operators(settings):
    settings.ADMINS = [("Exploitation", "exploitation@chorus.example.org")]


def test_an_unforeseen_error_is_retried_then_given_up_with_the_operators_alerted(
    client,
    supplier,
    structured_invoice,
    monkeypatch,
    operators,
    mailoutbox,
    caplog,
    django_capture_on_commit_callbacks,
):
    def broken(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(services, "prefill", broken)
    with caplog.at_level(logging.ERROR):
        made = deposit(
            supplier, "f.xml", structured_invoice(as_xml=True), callbacks=django_capture_on_commit_callbacks
        )
    assert (made.status, made.attempts) == (FluxStatus.TECHNICAL_ERROR, workflow.MAX_ATTEMPTS)
    assert history(made) == [
        FluxStatus.RECEIVED,
        FluxStatus.PROCESSING,
        FluxStatus.WAITING_RETRY,
        FluxStatus.PROCESSING,
        FluxStatus.WAITING_RETRY,
        FluxStatus.PROCESSING,
        FluxStatus.TECHNICAL_ERROR,
    ]
    assert made.error.startswith("Erreur technique : ce dépôt n'a pas pu être traité après 3 tentatives.")
    assert made.finished_at is not None
    item = made.items.get()
    assert (item.outcome, item.message) == (ItemOutcome.REJECTED, made.error)
    assert sum(record.exc_info is not None for record in caplog.records) == 3  # each traceback logged
    assert any("given up" in record.getMessage() for record in caplog.records)
    [mail] = mailoutbox
    assert mail.to == ["exploitation@chorus.example.org"] and made.number in mail.subject
    client.force_login(supplier.gp)
    page = client.get(reverse("deposits:detail", args=[made.pk])).content.decode()
    assert "Erreur technique" in page and "après 3 tentatives" in page


def test_a_lot_item_failing_unexpectedly_retries_its_deposit_within_the_cap(
    supplier, structured_invoice, monkeypatch, operators, mailoutbox, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(services, "prefill", broken)
    lot = zip_of({"a.xml": structured_invoice(as_xml=True)})
    made = deposit(
        supplier, "lot.zip", lot, kind=DepositKind.LOT, callbacks=django_capture_on_commit_callbacks
    )
    assert (made.status, made.attempts) == (FluxStatus.TECHNICAL_ERROR, workflow.MAX_ATTEMPTS)
    assert made.items.get().outcome == ItemOutcome.REJECTED
    assert len(mailoutbox) == 1


def test_requeue_stops_at_the_cap(
    supplier, structured_invoice, operators, mailoutbox, time_machine, django_capture_on_commit_callbacks
):
    made = deposit(supplier, "f.xml", structured_invoice(as_xml=True))  # its task is never taken
    for attempts in range(1, workflow.MAX_ATTEMPTS + 1):
        time_machine.move_to(timezone.now() + datetime.timedelta(minutes=11))
        with django_capture_on_commit_callbacks() as queued:  # queued, never run: the worker is lost
            assert services.requeue_stuck_deposits() == 1
        made.refresh_from_db()
        assert made.attempts == attempts
        expected = (
            FluxStatus.TECHNICAL_ERROR if attempts == workflow.MAX_ATTEMPTS else FluxStatus.WAITING_RETRY
        )
        assert made.status == expected
    for callback in queued:
        callback()  # the alert, after commit
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=11))
    assert services.requeue_stuck_deposits() == 0
    assert history(made).count(FluxStatus.WAITING_RETRY) == workflow.MAX_ATTEMPTS - 1
    assert len(mailoutbox) == 1


def test_a_deposit_stuck_in_processing_is_given_up_at_the_cap(supplier, structured_invoice, time_machine):
    made = deposit(supplier, "f.xml", structured_invoice(as_xml=True))
    for _attempt in range(workflow.MAX_ATTEMPTS):
        services._start(made.pk)  # a worker takes it and dies
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=11))
    services.requeue_stuck_deposits()
    made.refresh_from_db()
    assert (made.status, made.attempts) == (FluxStatus.TECHNICAL_ERROR, workflow.MAX_ATTEMPTS)


# --- The invoice-number race ----------------------------------------------------------------------


@pytest.fixture
def number_race(monkeypatch):
    """The number check passes, as when another worker takes the number right after it: only the
    database's unique constraint sees the clash."""
    from invoices.services import drafts, sending

    monkeypatch.setattr(drafts, "_number_taken", lambda *args, **kwargs: False)
    monkeypatch.setattr(sending, "_number_taken", lambda *args, **kwargs: False)


def test_the_number_race_in_a_lot_ends_as_number_already_used(
    supplier, structured_invoice, django_capture_on_commit_callbacks, number_race
):
    data = structured_invoice("RACE-1", as_xml=True)
    first = deposit(supplier, "a.xml", data, callbacks=django_capture_on_commit_callbacks)
    assert first.items.get().invoice.number == "RACE-1"
    made = deposit(
        supplier,
        "lot.zip",
        zip_of({"b.xml": data}),
        kind=DepositKind.LOT,
        callbacks=django_capture_on_commit_callbacks,
    )
    item = made.items.get()
    assert (made.status, item.outcome) == (FluxStatus.REJECTED, ItemOutcome.REJECTED)
    assert item.message == "Le numéro RACE-1 est déjà utilisé par une autre facture de votre structure."


def test_the_number_race_for_one_file_leaves_a_draft_without_number(
    supplier, structured_invoice, django_capture_on_commit_callbacks, number_race
):
    data = structured_invoice("RACE-2", as_xml=True)
    deposit(supplier, "a.xml", data, callbacks=django_capture_on_commit_callbacks)
    made = deposit(supplier, "b.xml", data, callbacks=django_capture_on_commit_callbacks)
    item = made.items.get()
    assert (made.status, item.outcome) == (FluxStatus.INTEGRATED, ItemOutcome.DRAFT)
    assert item.invoice.number != "RACE-2" and "number" not in item.recognised
    assert "Le numéro RACE-2 est déjà utilisé" in item.message
