"""Factur-X: writing the CII XML into the PDF/A-3 of an invoice, and finding the invoice XML a
deposited PDF carries."""

import io
import warnings

import facturx

from einvoice import structured, xmlsafe
from einvoice.pdf import _PYPDF_ERRORS, _inflated_size
from einvoice.result import ExtractionError

# The names a Factur-X / ZUGFeRD 2 / XRechnung PDF gives its XML, the one to read first: a PDF may
# carry a ZUGFeRD 1 file (`ZUGFeRD-invoice.xml`) beside its `factur-x.xml`.
EMBEDDED_NAMES = ("factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml", "order-x.xml")
# Inflated sizes are measured before a stream is decoded: a 188 KB Factur-X whose XML inflates to
# gigabytes would otherwise exhaust the worker.
MAX_EMBEDDED_XML_SIZE = 20 * 1024 * 1024


def embed_cii(pdf: bytes, xml: bytes, *, metadata: dict) -> bytes:
    """The PDF/A-3b with its EN 16931 CII XML attached as factur-x.xml (Factur-X EN16931 level);
    the XML is checked against the XSD on the way."""
    return facturx.generate_from_binary(
        pdf, xml, flavor="factur-x", level="en16931", check_xsd=True, pdf_metadata=metadata, lang="fr-FR"
    )


def _rank(name: str) -> int:
    lowered = name.lower()
    return EMBEDDED_NAMES.index(lowered) if lowered in EMBEDDED_NAMES else len(EMBEDDED_NAMES)


def embedded_xmls(data: bytes) -> list[tuple[str, bytes]]:
    """The XML files a PDF carries, the Factur-X names first, read without any XML parser. A
    malformed attachment is skipped like a missing one."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    errors = (PyPdfError, *_PYPDF_ERRORS)
    found = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # malformed PDFs make pypdf warn at every object
        try:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                reader.decrypt("")
            attachments = list(reader.attachment_list)
        except errors:
            return []
        for attachment in attachments:
            try:
                name = attachment.name or ""
                if not name.lower().endswith(".xml"):
                    continue
                too_large = (
                    _inflated_size(attachment._embedded_file, MAX_EMBEDDED_XML_SIZE) > MAX_EMBEDDED_XML_SIZE
                )
                content = None if too_large else attachment.content
            except errors:
                continue
            if too_large:
                raise ExtractionError(
                    "embedded_xml_too_large",
                    "Les données XML de ce Factur-X dépassent %(size)d Mo une fois "
                    "décompressées : le fichier est refusé.",
                    {"size": MAX_EMBEDDED_XML_SIZE >> 20},
                )
            if content:
                found.append((name, content))
    return sorted(found, key=lambda item: _rank(item[0]))


def invoice_xml(data: bytes):
    """The parsed invoice (CII or UBL) a PDF carries, or None for a plain PDF. An XML under a
    Factur-X name that is no readable invoice raises its reason once no other attachment is one
    (a ZUGFeRD 1 file, a malformed XML); any other XML attachment that is no invoice is ignored."""
    refusal = None
    for name, content in embedded_xmls(data):
        try:
            root = xmlsafe.parse(content)
            structured.syntax_of(root)
        except ExtractionError as error:
            if error.code == "unsafe_xml":
                raise
            if refusal is None and _rank(name) < len(EMBEDDED_NAMES):
                refusal = error
            continue
        return root
    if refusal is not None:
        raise refusal
    return None
