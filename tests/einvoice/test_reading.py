"""Files once refused for the wrong reason are read (issue « Standards » §1)."""

import io

import pytest
from pypdf import PdfReader, PdfWriter

from einvoice.extraction import extract
from einvoice.result import ExtractionError

EINFACH = "xml-rechnung/{}/EN16931_Einfach.{}"


def _pdf_with(*attachments: tuple[str, bytes]) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    for name, data in attachments:
        writer.add_attachment(name, data)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("prefix", [b"\xef\xbb\xbf\n", b"\xef\xbb\xbf\r\n\r\n", b"    ", b"\n\t  \n  "])
def test_an_xml_with_a_bom_or_blank_space_before_its_first_tag_is_read(corpus, prefix):
    data = (corpus / EINFACH.format("CII", "cii.xml")).read_bytes()
    plain = extract(data, "f.xml")
    result = extract(prefix + data, "f.xml")
    assert (result.format, result.profile) == ("cii", "EN16931")
    assert result.fields == plain.fields and result.validation.is_valid


def test_a_pdf_carrying_a_zugferd_1_file_and_a_factur_x_is_read_from_its_factur_x(corpus):
    path = corpus / "zugferd-v2/fail/MustangRE-20171118_506_ZUGFeRD1and2.pdf"
    attachments = {item.name: item.content for item in PdfReader(path).attachment_list}
    assert set(attachments) == {"ZUGFeRD-invoice.xml", "factur-x.xml"}
    result = extract(path.read_bytes(), path.name)
    assert (result.format, result.profile) == ("facturx", "EN16931")
    assert result.fields == extract(attachments["factur-x.xml"], "f.xml").fields
    assert result.fields["invoice_number"]
    # Either order of the attachments reads the same.
    swapped = _pdf_with(*reversed(list(attachments.items())))
    assert extract(swapped, "f.pdf").fields == result.fields


def test_a_pdf_carrying_only_a_zugferd_1_file_is_refused_as_such(corpus):
    path = corpus / "zugferd-v2/fail/MustangRE-20171118_506_ZUGFeRD1and2.pdf"
    zugferd1 = next(
        item.content for item in PdfReader(path).attachment_list if item.name == "ZUGFeRD-invoice.xml"
    )
    with pytest.raises(ExtractionError) as refused:
        extract(_pdf_with(("ZUGFeRD-invoice.xml", zugferd1)), "f.pdf")
    assert refused.value.code == "zugferd1"


def test_a_pdf_embedding_a_ubl_is_read_from_its_ubl(corpus):
    ubl = (corpus / EINFACH.format("UBL", "ubl.xml")).read_bytes()
    result = extract(_pdf_with(("UBL-Invoice-2.1.xml", ubl)), "f.pdf")
    assert (result.format, result.flavor, result.profile) == ("facturx", "ubl", "EN16931")
    assert result.fields == extract(ubl, "f.xml").fields
    assert result.validation.is_valid and len(result.lines) == len(extract(ubl, "f.xml").lines)


def test_an_xml_attachment_that_is_no_invoice_leaves_the_pdf_a_plain_pdf():
    result = extract(_pdf_with(("metadata.xml", b"<?xml version='1.0'?><notes>rien</notes>")), "f.pdf")
    assert result.format == "pdf" and result.validation.is_valid
