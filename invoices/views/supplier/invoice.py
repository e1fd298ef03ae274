"""The invoice page and its actions: duplicate, delete, attachments, the original, the deposit
certificate."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from invoices import deposit_selectors, services, workflow
from invoices.documents import render_deposit_certificate_pdf
from invoices.enums import DepositMode
from invoices.exceptions import InvoiceError
from invoices.views.common import (
    file_download,
    invoice_page_context,
    lifecycle_views,
    pdf_response,
)
from invoices.views.supplier.base import _abilities, _invoice, render_space, space_required


@require_GET
@space_required
def detail(request, invoice_id):
    invoice = _invoice(request, invoice_id)
    return render_space(
        request,
        "invoices/supplier/detail.html",
        {
            "invoice": invoice,
            "abilities": _abilities(request, invoice),
            # A deposited invoice keeps its reading report: the BR-FR warnings with their ids.
            "deposit_item": (
                None
                if invoice.deposit_mode == DepositMode.ENTRY
                else deposit_selectors.item_of_invoice(invoice)
            ),
            **invoice_page_context(invoice),
        },
    )


@require_POST
@space_required
def duplicate(request, invoice_id):
    invoice = _invoice(request, invoice_id)
    try:
        copy = services.duplicate_invoice(
            actor=request.user, structure=request.current_structure, invoice_id=invoice.pk
        )
    except InvoiceError as error:
        messages.error(request, str(error))
        return redirect("invoices:supplier_detail", invoice.pk)
    messages.success(
        request,
        _("La facture %(number)s est dupliquée : complétez le nouveau brouillon (numéro, date).")
        % {"number": invoice.number},
    )
    return redirect("invoices:supplier_edit", copy.pk)


@require_POST
@space_required
def delete(request, invoice_id):
    """Asks for confirmation first (no script needed), then deletes the draft."""
    invoice = _invoice(request, invoice_id)
    if request.POST.get("confirm") != "1":
        return render_space(request, "invoices/supplier/delete_confirm.html", {"invoice": invoice})
    try:
        services.delete_draft(actor=request.user, structure=request.current_structure, invoice_id=invoice.pk)
    except InvoiceError as error:
        messages.error(request, str(error))
        return redirect("invoices:supplier_detail", invoice.pk)
    messages.success(request, _("Le brouillon %(number)s est supprimé.") % {"number": invoice.number})
    return redirect("invoices:supplier_home")


@require_POST
@space_required
def remove_attachment(request, invoice_id, attachment_id):
    invoice = _invoice(request, invoice_id)
    try:
        services.remove_attachment(
            actor=request.user,
            structure=request.current_structure,
            invoice_id=invoice.pk,
            attachment_id=attachment_id,
        )
    except InvoiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("La pièce jointe est retirée du brouillon."))
    return redirect("invoices:supplier_edit", invoice.pk)


@require_GET
@space_required
def download(request, invoice_id, attachment_id):
    invoice = _invoice(request, invoice_id)
    attachment = get_object_or_404(invoice.attachments.all(), pk=attachment_id)
    return file_download(attachment.file, attachment.name, attachment.content_type)


@require_GET
@space_required
def original(request, invoice_id):
    """The legal original (generated now if its task has not run yet)."""
    invoice = _invoice(request, invoice_id)
    document = _original_or_none(request, invoice)
    if document is None:
        return redirect("invoices:supplier_detail", invoice.pk)
    return file_download(document.file, document.name, document.content_type)


def _original_or_none(request, invoice):
    if not workflow.can("original", invoice.status):
        messages.error(request, _("Un brouillon n'a pas encore d'original : il est généré à l'envoi."))
        return None
    document = services.ensure_original(invoice_id=invoice.pk)
    if document is None:
        messages.error(request, _("L'original de cette facture n'est pas encore disponible."))
    return document


@require_GET
@space_required
def certificate(request, invoice_id):
    """Certificat de dépôt: date, number and the legal original's fingerprint."""
    invoice = _invoice(request, invoice_id)
    document = _original_or_none(request, invoice)
    if document is None:
        return redirect("invoices:supplier_detail", invoice.pk)
    pdf = render_deposit_certificate_pdf(invoice, document.sha256)
    return pdf_response(pdf, f"certificat-depot-{invoice.pk}.pdf")


lifecycle, lifecycle_message = lifecycle_views(_invoice, space_required)
