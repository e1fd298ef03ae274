"""Reading a deposited invoice file: what it is, what it says, whether it is valid. The
deposits worker calls `extract()` and pre-fills the form with the result.

Choices:
- The content decides the format, not the name; a name that says otherwise is refused
  (`extension_mismatch`), so that nobody deposits a PDF believing it is an XML.
- A PDF without a text layer (a scan) is not an error: Chorus Pro lets the supplier deposit it and
  type the data. The result has `no_text_layer=True`; with `ocr=True` (the deposit worker) and
  Tesseract installed, its pages are read by OCR and recognised like a text layer (`ocr=True` on
  the result, confidences lowered); without Tesseract, or when it fails on a page, it has no
  fields.
- A Factur-X is read from its XML; its PDF text is not read at all.
"""

import re
import warnings

from einvoice import facturx_pdf, pdf, structured, validation, xmlsafe
from einvoice.recognition import ocr as recognition_ocr
from einvoice.result import ExtractionError, ExtractionResult, Finding, ValidationReport

MAX_SIZE = 10 * 1024 * 1024
_XML_START = re.compile(rb"(?:\xef\xbb\xbf)?[ \t\r\n]*<")

__all__ = ["ExtractionError", "ExtractionResult", "Finding", "ValidationReport", "extract"]


def _kind(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return "pdf"
    # A BOM and blank lines may come before the XML; UTF-16 and UTF-32 start with their BOM.
    if _XML_START.match(data) or data.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        return "xml"
    return None


def extract(
    data: bytes,
    filename: str,
    *,
    validate: bool = True,
    french_rules: bool = True,
    max_size: int = MAX_SIZE,
    ocr: bool = False,
) -> ExtractionResult:
    if not data:
        raise ExtractionError("empty", "Le fichier est vide.")
    if len(data) > max_size:
        raise ExtractionError("too_large", "Le fichier dépasse %(size)d Mo.", {"size": max_size >> 20})
    kind = _kind(data)
    extension = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if kind is None:
        raise ExtractionError("unsupported_format", "Ce fichier n'est ni un PDF ni un XML.")
    if extension in ("pdf", "xml") and extension != kind:
        raise ExtractionError(
            "extension_mismatch",
            "Le contenu de ce fichier ne correspond pas à son extension : c'est un %(kind)s, "
            "pas un %(extension)s.",
            {"kind": kind.upper(), "extension": extension.upper()},
        )
    with warnings.catch_warnings():
        # PDF libraries warn at every oddity of a malformed file; the result says what matters.
        warnings.simplefilter("ignore")
        checks = {"validate": validate, "french_rules": french_rules}
        if kind == "xml":
            return _from_xml(xmlsafe.parse(data), **checks)
        return _from_pdf(data, **checks, ocr=ocr)


def _from_xml(root, *, validate: bool, french_rules: bool, in_pdf: bool = False) -> ExtractionResult:
    syntax = structured.syntax_of(root)
    fields, lines, breakdown = structured.read(root, syntax)
    fmt = "facturx" if in_pdf else syntax
    result = ExtractionResult(format=fmt, fields=fields, lines=lines, vat_summary=breakdown)
    result.flavor = "factur-x" if syntax == "cii" else "ubl"
    if validate:
        layers = validation.DEPOSIT if french_rules else validation.STANDARD
        result.validation, result.profile = validation.validate(root, syntax, in_pdf=in_pdf, layers=layers)
        # Not a rule of the standard (its own examples break it): a warning, shown to the user.
        for rule, message in structured.line_findings(lines):
            result.validation.warnings.append(Finding(rule, message, "PORTAIL"))
    else:
        result.profile = validation.ruleset_of(root, syntax, in_pdf=in_pdf).profile
    return result


def _from_pdf(data: bytes, *, validate: bool, french_rules: bool, ocr: bool) -> ExtractionResult:
    document = pdf.open_pdf(data)
    unreadable, scanned = None, None
    try:
        try:
            root = facturx_pdf.invoice_xml(data)
        except ExtractionError as error:
            if error.code in ("unsafe_xml", "zugferd1", "embedded_xml_too_large"):
                raise
            # A Factur-X whose XML cannot be read is still a PDF invoice: read its text.
            unreadable = error
        else:
            if root is not None:
                return _from_xml(root, validate=validate, french_rules=french_rules, in_pdf=True)
        pdf.check_page_contents(data)
        lines, with_text = pdf.read_lines(document)
        if not with_text and ocr and recognition_ocr.available():
            try:
                scanned = recognition_ocr.read_lines(document)
            except recognition_ocr.Unreadable:
                scanned = None  # deposited all the same, its data to be typed
    finally:
        document.close()
    result = ExtractionResult(format="facturx" if unreadable else "pdf", text_layer_pages=with_text)
    if unreadable is not None:
        result.validation.errors.append(
            Finding("XML", f"Les données XML de ce Factur-X sont illisibles : {unreadable.message}", "XML")
        )
    if not with_text:
        result.no_text_layer = True
    if scanned is not None:
        result.ocr = True
        _recognised(result, pdf.recognise(scanned, ocr=True))
        result.validation.warnings.append(
            Finding(
                "PDF-OCR",
                "Ce PDF est un document numérisé : ses données ont été lues par reconnaissance de "
                "caractères (OCR) et doivent être vérifiées. Le document numérisé reste l'original.",
                "PDF",
            )
        )
        return result
    if not with_text:
        result.validation.warnings.append(
            Finding(
                "PDF-TEXTE",
                "Ce PDF ne contient pas de texte (document numérisé ?) : il peut être déposé, mais ses "
                "données devront être saisies.",
                "PDF",
            )
        )
        return result
    _recognised(result, pdf.recognise(lines))
    return result


def _recognised(result: ExtractionResult, recognition) -> None:
    result.fields, result.sources = recognition.fields, recognition.sources
    result.confidence, result.to_check = recognition.confidence, recognition.to_check
    result.recipient_hint = recognition.recipient_hint
