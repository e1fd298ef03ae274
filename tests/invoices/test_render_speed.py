"""The legal original renders fast: WeasyPrint subsets its fonts with HarfBuzz.

Without libharfbuzz-subset0 WeasyPrint falls back to fontTools, which decodes Marianne's whole
kerning table for each face at each render: a 1-page original then costs about 0.7 s instead of
about 0.15 s on this machine class (`make bench-documents`).
"""

import io
import time

import pytest
from pypdf import PdfReader

from invoices import documents


def test_weasyprint_subsets_fonts_with_harfbuzz():
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    assert harfbuzz_subset is not None, "libharfbuzz-subset0 manque (apt-get install libharfbuzz-subset0)"
    assert harfbuzz.hb_version_atleast(4, 1, 0)


@pytest.mark.django_db
def test_one_page_original_costs_a_fraction_of_the_fonttools_fallback(make_invoice):
    invoice = make_invoice(send=False)
    documents.build_facturx_pdf(invoice)  # warm: templates, fonts, Pango
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        pdf = documents.build_facturx_pdf(invoice)
        best = min(best, time.process_time() - started)
    assert pdf.startswith(b"%PDF-")
    # CPU time of this process, which other jobs on a loaded machine hardly change: 0.13 s
    # with HarfBuzz, 0.45 s or more with the fontTools fallback.
    assert best < 0.3


@pytest.mark.django_db
def test_the_shared_style_sheet_still_dresses_every_document(make_invoice):
    """The style sheet and its fonts are loaded once per thread: later documents still get both."""
    invoice = make_invoice(send=False)
    for _ in range(2):
        reader = PdfReader(io.BytesIO(documents.build_facturx_pdf(invoice)))
        fonts = {
            str(font["/BaseFont"]).split("+")[-1]
            for font in reader.pages[0]["/Resources"]["/Font"].values()
            if "/BaseFont" in font.get_object()
        }
        assert len(fonts) == 2
        assert all(font.startswith("Marianne") for font in fonts), fonts
        # The A4 page of the style sheet (WeasyPrint's default is A4 too: check its margin box).
        assert "Page 1 / 1" in reader.pages[0].extract_text()
