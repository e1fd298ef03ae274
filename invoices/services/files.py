"""Documents and attachments: the legal original, complementary attachments."""

import re

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from invoices import attachments as attachment_rules
from invoices import events, workflow
from invoices.enums import AttachmentKind, DepositMode, InvoiceType
from invoices.exceptions import AttachmentRefused, InvoiceError
from invoices.models import Invoice, InvoiceAttachment
from invoices.services.core import _lock, _require_issuer


def _file_name(invoice: Invoice) -> str:
    kind = _("Avoir") if invoice.invoice_type == InvoiceType.CREDIT_NOTE else _("Facture")
    # Invoice numbers may hold "/" and "+", which do not belong in a file name.
    return f"{kind}_{re.sub(r'[^A-Za-z0-9_-]', '-', invoice.number)}.pdf"


@transaction.atomic
def ensure_original(*, invoice_id: int) -> InvoiceAttachment | None:
    """The legal original of a sent invoice, generated now if its task has not run yet; safe to
    re-run. A deposited invoice brings its own original (None until it has one)."""
    invoice = _lock(invoice_id)
    workflow.require("original", invoice.status)
    if invoice.deposit_mode != DepositMode.ENTRY:
        return invoice.attachments.filter(kind=AttachmentKind.PRINCIPAL).first()
    return _store_original(invoice)


def _store_original(invoice: Invoice) -> InvoiceAttachment:
    """Generates and stores the legal original once; an existing one is never rewritten.
    The caller holds the invoice's row lock."""
    existing = invoice.attachments.filter(kind=AttachmentKind.PRINCIPAL).first()
    if existing is not None:
        return existing
    from invoices.documents import build_facturx_pdf

    original = _attach_principal(
        invoice, _file_name(invoice), build_facturx_pdf(invoice), actor=invoice.created_by
    )
    events.original_generated(invoice, original)
    return original


def _attach_principal(invoice: Invoice, name: str, data: bytes, *, actor) -> InvoiceAttachment:
    return _store_attachment(invoice, AttachmentKind.PRINCIPAL, name, data, actor)


def _store_attachment(invoice: Invoice, kind: str, name: str, data: bytes, actor) -> InvoiceAttachment:
    """Stores the bytes once through the storage, with their SHA-256."""
    attachment = InvoiceAttachment(
        invoice=invoice, kind=kind, added_by=actor, **attachment_rules.stored_facts(name, data)
    )
    attachment.file.save(name, ContentFile(data), save=False)
    attachment.save()
    return attachment


def _check_files(invoice: Invoice, files) -> list[tuple[str, bytes]]:
    """Reads the uploaded files and applies the attachment rules to each and to their total."""
    accepted, errors = attachment_rules.read_uploads(files)
    if not files:
        return []
    total = sum(invoice.attachments.values_list("size", flat=True)) + sum(
        len(data) for _name, data in accepted
    )
    if total > attachment_rules.MAX_INVOICE_TOTAL:
        errors[_("Ensemble des pièces jointes")] = _(
            "La facture et ses pièces jointes ne peuvent pas dépasser 120 Mo au total."
        )
    if errors:
        raise AttachmentRefused(errors)
    return accepted


def _add_files(invoice: Invoice, accepted, actor) -> list[InvoiceAttachment]:
    return [
        _store_attachment(invoice, AttachmentKind.COMPLEMENTARY, name, data, actor) for name, data in accepted
    ]


@transaction.atomic
def remove_attachment(*, actor, structure, invoice_id: int, attachment_id: int) -> None:
    """A draft's complementary attachment; the legal original and sent ones stay."""
    _require_issuer(actor, structure)
    invoice = _lock(invoice_id, supplier=structure)
    workflow.require("edit", invoice.status)
    attachment = invoice.attachments.filter(pk=attachment_id, kind=AttachmentKind.COMPLEMENTARY).first()
    if attachment is None:
        raise InvoiceError(_("Pièce jointe introuvable."))
    attachment.file.delete(save=False)
    attachment.delete()
