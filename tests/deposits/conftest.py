import datetime
import io
import tarfile
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from invoices import documents
from invoices import services as invoice_services
from invoices.facturx import build_cii_xml

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


@pytest.fixture
def corpus():
    return CORPUS


@pytest.fixture
def structured_invoice(supplier, recipient):
    """make(number=…, as_xml=False) → a Factur-X PDF (or its CII) issued by `supplier` to
    `recipient`, made by the portal's own generator from a draft that is then deleted."""
    counter = iter(range(1, 10_000))

    def make(number=None, *, as_xml=False, lines=None, **data):
        number = number or f"FX-{next(counter):04d}"
        values = {
            "recipient_id": recipient.pk,
            "number": number,
            "invoice_date": datetime.date(2026, 11, 2),
            "payment_mode": "CHEQUE",
            "numero_engagement": "EJ-77",
            **data,
        }
        lines = lines or [
            {"designation": "Fenêtre PVC", "quantity": "2", "unit_price": "450", "vat_rate": "20"},
            {
                "designation": "Pose",
                "quantity": "3.5",
                "unit_price": "42.10",
                "discount": "5",
                "vat_rate": "10",
            },
        ]
        draft = invoice_services.save_draft(actor=supplier.gp, structure=supplier, data=values, lines=lines)
        content = build_cii_xml(draft) if as_xml else documents.build_facturx_pdf(draft)
        invoice_services.delete_draft(actor=supplier.gp, structure=supplier, invoice_id=draft.pk)
        return content

    return make


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def tar_gz_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()
