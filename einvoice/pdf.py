"""PDF invoices: refusing the unreadable ones and recognising the
fields of a plain PDF from its text layer (domain §4.4).

Only the first, penultimate and last pages are read, as Chorus Pro does. pypdfium2 gives the
text runs with their boxes (~2 ms a page); a value is looked for right of its label on the same
line, then below it in the same column. Identifiers are kept only when their checksum holds, and
totals are chosen so that HT + TVA = TTC when the page offers several candidates. A value that
is not on the page is never made up.
"""

import datetime
import io
import re
import unicodedata
import warnings
import zlib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import pypdfium2 as pdfium
from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret
from stdnum.fr import tva as stdnum_tva

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
                        f"La page {index + 1} de ce PDF dépasse {MAX_PAGE_CONTENT_SIZE >> 20} Mo une fois "
                        "décompressée : le fichier est anormal et refusé.",
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


@dataclass
class Line:
    page: int
    top: float
    segments: list = field(default_factory=list)
    text: str = ""
    norm: str = ""
    starts: list = field(default_factory=list)  # offset of each segment in `text`


def _normalise(text: str) -> str:
    """Lower case, no accents, plain spaces and quotes — the same length as `text`, so that a match
    in the normalised text points at the original one."""
    out = []
    for char in text:
        base = unicodedata.normalize("NFKD", char)[:1] or char
        if base in "\u2019\u2018\u02bc`":
            base = "'"
        elif base.isspace():
            base = " "
        out.append(base.lower() if len(base.lower()) == 1 else base)
    return "".join(out)


def pages_to_read(count: int) -> list[int]:
    return sorted({0, max(count - 2, 0), count - 1}) if count else []


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
                f"La page {index + 1} de ce PDF est endommagée et ne peut pas être lue : "
                "exportez-le de nouveau et déposez-le.",
            ) from error
        if sum(len(segment.text) for segment in segments) >= 20:
            with_text += 1
        page_lines: list[Line] = []
        for segment in sorted(segments, key=lambda s: (-s.top, s.left)):
            if page_lines and abs(page_lines[-1].top - segment.top) <= 2.5:
                page_lines[-1].segments.append(segment)
            else:
                page_lines.append(Line(index, segment.top, [segment]))
        for line in page_lines:
            line.segments.sort(key=lambda s: s.left)
            parts, offset = [], 0
            for segment in line.segments:
                line.starts.append(offset)
                parts.append(segment.text)
                offset += len(segment.text) + 1
            line.text = " ".join(parts)
            line.norm = _normalise(line.text)
        lines.extend(page_lines)
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


# --- Values ------------------------------------------------------------------------------------

_AMOUNT = re.compile(
    r"(?<![\w.,])(-?\s?(?:\d{1,3}(?:[ \u00a0\u202f.]\d{3})+|\d+)(?:[.,]\d{1,2})?)(?![\d%]|\s?%|[.,]\d)"
)
_MONTHS = {
    "janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
    "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
}  # fmt: skip
_NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?!\d)")
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_WORD_DATE = re.compile(r"(?<!\d)(\d{1,2})(?:er)?\s+(" + "|".join(_MONTHS) + r")\s+(\d{4})")
_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-_/.+]*")
_SIRET = re.compile(r"(?<!\d)(\d{3}[ \u00a0]?\d{3}[ \u00a0]?\d{3}[ \u00a0]?\d{5})(?!\d)")
_SIREN = re.compile(r"(?<!\d)(\d{3}[ \u00a0]?\d{3}[ \u00a0]?\d{3})(?![ \u00a0]?\d)")
_VAT = re.compile(r"\b(FR(?:[ \u00a0]?[0-9A-Z]){2}(?:[ \u00a0]?\d){9})\b", re.IGNORECASE)
_IBAN = re.compile(r"\b([A-Z]{2}\d{2}(?:[ \u00a0]?[A-Z0-9]){11,30})\b")
_BIC = re.compile(r"\b([A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?)\b")


