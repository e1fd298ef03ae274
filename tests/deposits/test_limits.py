"""One file must not exhaust a worker: what a file declares or inflates to is bounded before it is
paid for, and the user is told which limit the file is over. The files are built here, small, and
declare or inflate to sizes over the limits."""

import gzip
import io
import logging
import tarfile
import uuid
import zlib

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.uploadedfile import SimpleUploadedFile
from lxml import etree
from pypdf import PdfWriter
from pypdf.generic import NameObject, StreamObject

from choruspro.settings import base
from deposits import archives, services, tasks
from deposits.archives import LotError, read_lot
from deposits.enums import FluxStatus
from deposits.models import Deposit
from einvoice import facturx_pdf, pdf, structured
from einvoice.extraction import ExtractionError, extract
from tests.deposits.conftest import tar_gz_of
from tests.deposits.test_failures import deposit
from tests.invoices.test_views_supplier import PDF
from tests.test_rate_limits import REFUSED

XML = b"<?xml version='1.0'?><rsm:CrossIndustryInvoice xmlns:rsm='urn:x'/>"
DEPOSIT = {"kind": "UNITAIRE", "format": "PDF_NON_SIGNE", "cadre": "A1_FACTURE_FOURNISSEUR"}


def flate_bomb(size: int) -> bytes:
    """`size` spaces deflated, built a megabyte at a time (a few KB whatever the size)."""
    deflater, chunk = zlib.compressobj(9), b" " * (1 << 20)
    parts = [deflater.compress(chunk) for _ in range(size >> 20)]
    return b"".join(parts) + deflater.flush()


# --- Tar headers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [tarfile.GNUTYPE_LONGNAME, tarfile.GNUTYPE_LONGLINK, tarfile.XHDTYPE])
def test_a_tar_header_declaring_a_huge_extension_refuses_the_lot_unread(kind):
    header = tarfile.TarInfo("././@LongLink")
    header.type, header.size = kind, 1 << 30  # 1 GB announced, 512 bytes present
    lot = gzip.compress(header.tobuf(tarfile.USTAR_FORMAT) + b"\0" * 1024)
    with pytest.raises(LotError) as refused:
        read_lot(lot)
    assert refused.value.code == "tar_header_too_large"
    assert refused.value.message == (
        "L'archive contient un en-tête de 1073741824 octets (au plus 4096) : elle est anormale et refusée."
    )


@pytest.mark.parametrize("tar_format", [tarfile.GNU_FORMAT, tarfile.PAX_FORMAT])
def test_a_long_member_name_within_the_header_budget_is_read(tar_format):
    name = "dossier-" * 30 + "facture.xml"  # 251 characters: a long-name or PAX header
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", format=tar_format) as archive:
        info = tarfile.TarInfo(name)
        info.size = len(XML)
        archive.addfile(info, io.BytesIO(XML))
    [member] = read_lot(buffer.getvalue())
    assert (member.name, member.data) == (name, XML)


def test_a_tar_member_is_read_no_further_than_the_member_budget(monkeypatch):
    monkeypatch.setattr(archives, "MAX_MEMBER_SIZE", 1000)
    [member] = read_lot(tar_gz_of({"gros.xml": b" " * 5000}))
    assert (member.data, member.problem) == (None, "Le fichier dépasse 10 Mo une fois décompressé.")


# --- Structured invoices ------------------------------------------------------------------------


def cii_with_lines(count: int):
    rsm, ram = structured.CII["rsm"], structured.CII["ram"]
    lines = "".join("<ram:IncludedSupplyChainTradeLineItem/>" for _ in range(count))
    text = (
        f"<rsm:CrossIndustryInvoice xmlns:rsm='{rsm}' xmlns:ram='{ram}'>"
        f"<rsm:SupplyChainTradeTransaction>{lines}</rsm:SupplyChainTradeTransaction>"
        "</rsm:CrossIndustryInvoice>"
    )
    return etree.fromstring(text.encode())


def test_an_invoice_over_the_line_cap_is_refused_before_validation():
    with pytest.raises(ExtractionError) as refused:
        structured.read(cii_with_lines(structured.MAX_LINES + 1), "cii")
    assert refused.value.code == "too_many_lines"
    assert refused.value.message == (
        "Cette facture compte 1001 lignes : le portail en accepte 1000 au plus. "
        "Scindez-la en plusieurs factures."
    )


def test_an_invoice_at_the_line_cap_is_read():
    _fields, lines, _breakdown = structured.read(cii_with_lines(structured.MAX_LINES), "cii")
    assert len(lines) == structured.MAX_LINES


# --- PDF streams ----------------------------------------------------------------------------------


