"""Every file goes through Django's storage API, on disk and in an S3-compatible bucket alike (a
moto server here): attachments, deposits read by the worker, lots, generated originals; an
original is never rewritten and its SHA-256 is that of the stored bytes."""

import hashlib
import importlib.util
import socket
import uuid

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from deposits import services as deposit_services
from deposits.enums import DepositFormat, DepositKind, FluxStatus, ItemOutcome
from invoices import services as invoice_services
from invoices.enums import AttachmentKind, InvoiceStatus
from invoices.models import Invoice, InvoiceAttachment
from tests.conftest import require_or_skip
from tests.deposits.conftest import zip_of

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF"
S3_CREDENTIALS = {"access_key": "testing", "secret_key": "testing", "region_name": "us-east-1"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint():
    """A local S3 server (moto's server mode, a pip dependency: never skipped under CI=true)."""
    require_or_skip(importlib.util.find_spec("moto") is not None, "needs moto[server] (pip)")
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def _s3_client(endpoint: str):
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=S3_CREDENTIALS["access_key"],
        aws_secret_access_key=S3_CREDENTIALS["secret_key"],
        region_name=S3_CREDENTIALS["region_name"],
    )


class Stored:
    """What the backend under test holds, read without Django (the bucket, or the media folder)."""

    def __init__(self, kind, *, root=None, client=None, bucket=None):
        self.kind, self.root, self.client, self.bucket = kind, root, client, bucket

    def names(self) -> set[str]:
        if self.kind == "disk":
            return {str(p.relative_to(self.root)) for p in self.root.rglob("*") if p.is_file()}
        listing = self.client.list_objects_v2(Bucket=self.bucket)
        return {item["Key"] for item in listing.get("Contents", [])}

    def read(self, name: str) -> bytes:
        if self.kind == "disk":
            return (self.root / name).read_bytes()
        return self.client.get_object(Bucket=self.bucket, Key=name)["Body"].read()


@pytest.fixture(params=["disk", "s3"])
def stored(request, settings, tmp_path):
    """Switches the default storage to a fresh media folder, or to a fresh bucket on the S3 server,
    with the options base.py gives S3Storage when DJANGO_STORAGE_BUCKET is set."""
    if request.param == "disk":
        settings.MEDIA_ROOT = tmp_path
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        }
        return Stored("disk", root=tmp_path)
    endpoint = request.getfixturevalue("s3_endpoint")
    bucket = f"choruspro-{uuid.uuid4().hex[:12]}"
    client = _s3_client(endpoint)
    client.create_bucket(Bucket=bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": endpoint,
                **S3_CREDENTIALS,
                "file_overwrite": False,
                "default_acl": "private",
                "querystring_auth": True,
            },
        },
    }
    return Stored("s3", client=client, bucket=bucket)


def test_backend_is_the_one_configured(stored):
    """Model files use the default storage, whichever backend the settings name."""
    expected = "S3Storage" if stored.kind == "s3" else "FileSystemStorage"
    assert type(storages["default"]).__name__ == expected
    assert InvoiceAttachment._meta.get_field("file").storage is default_storage


def test_a_second_file_under_the_same_name_gets_another_name(stored):
    """Storing again under a taken name never overwrites: the storage gives another name."""
    first = default_storage.save("invoices/1/1/Facture_F-1.pdf", ContentFile(b"first"))
    second = default_storage.save("invoices/1/1/Facture_F-1.pdf", ContentFile(b"second"))
    assert first == "invoices/1/1/Facture_F-1.pdf"
    assert second != first
    assert stored.read(first) == b"first"
    assert stored.read(second) == b"second"