def parse_amount(text: str) -> Decimal | None:
    """`1 245,30`, `1.245,30`, `1245.30`, `-12,00` → Decimal; None when it is not an amount."""
    text = re.sub(r"[ \u00a0\u202f]", "", text)
    if "," in text and "." in text:
        text = (
            text.replace(".", "").replace(",", ".")
            if text.rfind(",") > text.rfind(".")
            else text.replace(",", "")
        )
    elif "," in text:
        text = text.replace(",", ".")
    elif re.fullmatch(r"-?\d{1,3}(\.\d{3})+", text):
        text = text.replace(".", "")  # 1.245 is a thousand, not one point something
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _amounts(text: str) -> list[Decimal]:
    found = []
    for match in _AMOUNT.finditer(text):
        value = parse_amount(match.group(1))
        if value is not None:
            found.append(value)
    return found


def _dates(norm: str) -> list[datetime.date]:
    found = []
    for match in _ISO_DATE.finditer(norm):
        found.append((match.start(), (int(match[1]), int(match[2]), int(match[3]))))
    for match in _NUMERIC_DATE.finditer(norm):
        year = int(match[3]) + (2000 if len(match[3]) == 2 else 0)
        found.append((match.start(), (year, int(match[2]), int(match[1]))))
    for match in _WORD_DATE.finditer(norm):
        found.append((match.start(), (int(match[3]), _MONTHS[match[2]], int(match[1]))))
    dates = []
    for _position, (year, month, day) in sorted(found):
        try:
            dates.append(datetime.date(year, month, day))
        except ValueError:
            continue
    return dates


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _sirets(text: str) -> list[str]:
    return [_digits(m) for m in _SIRET.findall(text) if stdnum_siret.is_valid(_digits(m))]


def _sirens(text: str) -> list[str]:
    return [_digits(m) for m in _SIREN.findall(text) if stdnum_siren.is_valid(_digits(m))]


def _vat_numbers(text: str) -> list[str]:
    cleaned = [re.sub(r"[ \u00a0]", "", m).upper() for m in _VAT.findall(text)]
    return [number for number in cleaned if stdnum_tva.is_valid(number)]


def _ibans(text: str) -> list[str]:
    cleaned = [re.sub(r"[ \u00a0]", "", m) for m in _IBAN.findall(text.upper())]
    return [iban for iban in cleaned if stdnum_iban.is_valid(iban)]


def _bics(text: str) -> list[str]:
    return [code for code in _BIC.findall(text) if stdnum_bic.is_valid(code)]


def _invoice_numbers(text: str) -> list[str]:
    return [token.rstrip(".") for token in _NUMBER.findall(text) if any(char.isdigit() for char in token)]


# --- Labels --------------------------------------------------------------------------------------

LABELS = {
    "invoice_number": [
        r"(?:facture|avoir|invoice)\s*(?:n\s?[°o]|no\b\.?|num(?:ero)?\.?|#|number)\s*:?",
        r"n\s?[°o]\s*(?:de\s+)?(?:la\s+)?(?:facture|avoir)\s*:?",
        r"numero\s+(?:de\s+(?:la\s+)?)?(?:facture|avoir)\s*:?",
        r"(?:facture|avoir)\s*:",
    ],
    "issue_date": [
        r"date\s+(?:de\s+(?:la\s+)?)?(?:facture|facturation|emission|d'emission|avoir)\s*:?",
        r"(?:facture|avoir)\s+(?:n\s?[°o]\s*)?\S+\s+du\b",
        r"\bdate\s*:",
        r"\bemise?\s+le\b",
        r"\bdate\b",  # a column header, its value below
    ],
    "due_date": [
        r"date\s+(?:d'|de\s+l')?echeance\s*:?",
        r"\bechean\w*\s*:?",
        r"date\s+limite\s+de\s+(?:paiement|reglement)(?:\s+le)?\s*:?",
        r"(?:a\s+)?(?:payer|regler)\s+avant\s+le\s*:?",
        r"payable\s+le\s*:?",
    ],
    "recipient_identifier": [
        r"siret\s+(?:du\s+)?(?:client|dest\w*|acheteur)\s*:?",
        r"(?:client|destinataire|acheteur)\s*[-:]?\s*siret\s*:?",
        r"identifiant\s+(?:du\s+)?(?:client|destinataire)\s*:?",
        r"\bministere\b",
    ],
    "supplier_siret": [r"\bsiret\b(?!\s+(?:du\s+)?(?:client|dest|acheteur))\s*(?:n\s?[°o])?\s*:?"],
    "supplier_siren": [r"\bsiren\b\s*:?", r"\br[cs]{2}\b"],
    "supplier_vat_number": [r"\btva\b[^:\d]{0,40}:?", r"\bvat\b"],
    "engagement_number": [
        r"(?:n\s?[°o]\s*(?:d'|de\s+l')?)?\bengagement(?:\s+juridique)?\s*(?:n\s?[°o])?\s*:?",
        r"\bej\b\s*(?:n\s?[°o])?\s*:?",
        r"bon\s+de\s+commande\s*(?:n\s?[°o])?\s*:?",
        r"(?:n\s?[°o]\s*(?:de\s+)?)?\bcommande\s*(?:n\s?[°o])?\s*:?",
        r"purchase\s+order\s*:?",
    ],
    "service_code": [r"code\s+service\s*:?", r"service\s+executant\s*:?"],
    "total_ht": [
        r"(?:total|montant|sous-total)\s+(?:eur\s+|€\s+)?h\.?\s?t\.?(?![a-z])",
        r"total\s+hors\s+taxes?",
        r"\bnet\s+h\.?t\.?(?![a-z])",
    ],
    "total_vat": [
        r"(?:total|montant)\s+(?:de\s+la\s+)?t\.?v\.?a\.?(?![a-z])",
        r"\bt\.?v\.?a\.?(?![a-z])(?!\s+(?:intra|non\s+applicable|n\s?[°o]))",
    ],
    "total_ttc": [
        r"(?:total|montant)\s+(?:eur\s+|€\s+)?t\.?t\.?c\.?(?![a-z])",
        r"total\s+toutes\s+taxes",
        r"total\s+facture",
    ],
    "amount_due": [r"net\s+a\s+payer", r"(?:montant|somme|reste|solde|total)\s+a\s+payer"],
    "iban": [r"\biban\b\s*:?"],
    "bic": [r"\bbic\b\s*:?", r"\bswift\b\s*:?"],
}
_COMPILED = {name: [re.compile(pattern) for pattern in patterns] for name, patterns in LABELS.items()}

