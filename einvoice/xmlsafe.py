"""Untrusted XML is parsed with no DTD, no entity and no network; a document declaring a DOCTYPE
is refused before any parser reads it (standards.md: Saxon would resolve external entities)."""

import codecs
import re

from lxml import etree

from einvoice.result import ExtractionError

_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)


# Longest first: the UTF-32 LE mark starts like the UTF-16 LE one.
_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_DECLARED_ENCODING = re.compile(r"""^(\s*<\?xml[^>]*?\bencoding\s*=\s*)(["'])[^"']*\2""")


def _as_utf8(data: bytes) -> bytes:
    """UTF-16 and UTF-32 documents are looked at in UTF-8 so that the DOCTYPE check cannot be
    dodged; their XML declaration then says UTF-8, lest the parser decode them a second time."""
    encoding = next((name for mark, name in _BYTE_ORDER_MARKS if data.startswith(mark)), None)
    if encoding is None:
        return data
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise ExtractionError("malformed_xml", "Ce fichier XML est mal encodé.") from error
    return _DECLARED_ENCODING.sub(r"\1\2UTF-8\2", text, count=1).encode("utf-8")


def parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
    )


def parse(data: bytes) -> etree._Element:
    data = _as_utf8(data)
    if _DOCTYPE.search(data) or _ENTITY.search(data):
        raise ExtractionError(
            "unsafe_xml",
            "Ce fichier XML contient une déclaration DOCTYPE ou d'entités : elle n'est pas acceptée "
            "(risque de sécurité). Une facture électronique n'en a pas besoin.",
        )
    # Editors and exports leave a BOM and blank lines before the XML declaration: not the
    # invoice's content, and lxml refuses a declaration that does not come first.
    data = data.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    try:
        root = etree.fromstring(data, parser=parser())  # noqa: S320 -- the parser above is the safe one
    except etree.XMLSyntaxError as error:
        raise ExtractionError(
            "malformed_xml", "Ce fichier XML est mal formé (%(error)s).", {"error": str(error)}
        ) from error
    if root is None or root.getroottree().docinfo.internalDTD is not None:
        raise ExtractionError("unsafe_xml", "Ce fichier XML déclare une DTD : elle n'est pas acceptée.")
    return root
