"""PDF invoices: refusing the unreadable ones and recognising the
fields of a plain PDF from its text layer (domain §4.4).

Only the first, penultimate and last pages are read, as Chorus Pro does. pypdfium2 gives the
text runs with their boxes (~2 ms a page), grouped here into lines; einvoice.recognition reads
the fields from them (and from the lines OCR gives a scan, einvoice.recognition.ocr).
"""

import functools
import io
import unicodedata
import warnings
import zlib
from dataclasses import dataclass, field

import pypdfium2 as pdfium

from einvoice import recognition
from einvoice.result import ExtractionError

# Inflated sizes are measured before a stream is decoded: a page whose content stream inflates to
# gigabytes would otherwise exhaust the worker (facturx_pdf does the same for an embedded XML).
MAX_PAGE_CONTENT_SIZE = 20 * 1024 * 1024
_FLATE = ("/FlateDecode", "/Fl")


# --- Opening -----------------------------------------------------------------------------------


def open_pdf(data: bytes) -> pdfium.PdfDocument:
    if b"%%EOF" not in data[-2048:]:
        raise ExtractionError(
            "corrupt_pdf",
            "Ce PDF est tronqué ou endommagé (sa fin manque) : exportez-le de nouveau et déposez-le.",
        )
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if "password" in str(error).lower():
            raise ExtractionError(
                "encrypted_pdf",
                "Ce PDF est protégé par un mot de passe : déposez une version sans mot de passe.",
            ) from error
        raise ExtractionError("corrupt_pdf", "Ce PDF est endommagé et ne peut pas être lu.") from error


# What pypdf raises on a malformed file besides its own errors: a broken stream, a missing key, a
# filter it does not implement, a null object where a dictionary is expected.
_PYPDF_ERRORS = (ValueError, KeyError, TypeError, AttributeError, OSError, NotImplementedError, zlib.error)


def _inflated_size(stream, limit: int) -> int:
    """The size of a stream once decoded, counted up to `limit` + 1 without decoding more. Only
    Flate inflates without bound; a stream without it (or with it after another filter) counts
    its raw size."""
    filters = stream.get("/Filter")
    filters = list(filters) if isinstance(filters, list) else [filters]
    raw = stream._data  # the encoded bytes; get_data() would decode them whole
    if filters[0] not in _FLATE:
        return len(raw)
    return len(zlib.decompressobj().decompress(raw, limit + 1))


def check_page_contents(data: bytes) -> None:
    """Refuses a PDF whose pages read (their content streams and the forms they draw) inflate past
    the budget, before pdfium decodes them. A file pypdf cannot read is left to pdfium."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                return  # pdfium decrypts it; its streams cannot be measured here
            for index in pages_to_read(len(reader.pages)):
                if _page_content_size(reader.pages[index]) > MAX_PAGE_CONTENT_SIZE:
                    raise ExtractionError(
                        "page_too_large",
                        "La page %(page)d de ce PDF dépasse %(size)d Mo une fois "
                        "décompressée : le fichier est anormal et refusé.",
                        {"page": index + 1, "size": MAX_PAGE_CONTENT_SIZE >> 20},
                    )
        except (PyPdfError, *_PYPDF_ERRORS):
            return


def _page_content_size(page) -> int:
    contents = page.get("/Contents")
    contents = contents.get_object() if contents is not None else None
    streams = list(contents) if isinstance(contents, list) else [contents] if contents is not None else []
    resources = page.get("/Resources")
    xobjects = resources.get_object().get("/XObject") if resources is not None else None
    if xobjects is not None:
        streams.extend(xobject for xobject in xobjects.get_object().values())
    total = 0
    for stream in streams:
        stream = stream.get_object()
        if stream.get("/Subtype", "/Form") != "/Form":
            continue  # images are not decoded to read text
        total += _inflated_size(stream, MAX_PAGE_CONTENT_SIZE - total)
        if total > MAX_PAGE_CONTENT_SIZE:
            break
    return total


# --- Text layer --------------------------------------------------------------------------------


@dataclass
class Segment:
    text: str
    left: float
    right: float
    top: float
    norm: str = ""
    label: bool | None = None  # whether it starts with a label, found once (recognition)


@dataclass
class Line:
    page: int
    top: float
    segments: list = field(default_factory=list)
    text: str = ""
    norm: str = ""
    index: int = 0  # its rank among the lines read, so that the lines after it are reached at once


@functools.cache
def _plain(char: str) -> str:
    base = unicodedata.normalize("NFKD", char)[:1] or char
    if base in "\u2019\u2018\u02bc`":
        return "'"
    if base.isspace():
        return " "
    return base.lower() if len(base.lower()) == 1 else base


def _normalise(text: str) -> str:
    """Lower case, no accents, plain spaces and quotes — the same length as `text`, so that a match
    in the normalised text points at the original one. Each character is worked out once."""
    return "".join(map(_plain, text))


def pages_to_read(count: int) -> list[int]:
    return sorted({0, max(count - 2, 0), count - 1}) if count else []


def group_lines(page: int, segments: list[Segment]) -> list[Line]:
    """Runs of one page grouped into lines, top to bottom, each line left to right."""
    page_lines: list[Line] = []
    for segment in sorted(segments, key=lambda s: (-s.top, s.left)):
        if page_lines and abs(page_lines[-1].top - segment.top) <= 2.5:
            page_lines[-1].segments.append(segment)
        else:
            page_lines.append(Line(page, segment.top, [segment]))
    for line in page_lines:
        line.segments.sort(key=lambda s: s.left)
        for segment in line.segments:
            segment.norm = _normalise(segment.text)
        line.text = " ".join(segment.text for segment in line.segments)
        line.norm = " ".join(segment.norm for segment in line.segments)
    return page_lines


def read_lines(document: pdfium.PdfDocument) -> tuple[list[Line], int]:
    """The text runs of the pages read, grouped into lines top to bottom; and how many of those
    pages have text at all."""
    lines, with_text = [], 0
    for index in pages_to_read(len(document)):
        try:
            segments = _page_segments(document, index)
        except pdfium.PdfiumError as error:
            raise ExtractionError(
                "corrupt_pdf",
                "La page %(page)d de ce PDF est endommagée et ne peut pas être lue : "
                "exportez-le de nouveau et déposez-le.",
                {"page": index + 1},
            ) from error
        if sum(len(segment.text) for segment in segments) >= 20:
            with_text += 1
        lines.extend(group_lines(index, segments))
    for position, line in enumerate(lines):
        line.index = position
    return lines, with_text


def _page_segments(document: pdfium.PdfDocument, index: int) -> list[Segment]:
    page = document[index]
    try:
        textpage = page.get_textpage()
        try:
            segments = []
            for number in range(textpage.count_rects()):
                left, bottom, right, top = textpage.get_rect(number)
                text = " ".join(textpage.get_text_bounded(left, bottom, right, top).split())
                if text:
                    segments.append(Segment(text, left, right, top))
            return segments
        finally:
            textpage.close()
    finally:
        page.close()


def recognise(lines: list[Line], *, ocr: bool = False) -> recognition.Recognition:
    return recognition.recognise(lines, ocr=ocr)
