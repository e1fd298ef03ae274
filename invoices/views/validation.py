"""Factures à valider (domain §9.6): Synthèse (to validate, with the days left), Rechercher, the
invoice page, Valider / Refuser (one invoice or several) and downloads, for the validator
structure: the titulaire of a sous-traitant, the mandataire of a cotraitant."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from invoices import selectors, services, workflow
from invoices.exceptions import ConcurrentChange, InvalidTransition, InvoiceError, InvoiceNotFound
from invoices.forms.search import ValidatorSearchForm
from invoices.forms.validation import BulkDecisionForm, SingleDecisionForm
from invoices.views.common import (
    csv_export,
    file_download,
    invoice_page_context,
    list_columns,
    more_criteria,
    paginate,
    report_batch,
    report_status,
    run_search,
)
from structures import permissions as structure_permissions
from structures.enums import Space, SubscriptionMode

space_required = structure_permissions.space_required(Space.FACTURES_A_VALIDER)


def _menu() -> list[dict]:
    entries = [("invoices:validation_home", _("Synthèse")), ("invoices:validation_search", _("Rechercher"))]
    return [{"label": label, "url": reverse(name), "name": name} for name, label in entries]


def _can_decide(request) -> bool:
    return request.space_mode == SubscriptionMode.MODIFICATION and request.current_structure.is_active


def _render(request, template, context=None, *, status=200):
    context = {
        "space_menu_items": _menu(),
        "space_title": _("Factures à valider"),
        "can_decide": _can_decide(request),
        "columns": list_columns("validation"),
        "side": "validation",
        **(context or {}),
    }
    return render(request, template, context, status=status)


def _invoice(request, invoice_id):
    return get_object_or_404(selectors.validated_by(request.current_structure), pk=invoice_id)


def _with_deadlines(invoices) -> list:
    """Each invoice with its tacit-validation date and the days left (negative: overdue)."""
    now = timezone.now()
    for invoice in invoices:
        invoice.validation_deadline = workflow.validation_deadline(invoice.status_changed_at)
        invoice.days_left = workflow.validation_days_left(invoice.status_changed_at, now)
    return invoices


@require_GET
@space_required
def home(request):
    """Synthèse: the invoices waiting for this structure's decision, nearest deadline first."""
    page = paginate(request, selectors.awaiting_decision_of(request.current_structure))
    _with_deadlines(page.object_list)
    return _render(
        request,
        "invoices/validation/home.html",
        {"page_obj": page, "bulk_form": BulkDecisionForm(), "validation_days": workflow.VALIDATION_DAYS},
    )


@require_GET
@space_required
def search(request):
    if fragment := more_criteria(request, ValidatorSearchForm()):
        return fragment
    form = ValidatorSearchForm(request.GET or None)
    queryset, sort_key, per_page = run_search(
        request, form, selectors.validated_by(request.current_structure)
    )
    if request.GET.get("format") == "csv" and not form.errors:
        return csv_export(queryset, "factures-a-valider")
    return _render(
        request,
        "invoices/search.html",
        {
            "form": form,
            "page_obj": paginate(request, queryset, per_page),
            "sort": sort_key,
            "can_process": False,
        },
        status=422 if form.errors else 200,
    )


def _decision_form(invoice, data=None):
    return SingleDecisionForm(
        data,
        first_step=invoice.status != workflow.S.TO_VALIDATE_2,
        initial={"expected_status": invoice.status},
    )


def _detail(request, invoice, form, *, status=200):
    step = workflow.VALIDATION_STEPS.get(invoice.status)
    awaiting = (
        step is not None and getattr(invoice, f"{step['validator']}_id") == request.current_structure.pk
    )
    if awaiting:
        _with_deadlines([invoice])
    context = {
        "invoice": invoice,
        "form": form,
        "awaiting": awaiting,
        "validation_days": workflow.VALIDATION_DAYS,
        **invoice_page_context(invoice),
    }
    return _render(request, "invoices/validation/detail.html", context, status=status)


@require_GET
@space_required
def detail(request, invoice_id):
    invoice = _invoice(request, invoice_id)
    return _detail(request, invoice, _decision_form(invoice))


@require_POST
@space_required
def decide(request, invoice_id):
    """Valider or Refuser one invoice; if the other validator or the clock decided first, say so."""
    invoice = _invoice(request, invoice_id)
    form = _decision_form(invoice, request.POST)
    if not form.is_valid():
        return _detail(request, invoice, form, status=422)
    try:
        invoice = services.decide_validation(
            actor=request.user,
            structure=request.current_structure,
            invoice_id=invoice.pk,
            decision=form.cleaned_data["decision"],
            motif=form.cleaned_data["motif"],
            comment=form.cleaned_data["comment"],
            second_validator=form.second_validator,
            expected_status=form.cleaned_data["expected_status"],
            membership=request.current_membership,
        )
    except InvoiceNotFound:
        raise Http404 from None
    except ConcurrentChange as error:
        messages.warning(request, str(error) + " " + _("Votre décision n'a pas été appliquée."))
    except (InvalidTransition, InvoiceError) as error:
        form.add_error(None, str(error))
        return _detail(request, _invoice(request, invoice_id), form, status=422)
    else:
        report_status(request, invoice)
    return redirect("invoices:validation_detail", invoice_id)


@require_POST
@space_required
def bulk_decide(request):
    """Valider or Refuser the invoices ticked in the Synthèse, each on its own."""
    form = BulkDecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("invoices:validation_home")
    outcome = services.decide_validations(
        actor=request.user,
        structure=request.current_structure,
        invoice_ids=form.cleaned_data["ids"],
        decision=form.cleaned_data["decision"],
        motif=form.cleaned_data["motif"],
        comment=form.cleaned_data["comment"],
        membership=request.current_membership,
    )
    report_batch(request, outcome)
    return redirect("invoices:validation_home")


@require_GET
@space_required
def download(request, invoice_id, attachment_id):
    """The validator reads the invoice's files before deciding (its original included)."""
    invoice = _invoice(request, invoice_id)
    attachment = get_object_or_404(invoice.attachments.all(), pk=attachment_id)
    return file_download(attachment.file, attachment.name, attachment.content_type)


@require_GET
@space_required
def original(request, invoice_id):
    invoice = _invoice(request, invoice_id)
    document = services.ensure_original(invoice_id=invoice.pk)
    if document is None:
        messages.error(request, _("L'original de cette facture n'est pas encore disponible."))
        return redirect("invoices:validation_detail", invoice.pk)
    return file_download(document.file, document.name, document.content_type)