PARSERS = {
    "invoice_number": _invoice_numbers,
    "issue_date": None,  # dates are found in the normalised text
    "due_date": None,
    "recipient_identifier": _sirets,
    "supplier_siret": _sirets,
    "supplier_siren": _sirens,
    "supplier_vat_number": _vat_numbers,
    "engagement_number": _invoice_numbers,
    "service_code": lambda text: [token for token in re.findall(r"[A-Za-z0-9][A-Za-z0-9\-_]*", text)][:1],
    "total_ht": _amounts,
    "total_vat": _amounts,
    "total_ttc": _amounts,
    "amount_due": _amounts,
    "iban": _ibans,
    "bic": _bics,
}
AMOUNT_FIELDS = ("total_ht", "total_vat", "total_ttc", "amount_due")
# Identifiers printed around their label, as in "B 421 938 861 RCS Paris": the whole line is read.
WHOLE_LINE = ("supplier_siren", "supplier_vat_number")


def _values(name: str, text: str, norm: str) -> list:
    if name in ("issue_date", "due_date"):
        return _dates(norm)
    return PARSERS[name](text)


def _segment_at(line: Line, offset: int) -> Segment:
    index = 0
    for position, start in enumerate(line.starts):
        if start <= offset:
            index = position
    return line.segments[index]


def _continues(line: Line, following: Line | None) -> bool:
    """The next line is the same paragraph wrapped (a table row has several runs: it is not)."""
    return (
        following is not None
        and len(line.segments) == len(following.segments) == 1
        and following.page == line.page
        and line.top - following.top < 20
        and abs(following.segments[0].left - line.segments[0].left) < 5
    )


def _below(lines: list[Line], index: int, segment: Segment, name: str) -> tuple[list, Line | None]:
    """Values under a label: in the lines below, the run that overlaps the label's column; a
    "total" row is preferred (tables put their totals last)."""
    first = None
    label = lines[index]
    for line in lines[index + 1 : index + 12]:
        if line.page != label.page or label.top - line.top > 120:
            break
        for candidate in line.segments:
            if candidate.right < segment.left - 2 or candidate.left > segment.right + 2:
                continue
            values = _values(name, candidate.text, _normalise(candidate.text))
            if not values:
                continue
            if line.norm.lstrip().startswith("total"):
                return values, line
            if first is None:
                first = (values, line)
        if first and index + 6 < lines.index(line):
            break
    return first or ([], None)


@dataclass
class Candidate:
    value: object
    source: str


