import io
import tarfile
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from deposits import services
from deposits.enums import DepositFormat, DepositKind
from tests.conftest import require_or_skip, shared_folder

CORPUS = shared_folder("corpus", "xml-rechnung")


@pytest.fixture
def corpus():
    require_or_skip(CORPUS.is_dir(), f"needs the sample invoices of ../shared/corpus ({CORPUS})")
    return CORPUS


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def zip_of(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def tar_gz_of(members: dict[str, bytes], links=()) -> bytes:
    """A .tar.gz of those members, and of symbolic links (name, target)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        for name, target in links:
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            archive.addfile(info)
    return buffer.getvalue()


def deposit(supplier, name, data, *, kind=DepositKind.UNIT, fmt=DepositFormat.MIXED, callbacks=None):
    """A deposit made through the real service (its tasks run when `callbacks` is given)."""

    def create():
        return services.create_deposit(
            actor=supplier.gp,
            structure=supplier,
            kind=kind,
            declared_format=fmt,
            cadre="A1_FACTURE_FOURNISSEUR",
            validator=None,
            upload=upload(name, data),
        )

    if callbacks is None:
        return create()
    with callbacks(execute=True):
        made = create()
    made.refresh_from_db()
    return made