def pdf_bytes(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_a_factur_x_whose_xml_inflates_past_the_budget_is_refused_uninflated():
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    attachment = writer.add_attachment("factur-x.xml", b"<x/>")
    stream = attachment._embedded_file
    stream._data = flate_bomb(facturx_pdf.MAX_EMBEDDED_XML_SIZE + (1 << 20))
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    data = pdf_bytes(writer)
    assert len(data) < 100_000
    with pytest.raises(ExtractionError) as refused:
        facturx_pdf.embedded_xmls(data)
    assert refused.value.code == "embedded_xml_too_large"
    assert refused.value.message == (
        "Les données XML de ce Factur-X dépassent 20 Mo une fois décompressées : le fichier est refusé."
    )


def page_with_content(content: bytes) -> bytes:
    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    stream = StreamObject()
    stream._data = content
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    page[NameObject("/Contents")] = writer._add_object(stream)
    return pdf_bytes(writer)


def test_a_page_whose_content_inflates_past_the_budget_is_refused_before_pdfium_reads_it():
    data = page_with_content(flate_bomb(pdf.MAX_PAGE_CONTENT_SIZE + (1 << 20)))
    assert len(data) < 100_000
    with pytest.raises(ExtractionError) as refused:
        extract(data, "facture.pdf")
    assert refused.value.code == "page_too_large"
    assert refused.value.message == (
        "La page 1 de ce PDF dépasse 20 Mo une fois décompressée : le fichier est anormal et refusé."
    )


def test_a_page_within_the_budget_is_read():
    text = b"BT /F1 12 Tf 72 720 Td (Facture) Tj ET"
    result = extract(page_with_content(zlib.compress(text)), "facture.pdf")
    assert result.format == "pdf"


# --- Uploads and deposits per hour ------------------------------------------------------------------


@pytest.mark.django_db
def test_an_upload_over_the_lot_size_is_dropped_while_received(client, supplier, monkeypatch):
    monkeypatch.setattr(archives, "MAX_LOT_SIZE", 1 << 20)  # the handler reads by 64 KB chunks
    client.force_login(supplier.gp)
    data = {**DEPOSIT, "file": SimpleUploadedFile("gros.pdf", PDF + b" " * (1 << 20))}
    response = client.post("/factures-emises/depot/", data)
    assert response.status_code == 422
    assert "Le fichier dépasse la taille admise (1 Mo)." in response.content.decode()
    assert not Deposit.objects.exists()


@pytest.mark.django_db
def test_the_deposit_form_still_checks_its_csrf_token(supplier):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(supplier.gp)
    response = client.post("/factures-emises/depot/", {**DEPOSIT, "file": SimpleUploadedFile("f.pdf", PDF)})
    assert response.status_code == 403
    assert not Deposit.objects.exists()


@pytest.mark.django_db
def test_deposits_per_user_per_hour_are_limited(client, supplier, settings):
    settings.ACCOUNT_RATE_LIMITS = {**base.ACCOUNT_RATE_LIMITS, "deposit": "2/h/user"}
    default = settings.CACHES["default"]
    settings.CACHES = {"default": {**default, "KEY_PREFIX": f"deposits-{uuid.uuid4().hex}"}}
    client.force_login(supplier.gp)
    responses = [
        client.post("/factures-emises/depot/", {**DEPOSIT, "file": SimpleUploadedFile(f"{n}.pdf", PDF)})
        for n in range(3)
    ]
    assert [response.status_code for response in responses] == [302, 302, 429]
    assert REFUSED in responses[2].content.decode()
    assert Deposit.objects.count() == 2


# --- Time limits ------------------------------------------------------------------------------------


def test_the_reading_tasks_run_under_soft_and_hard_time_limits():
    for task in (tasks.process_deposit_task, tasks.process_deposit_item_task):
        assert (task.soft_time_limit, task.time_limit) == (90, 105)
        # A file still being read is never handed to a second worker.
        assert task.time_limit < base.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert base.CELERY_WORKER_MAX_MEMORY_PER_CHILD == 1_000_000


@pytest.mark.django_db
def test_a_reading_over_its_time_ends_in_a_readable_final_state(
    supplier, structured_invoice, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def too_long(*args, **kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(services, "prefill", too_long)
    with caplog.at_level(logging.ERROR):
        made = deposit(
            supplier, "f.xml", structured_invoice(as_xml=True), callbacks=django_capture_on_commit_callbacks
        )
    assert made.status == FluxStatus.TECHNICAL_ERROR
    assert made.error.startswith("Erreur technique : ce dépôt n'a pas pu être traité après 3 tentatives.")
    assert [record.getMessage() for record in caplog.records if "time limit" in record.getMessage()] == [
        f"Deposit {made.pk}: reading time limit exceeded"
    ] * 3
