"""The supplier's answers to returned invoices: Recycler, Compléter, Corriger le valideur,
Prendre connaissance."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from annuaire.forms import AnnuaireSearchForm
from choruspro.forms import object_id
from invoices import services, workflow
from invoices.exceptions import AttachmentRefused, InvoiceError, SubmissionRefused
from invoices.forms.processing import CompleteForm, RecycleForm
from invoices.forms.validation import CorrectValidatorForm
from invoices.views.common import invoice_page_context
from invoices.views.supplier.base import _abilities, _add_errors, _invoice, render_space, space_required


@space_required
def recycle(request, invoice_id):
    """Recycler (À recycler): correct the recipient, its service or the engagement, then route again."""
    invoice = _invoice(request, invoice_id)
    abilities = _abilities(request, invoice)
    if not abilities["recycle"]:
        messages.error(request, workflow.refusal("recycle"))
        return redirect("invoices:supplier_detail", invoice.pk)
    initial = {
        "recipient_identifier": invoice.recipient.identifier if invoice.recipient_id else "",
        "recipient_service": invoice.recipient_service_id,
        "numero_engagement": invoice.numero_engagement,
    }
    form = RecycleForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.recycle_invoice(
                    actor=request.user,
                    structure=request.current_structure,
                    invoice_id=invoice.pk,
                    recipient=form.recipient,
                    recipient_service=form.cleaned_data["recipient_service"],
                    numero_engagement=form.cleaned_data["numero_engagement"],
                    comment=form.cleaned_data["comment"],
                )
            except SubmissionRefused as refused:
                _add_errors(form, None, refused.errors)
            except InvoiceError as error:
                messages.error(request, str(error))
                return redirect("invoices:supplier_detail", invoice.pk)
            else:
                messages.success(
                    request,
                    _("La facture %(number)s est recyclée et de nouveau acheminée.")
                    % {"number": invoice.number},
                )
                return redirect("invoices:supplier_detail", invoice.pk)
        status = 422
    return render_space(
        request,
        "invoices/supplier/recycle.html",
        {
            "invoice": invoice,
            "form": form,
            "picker_form": AnnuaireSearchForm(),
            **invoice_page_context(invoice),
        },
        status=status,
    )


@space_required
def complete(request, invoice_id):
    """Compléter (Suspendue): add the missing documents and/or a comment."""
    invoice = _invoice(request, invoice_id)
    abilities = _abilities(request, invoice)
    if not abilities["complete"]:
        messages.error(request, workflow.refusal("complete"))
        return redirect("invoices:supplier_detail", invoice.pk)
    form = CompleteForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.complete_invoice(
                    actor=request.user,
                    structure=request.current_structure,
                    invoice_id=invoice.pk,
                    comment=form.cleaned_data["comment"],
                    files=form.cleaned_data["attachments"],
                )
            except AttachmentRefused as refused:
                for name, problem in refused.errors.items():
                    form.add_error("attachments", f"{name} : {problem}")
            except InvoiceError as error:
                messages.error(request, str(error))
                return redirect("invoices:supplier_detail", invoice.pk)
            else:
                messages.success(
                    request,
                    _("La facture %(number)s est complétée et renvoyée au destinataire.")
                    % {"number": invoice.number},
                )
                return redirect("invoices:supplier_detail", invoice.pk)
        status = 422
    return render_space(
        request,
        "invoices/supplier/complete.html",
        {"invoice": invoice, "form": form, **invoice_page_context(invoice)},
        status=status,
    )


@space_required
def correct_validator(request, invoice_id):
    """Corriger le valideur (« erreur de valideur »): name the right one; the circuit starts again."""
    invoice = _invoice(request, invoice_id)
    if not _abilities(request, invoice)["correct_validator"]:
        messages.error(request, workflow.refusal("correct_validator"))
        return redirect("invoices:supplier_detail", invoice.pk)
    form = CorrectValidatorForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.correct_validator(
                    actor=request.user,
                    structure=request.current_structure,
                    invoice_id=invoice.pk,
                    validator=form.validator,
                )
            except InvoiceError as error:
                form.add_error("validator_identifier", str(error))
            else:
                messages.success(
                    request,
                    _("La facture %(number)s est envoyée à son nouveau valideur, %(validator)s.")
                    % {"number": invoice.number, "validator": form.validator.raison_sociale},
                )
                return redirect("invoices:supplier_detail", invoice.pk)
        status = 422
    return render_space(
        request,
        "invoices/validation/correct_validator.html",
        {"invoice": invoice, "form": form, **invoice_page_context(invoice)},
        status=status,
    )


@require_POST
@space_required
def acknowledge(request):
    """Prendre connaissance of one or several returned invoices."""
    ids = [invoice_id for invoice_id in map(object_id, request.POST.getlist("ids")) if invoice_id is not None]
    outcome = services.acknowledge_returns(
        actor=request.user, structure=request.current_structure, invoice_ids=ids
    )
    done = len(outcome.done)
    if done:
        messages.success(
            request,
            ngettext(
                "%(count)d facture prise en connaissance.", "%(count)d factures prises en connaissance.", done
            )
            % {"count": done},
        )
    else:
        messages.error(request, _("Cochez au moins une facture renvoyée."))
    next_url = request.POST.get("next", "")
    if next_url.startswith("/factures-emises/"):
        return redirect(next_url)
    return redirect("invoices:supplier_home")
