"""Untrusted XML in UTF-16 or UTF-32 with its byte order mark is read like UTF-8, and a DOCTYPE
hidden in those encodings is still refused."""

import codecs

import pytest

from einvoice import xmlsafe
from einvoice.result import ExtractionError

MARKS = {
    "utf-16-le": codecs.BOM_UTF16_LE,
    "utf-16-be": codecs.BOM_UTF16_BE,
    "utf-32-le": codecs.BOM_UTF32_LE,
    "utf-32-be": codecs.BOM_UTF32_BE,
}


def encoded(text: str, encoding: str) -> bytes:
    return MARKS[encoding] + text.encode(encoding)


@pytest.mark.parametrize("encoding", MARKS)
@pytest.mark.parametrize("declaration", ["", "<?xml version='1.0' encoding='{}'?>", '<?xml version="1.0"?>'])
def test_a_document_with_a_byte_order_mark_is_read(encoding, declaration):
    document = declaration.format(encoding[:6]) + "<r>Fenêtre €</r>"  # utf-16 or utf-32
    assert xmlsafe.parse(encoded(document, encoding)).text == "Fenêtre €"


@pytest.mark.parametrize("encoding", MARKS)
def test_a_doctype_in_utf16_or_utf32_is_refused(encoding):
    document = "<?xml version='1.0'?><!DOCTYPE r SYSTEM 'http://exemple.org/x.dtd'><r/>"
    with pytest.raises(ExtractionError) as refused:
        xmlsafe.parse(encoded(document, encoding))
    assert refused.value.code == "unsafe_xml"


def test_a_utf32_document_cut_in_the_middle_of_a_character_is_badly_encoded():
    with pytest.raises(ExtractionError) as refused:
        xmlsafe.parse(encoded("<r>é</r>", "utf-32-le")[:-1])
    assert refused.value.code == "malformed_xml"