def test_attachment_uploaded_through_the_service(stored, supplier, make_invoice, client):
    """An attachment is stored by the real service, its SHA-256 is that of the stored bytes, and the
    download view reads it back through the storage."""
    draft = make_invoice(send=False)
    lines = [
        {field: getattr(line, field) for field in ("designation", "quantity", "unit_price", "vat_rate")}
        for line in draft.lines.all()
    ]
    invoice_services.save_draft(
        actor=supplier.gp,
        structure=supplier,
        data={},
        lines=lines,
        invoice_id=draft.pk,
        files=[SimpleUploadedFile("bon-de-livraison.pdf", PDF, content_type="application/pdf")],
    )
    attachment = draft.attachments.get(kind=AttachmentKind.COMPLEMENTARY)
    assert attachment.file.name in stored.names()
    assert hashlib.sha256(stored.read(attachment.file.name)).hexdigest() == attachment.sha256
    client.force_login(supplier.gp)
    response = client.get(
        reverse("invoices:supplier_download", args=[draft.pk, attachment.pk]),
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.documents  # the generated original and its event
def test_generated_original_is_stored_once_and_downloaded(stored, supplier, make_invoice, client):
    """Sending generates the original in the storage; asking again returns the same file."""
    invoice = make_invoice()
    original = invoice.attachments.get(kind=AttachmentKind.PRINCIPAL)
    data = stored.read(original.file.name)
    assert data.startswith(b"%PDF")
    assert hashlib.sha256(data).hexdigest() == original.sha256
    names = stored.names()
    assert invoice_services.ensure_original(invoice_id=invoice.pk) == original
    assert stored.names() == names
    client.force_login(supplier.gp)
    response = client.get(reverse("invoices:supplier_original", args=[invoice.pk]))
    with original.file.open("rb") as handle:
        assert b"".join(response.streaming_content) == handle.read() == data


@pytest.mark.documents  # the generated original and its event
def test_missing_stored_file_is_a_404(stored, supplier, make_invoice, client):
    invoice = make_invoice()
    original = invoice.attachments.get(kind=AttachmentKind.PRINCIPAL)
    default_storage.delete(original.file.name)
    client.force_login(supplier.gp)
    assert client.get(reverse("invoices:supplier_original", args=[invoice.pk])).status_code == 404


def _deposit(supplier, name, data, kind, callbacks):
    with callbacks(execute=True):
        made = deposit_services.create_deposit(
            actor=supplier.gp,
            structure=supplier,
            kind=kind,
            declared_format=DepositFormat.MIXED,
            cadre="A1_FACTURE_FOURNISSEUR",
            validator=None,
            upload=SimpleUploadedFile(name, data),
        )
    made.refresh_from_db()
    return made


def test_deposit_is_read_by_the_worker_from_the_storage(
    stored, supplier, structured_invoice, django_capture_on_commit_callbacks, client
):
    """The deposited file is stored, the (eager) worker reads it back from the storage, and the
    draft's original is those very bytes."""
    data = structured_invoice("FX-S3")
    made = _deposit(supplier, "FX-S3.pdf", data, DepositKind.UNIT, django_capture_on_commit_callbacks)
    assert made.status == FluxStatus.INTEGRATED
    assert stored.read(made.file.name) == data
    draft = made.items.get().invoice
    original = draft.attachments.get(kind=AttachmentKind.PRINCIPAL)
    assert stored.read(original.file.name) == data
    assert original.sha256 == hashlib.sha256(data).hexdigest()
    client.force_login(supplier.gp)
    response = client.get(reverse("deposits:download", args=[made.pk]))
    assert b"".join(response.streaming_content) == data


def test_lot_files_are_stored_and_each_read_by_its_task(
    stored, supplier, structured_invoice, django_capture_on_commit_callbacks
):
    members = {
        "FX-L1.xml": structured_invoice("FX-L1", as_xml=True),
        "FX-L2.pdf": structured_invoice("FX-L2"),
    }
    made = _deposit(supplier, "lot.zip", zip_of(members), DepositKind.LOT, django_capture_on_commit_callbacks)
    assert made.status == FluxStatus.INTEGRATED
    items = list(made.items.order_by("position"))
    assert [item.outcome for item in items] == [ItemOutcome.SENT, ItemOutcome.SENT]
    for item in items:
        assert stored.read(item.file.name) == members[item.file_name]
        assert item.sha256 == hashlib.sha256(members[item.file_name]).hexdigest()
    # structured_invoice's own drafts were deleted; the lot's invoices are the others.
    sent = Invoice.objects.filter(supplier=supplier, number__in=["FX-L1", "FX-L2"]).exclude(
        status=InvoiceStatus.DELETED
    )
    assert sent.count() == 2
    assert {invoice.status for invoice in sent} == {InvoiceStatus.MADE_AVAILABLE}
    for original in InvoiceAttachment.objects.filter(invoice__in=sent, kind=AttachmentKind.PRINCIPAL):
        assert hashlib.sha256(stored.read(original.file.name)).hexdigest() == original.sha256