def find(lines: list[Line], name: str, *, order: list[Line] | None = None) -> list[Candidate]:
    """Every value found for a field, best first: labels in their priority order, lines in `order`."""
    ordered = order or lines
    candidates = []
    for pattern in _COMPILED[name]:
        for line in ordered:
            index = lines.index(line)
            for match in pattern.finditer(line.norm):
                if name in WHOLE_LINE:
                    values = _values(name, line.text, line.norm)
                else:
                    values = _values(name, line.text[match.end() :], line.norm[match.end() :])
                source = line.text
                following = lines[index + 1] if index + 1 < len(lines) else None
                if not values and not line.norm[match.end() :].strip(" :") and _continues(line, following):
                    # The label ends its line: its value was wrapped onto the next one.
                    values = _values(name, following.text, following.norm)
                    source = f"{line.text} {following.text}"
                segment = _segment_at(line, match.start())
                # Only a label standing alone (a column header, "Total HT" in its cell) has its
                # value below it; a label inside a sentence does not.
                if not values and len(segment.text) <= match.end() - match.start() + 12:
                    values, found = _below(lines, index, segment, name)
                    if found is not None:
                        source = f"{line.text} … {found.text}"
                candidates.extend(Candidate(value, source[:200]) for value in values[:1])
    return candidates


def _totals(lines: list[Line], order: list[Line]) -> dict[str, Candidate]:
    """HT, TVA and TTC that add up, when the page offers such a trio; otherwise the first of each."""
    found = {name: find(lines, name, order=order) for name in AMOUNT_FIELDS}
    chosen = {name: values[0] for name, values in found.items() if values}
    for ht in found["total_ht"]:
        for vat in found["total_vat"]:
            for ttc in found["total_ttc"] + found["amount_due"]:
                if ht.value + vat.value == ttc.value and ht.value > 0:
                    chosen.update(total_ht=ht, total_vat=vat, total_ttc=ttc)
                    return chosen
    return chosen


def recognise(lines: list[Line]) -> tuple[dict, dict]:
    """(fields, sources) of a plain PDF invoice."""
    fields, sources = {}, {}

    def keep(name, candidate: Candidate | None, value=None):
        if candidate is not None:
            fields[name] = candidate.value if value is None else value
            sources[name] = candidate.source

    first_page = [line for line in lines if line.page == lines[0].page] if lines else []
    numbers = [c for c in find(lines, "invoice_number") if c.value.lower() not in ("du", "date")]
    keep("invoice_number", numbers[0] if numbers else None)
    for name in ("issue_date", "due_date", "engagement_number", "service_code"):
        found = find(lines, name)
        keep(name, found[0] if found else None)
    # Totals and bank details sit at the end: the last page is read first for them.
    backwards = sorted(lines, key=lambda line: (-line.page, -line.top))
    for name, candidate in _totals(lines, backwards).items():
        keep(name, candidate)
    for name in ("iban", "bic"):
        found = find(lines, name, order=backwards)
        keep(name, found[0] if found else None)

    recipient = find(lines, "recipient_identifier")
    keep("recipient_identifier", recipient[0] if recipient else None)
    excluded = {fields.get("recipient_identifier"), (fields.get("recipient_identifier") or "")[:9]}
    sirets = [c for c in find(lines, "supplier_siret", order=backwards) if c.value not in excluded]
    sirens = [c for c in find(lines, "supplier_siren", order=backwards) if c.value not in excluded]
    vats = [c for c in find(lines, "supplier_vat_number", order=backwards) if c.value[4:] not in excluded]
    if sirets:
        keep("supplier_identifier", sirets[0])
    elif sirens:
        keep("supplier_identifier", sirens[0])
    elif vats:
        keep("supplier_identifier", vats[0], vats[0].value[4:])
    keep("supplier_vat_number", vats[0] if vats else None)

    head = " ".join(line.norm for line in first_page[:25])
    if re.search(r"(?:^|\s)avoir(?:\s|$|\s*n\s?[°o])", head):
        fields["document_type"] = "AVOIR"
    elif "facture" in head or "invoice" in head:
        fields["document_type"] = "FACTURE"
    everything = " ".join(line.text for line in lines)
    if "€" in everything or re.search(r"\bEUR\b|\beuros?\b", everything, re.IGNORECASE):
        fields["currency"] = "EUR"
    return fields, sources
