"""Attachment rules of domain §4.3, checked on the file's content and not only on its name.

Pure functions: the services call them before anything is stored.
"""

import hashlib
import os
import zipfile
from io import BytesIO

from django.utils.translation import gettext as _

MAX_NAME_LENGTH = 50
# A stored file's name, in UTF-8 bytes: under the file systems' 255, with room for Django's suffix.
MAX_NAME_BYTES = 200
MAX_FILE_SIZE = 10 * 1024 * 1024
MAX_INVOICE_TOTAL = 120 * 1024 * 1024

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy Office documents (doc, xls, ppt…)
_TIFF = (b"II*\x00", b"MM\x00*")
_JPEG = (b"\xff\xd8\xff",)
_GZIP = (b"\x1f\x8b",)
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")


def _starts(*prefixes):
    return lambda data: data.startswith(prefixes)


def _is_text(data: bytes) -> bool:
    """Plain text in UTF-8 or Latin-1 without control bytes (csv, txt, xml, html…)."""
    sample = data[:65536]
    if b"\x00" in sample:
        return False
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut by the sample boundary is still text.
        if error.start < len(sample) - 4:
            try:
                sample.decode("latin-1")
            except UnicodeDecodeError:
                return False
    return all(byte >= 0x20 or byte in b"\t\n\r\x0c" for byte in sample)


def _is_markup(data: bytes) -> bool:
    return _is_text(data) and data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<"


def _is_zip_with(*members):
    """Office Open XML and OpenDocument files are zip archives with a known member."""

    def check(data: bytes) -> bool:
        if not data.startswith(_ZIP):
            return False
        try:
            names = set(zipfile.ZipFile(BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return False
        return not members or any(member in names for member in members)

    return check


def _is_der(data: bytes) -> bool:
    """A PKCS#7 signature (.p7s) is DER (a SEQUENCE) or PEM text."""
    return data[:1] == b"\x30" or data.lstrip().startswith(b"-----BEGIN")


_PDF = _starts(b"%PDF-")
_IMAGE_TIFF = _starts(*_TIFF)
_OPEN_XML = _is_zip_with("[Content_Types].xml")
_OPEN_DOCUMENT = _is_zip_with("mimetype")

# Allowed extensions (Chorus Pro's list, domain §4.3) → content check.
CONTENT_CHECKS = {
    "pdf": _PDF,
    "jpg": _starts(*_JPEG),
    "jpeg": _starts(*_JPEG),
    "png": _starts(b"\x89PNG\r\n\x1a\n"),
    "gif": _starts(b"GIF87a", b"GIF89a"),
    "bmp": _starts(b"BM"),
    "tif": _IMAGE_TIFF,
    "tiff": _IMAGE_TIFF,
    "fax": _IMAGE_TIFF,
    "svg": _is_markup,
    "xml": _is_markup,
    "xsd": _is_markup,
    "xsl": _is_markup,
    "htm": _is_markup,
    "html": _is_markup,
    "xhtml": _is_markup,
    "txt": _is_text,
    "csv": _is_text,
    "rtf": _starts(b"{\\rtf"),
    "doc": _starts(_OLE),
    "xls": _starts(_OLE),
    "ppt": _starts(_OLE),
    "pps": _starts(_OLE),
    "xlc": _starts(_OLE),
    "xlm": lambda data: data.startswith(_OLE) or _is_text(data),
    "docx": _OPEN_XML,
    "xlsx": _OPEN_XML,
    "pptx": _OPEN_XML,
    "odt": _OPEN_DOCUMENT,
    "ods": _OPEN_DOCUMENT,
    "odp": _OPEN_DOCUMENT,
    "zip": _is_zip_with(),
    "gz": _starts(*_GZIP),
    "gzip": _starts(*_GZIP),
    "tgz": _starts(*_GZIP),
    "bz2": _starts(b"BZh"),
    "p7s": _is_der,
}
ALLOWED_EXTENSIONS = frozenset(CONTENT_CHECKS)

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "bmp": "image/bmp",
    "tif": "image/tiff",
    "tiff": "image/tiff",
    "svg": "image/svg+xml",
    "xml": "application/xml",
    "txt": "text/plain",
    "csv": "text/csv",
    "zip": "application/zip",
}


def extension(name: str) -> str:
    return os.path.splitext(name)[1].lower().lstrip(".")


def content_type(name: str) -> str:
    # Everything is served as a download; the type only helps the user's software.
    return CONTENT_TYPES.get(extension(name), "application/octet-stream")


def clean_name(name: str, max_bytes: int = MAX_NAME_BYTES) -> str:
    """The file's base name (browsers may send a path, and nobody wants one in a file name),
    shortened to max_bytes of UTF-8 with its extension kept: the file system counts bytes."""
    name = os.path.basename(name.replace("\\", "/")).strip()
    if len(name.encode()) <= max_bytes:
        return name
    stem, ext = os.path.splitext(name)
    if len(ext.encode()) > max_bytes // 4:  # a long dotted tail is part of the name, not an extension
        stem, ext = name, ""
    kept = stem.encode()[: max_bytes - len(ext.encode())].decode(errors="ignore")
    return f"{kept}{ext}"


def attachment_problem(name: str, data: bytes) -> str | None:
    """Why this file cannot be attached (French, for the user), or None when it can."""
    ext = extension(name)
    if not ext or name.startswith("."):
        return _("Le nom du fichier doit comporter une extension (par exemple .pdf).")
    if len(name) > MAX_NAME_LENGTH:
        return _("Le nom du fichier dépasse 50 caractères, extension comprise ; renommez-le.")
    if ext not in ALLOWED_EXTENSIONS:
        return _("Les fichiers .%(ext)s ne sont pas acceptés en pièce jointe.") % {"ext": ext}
    if not data:
        return _("Le fichier est vide.")
    if len(data) > MAX_FILE_SIZE:
        return _("Le fichier dépasse 10 Mo.")
    if not CONTENT_CHECKS[ext](data):
        return _("Le contenu du fichier ne correspond pas à son extension .%(ext)s.") % {"ext": ext}
    return None


def read_uploads(files) -> tuple[list[tuple[str, bytes]], dict[str, str]]:
    """Reads uploaded files and applies the rules to each: the accepted (name, bytes) and the
    problem of each refused file, by name. Totals are the caller's (an invoice's, a sollicitation's)."""
    accepted, errors = [], {}
    for upload in files:
        name = clean_name(upload.name)
        # Not read at all when too large: the size is known before the bytes.
        data = b"" if upload.size > MAX_FILE_SIZE else upload.read()
        problem = (
            _("Le fichier dépasse 10 Mo.") if upload.size > MAX_FILE_SIZE else attachment_problem(name, data)
        )
        if problem:
            errors[name] = problem
        else:
            accepted.append((name, data))
    return accepted, errors


def stored_facts(name: str, data: bytes) -> dict:
    """What an attachment row records of the bytes it stores (invoices, sollicitations)."""
    return {
        "name": name,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "content_type": content_type(name),
    }
