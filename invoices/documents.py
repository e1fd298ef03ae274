"""PDF documents of an invoice: the invoice itself (PDF/A-3b, then Factur-X EN16931) and the
deposit certificate. Rendered by WeasyPrint from templates/invoices/documents/.

Only the DSFR Marianne font files are fetched, by the style sheet: every other URL is refused, so
nothing typed in an invoice can make the renderer read a local file or reach the network.
"""

import atexit
import functools
import hashlib
import os
import threading
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone, translation

from einvoice.cii import build_cii_xml, business_process, buyer_vat_number, cadre_code, exemption
from einvoice.facturx_pdf import embed_cii
from invoices.enums import InvoiceType, OperationCategory, PaymentMode, VatCategory, VatType

FONT_FILES = {
    "regular": "dsfr/dist/fonts/Marianne-Regular.woff2",
    "bold": "dsfr/dist/fonts/Marianne-Bold.woff2",
}


@functools.cache
def _font_urls() -> dict[str, str]:
    urls = {}
    for weight, relative in FONT_FILES.items():
        path = finders.find(relative)
        if path:
            urls[weight] = Path(path).resolve().as_uri()
    return urls


def _fetcher(allowed: set[str]):
    from weasyprint import URLFetcher

    class FontOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url not in allowed:
                raise ValueError(f"URL refused while rendering a document: {url}")
            return super().fetch(url, headers)

    return FontOnlyFetcher()


STYLESHEET = "invoices/documents/_base.css"
_per_thread = threading.local()


def stylesheet_text() -> str:
    return render_to_string(STYLESHEET, {"fonts": _font_urls()})


def _stylesheet():
    """The documents' style sheet and the font configuration holding its Marianne faces, parsed
    and loaded once per thread (WeasyPrint's font configuration is not shared between threads):
    parsing them again for each document costs about a third of a 1-page invoice."""
    if getattr(_per_thread, "stylesheet", None) is None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        font_config = FontConfiguration()
        css = CSS(
            string=stylesheet_text(),
            url_fetcher=_fetcher(set(_font_urls().values())),
            font_config=font_config,
        )
        _per_thread.stylesheet = css, font_config
    return _per_thread.stylesheet


@atexit.register
def _forget_stylesheet() -> None:
    # While the interpreter still runs: a FontConfiguration freed during its shutdown fails.
    _per_thread.stylesheet = None


def render_html(template: str, context: dict, *, title: str) -> str:
    """The document's HTML, without its style sheet (STYLESHEET, given to WeasyPrint apart)."""
    return render_to_string(template, {**context, "document_title": title})


def render_pdf(template: str, context: dict, *, title: str, pdf_variant: str = "pdf/a-3b") -> bytes:
    """The document as PDF. WeasyPrint embeds a subset of each font face it uses; with
    libharfbuzz-subset0 (Dockerfile, .ci/run) that costs milliseconds, where its fontTools
    fallback decodes Marianne's whole kerning table (GPOS) for each face, each time: 4 times
    slower on a 1-page invoice (benchmarks/documents.py)."""
    from weasyprint import HTML

    css, font_config = _stylesheet()
    html = render_html(template, context, title=title)
    # Nothing in the HTML may be fetched: the fonts come with the style sheet.
    document = HTML(string=html, base_url=os.sep, url_fetcher=_fetcher(set()))
    return document.write_pdf(
        stylesheets=[css], font_config=font_config, pdf_variant=pdf_variant, uncompressed_pdf=False
    )


def _address_lines(structure) -> list[str]:
    if structure is None:
        return []
    lines = [structure.adresse, structure.complement_adresse_1, structure.complement_adresse_2]
    city = " ".join(part for part in (structure.code_postal, structure.ville) if part)
    lines.append(city)
    if structure.pays and structure.pays.upper() != "FR":
        lines.append(structure.pays.upper())
    return [line for line in lines if line]


def invoice_context(invoice) -> dict:
    is_credit_note = invoice.invoice_type == InvoiceType.CREDIT_NOTE
    vat_lines = list(invoice.vat_lines.all())
    # The legal mention of each VAT category without VAT, once, as the XML states it (BT-120).
    mentions = []
    for row in vat_lines:
        row.label = _french(row.get_category_display)
        text, _code = exemption(row.category, invoice.exemption_reason)
        if text and text not in mentions:
            mentions.append(text)
    categories = {row.category for row in vat_lines}
    bank_account = invoice.bank_account if invoice.bank_account_id else None
    return {
        "invoice": invoice,
        "title": "Avoir" if is_credit_note else "Facture",
        "is_credit_note": is_credit_note,
        "supplier": invoice.supplier,
        "supplier_address": _address_lines(invoice.supplier),
        "recipient": invoice.recipient,
        "recipient_address": _address_lines(invoice.recipient),
        "lines": list(invoice.lines.all()),
        "vat_lines": vat_lines,
        "vat_mentions": mentions,
        "vat_due_mention": _vat_due_mention(invoice, categories),
        "operation_category_label": _french(OperationCategory(invoice.operation_category).label),
        "business_process": business_process(invoice),
        "buyer_vat_number": buyer_vat_number(invoice),
        "delivery_address": [
            part
            for part in (
                invoice.delivery_address,
                " ".join(p for p in (invoice.delivery_postcode, invoice.delivery_city) if p),
                invoice.delivery_country,
            )
            if part
        ],
        "payment_mode_label": PaymentMode(invoice.payment_mode).label if invoice.payment_mode else "",
        "bank_account": bank_account,
        "cadre_code": cadre_code(invoice.cadre),
        "show_before_discount": bool(invoice.global_discount),
        "paid_amount": invoice.total_ttc - invoice.amount_due
        if invoice.amount_due < invoice.total_ttc
        else 0,
    }


def _vat_due_mention(invoice, categories) -> str:
    """When the VAT of services is due: on receipts, unless the supplier opted for debits (a
    mandatory mention of the 2026 reform); the VAT of goods is due on delivery."""
    if VatCategory.STANDARD not in categories or invoice.operation_category == OperationCategory.GOODS:
        return ""
    if invoice.vat_type == VatType.ON_DEBITS:
        return "Option pour le paiement de la TVA d'après les débits."
    return "TVA exigible lors de l'encaissement."


def _french(label) -> str:
    """A choice label (or a callable giving one) as the document prints it: in French, whatever
    language the user reads."""
    with translation.override("fr"):
        return str(label() if callable(label) else label)


def render_invoice_pdf(invoice) -> bytes:
    """The human-readable invoice as PDF/A-3b (the base of the Factur-X)."""
    context = invoice_context(invoice)
    return render_pdf(
        "invoices/documents/invoice.html", context, title=f"{context['title']} {invoice.number}"
    )


def build_facturx_pdf(invoice, *, xml: bytes | None = None) -> bytes:
    """PDF/A-3b invoice with its EN 16931 CII XML attached as factur-x.xml (Factur-X EN16931)."""
    pdf = render_invoice_pdf(invoice)
    xml = xml if xml is not None else build_cii_xml(invoice)
    kind = "Avoir" if invoice.invoice_type == InvoiceType.CREDIT_NOTE else "Facture"
    metadata = {
        "author": invoice.supplier.raison_sociale,
        "keywords": "Factur-X, EN 16931",
        "title": f"{kind} {invoice.number}",
        "subject": f"{kind} {invoice.number} de {invoice.supplier.raison_sociale}",
    }
    return embed_cii(pdf, xml, metadata=metadata)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def render_deposit_certificate_pdf(invoice, sha256: str) -> bytes:
    """Certificat de dépôt: which invoice, from whom, to whom, when, and the original's fingerprint."""
    context = {
        "invoice": invoice,
        "title": "Avoir" if invoice.invoice_type == InvoiceType.CREDIT_NOTE else "Facture",
        "supplier": invoice.supplier,
        "recipient": invoice.recipient,
        "deposited_at": timezone.localtime(invoice.deposited_at) if invoice.deposited_at else None,
        "issued_at": timezone.localtime(),
        "sha256": sha256,
        "cadre_code": cadre_code(invoice.cadre),
    }
    return render_pdf(
        "invoices/documents/deposit_certificate.html",
        context,
        title=f"Certificat de dépôt {invoice.number}",
    )
