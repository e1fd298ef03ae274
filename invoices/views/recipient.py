"""Factures reçues: Synthèse (to process), Rechercher, Tableau de bord, the invoice page, Traiter
(one invoice or several) and downloads."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from invoices import permissions, selectors, services, workflow
from invoices.enums import AttachmentKind
from invoices.exceptions import ConcurrentChange, InvalidTransition, InvoiceError, InvoiceNotFound
from invoices.forms.processing import BulkProcessForm, SingleProcessForm
from invoices.forms.search import RecipientSearchForm
from invoices.views.common import (
    csv_export,
    dashboard_context,
    file_download,
    invoice_page_context,
    lifecycle_views,
    list_columns,
    more_criteria,
    paginate,
    report_batch,
    report_status,
    run_search,
)
from structures import permissions as structure_permissions
from structures.enums import Space, SubscriptionMode

space_required = structure_permissions.space_required(Space.FACTURES_RECUES)


def _menu() -> list[dict]:
    entries = [
        ("invoices:recipient_home", _("Synthèse")),
        ("invoices:recipient_search", _("Rechercher")),
        ("invoices:recipient_dashboard", _("Tableau de bord")),
    ]
    return [{"label": label, "url": reverse(name), "name": name} for name, label in entries]


def _can_process(request) -> bool:
    return request.space_mode == SubscriptionMode.MODIFICATION and request.current_structure.is_active


def _render(request, template, context=None, *, status=200):
    context = {
        "space_menu_items": _menu(),
        "space_title": _("Factures reçues"),
        "can_process": _can_process(request),
        "columns": list_columns("recipient"),
        "side": "recipient",
        **(context or {}),
    }
    return render(request, template, context, status=status)


def _received(request):
    return selectors.received_by(request.current_structure, request.user, request.current_membership)


def _invoice(request, invoice_id):
    return get_object_or_404(_received(request), pk=invoice_id)


def _bulk_form(data=None):
    return BulkProcessForm(data)


@require_GET
@space_required
def home(request):
    """Synthèse: the invoices to process (MISE_A_DISPOSITION and COMPLETEE, domain §1.2)."""
    queryset, sort_key = selectors.sort(
        selectors.recipient_to_handle(request.current_structure, request.user, request.current_membership),
        request.GET.get("sort"),
    )
    return _render(
        request,
        "invoices/recipient/home.html",
        {"page_obj": paginate(request, queryset), "sort": sort_key, "bulk_form": _bulk_form()},
    )


@require_GET
@space_required
def search(request):
    structure = request.current_structure
    services_in_scope = structure_permissions.service_scope(
        request.user, structure, request.current_membership
    )
    services = (
        structure.services.filter(pk__in=[s.pk for s in services_in_scope])
        if services_in_scope is not None
        else structure.services.all()
    )
    if fragment := more_criteria(request, RecipientSearchForm(services=services)):
        return fragment
    form = RecipientSearchForm(request.GET or None, services=services)
    queryset, sort_key, per_page = run_search(request, form, _received(request))
    if request.GET.get("format") == "csv" and not form.errors:
        return csv_export(queryset, "factures-recues")
    return _render(
        request,
        "invoices/search.html",
        {
            "form": form,
            "page_obj": paginate(request, queryset, per_page),
            "sort": sort_key,
            "bulk_form": _bulk_form(),
        },
        status=422 if form.errors else 200,
    )


@require_GET
@space_required
def dashboard(request):
    return _render(request, "invoices/dashboard.html", dashboard_context(_received(request), _("reçues")))


def _abilities(request, invoice) -> dict:
    return permissions.invoice_abilities(
        request.user, request.current_structure, invoice, membership=request.current_membership
    )


@require_GET
@space_required
def detail(request, invoice_id):
    invoice = _invoice(request, invoice_id)
    abilities = _abilities(request, invoice)
    form = SingleProcessForm(
        transitions=abilities["transitions"], initial={"expected_status": invoice.status}
    )
    return _render(request, "invoices/recipient/detail.html", _detail_context(invoice, abilities, form))


def _detail_context(invoice, abilities, form) -> dict:
    return {
        "invoice": invoice,
        "abilities": abilities,
        "form": form,
        **invoice_page_context(invoice),
    }


@require_POST
@space_required
def process(request, invoice_id):
    """Traiter one invoice; if someone changed its status meanwhile, say so and show the new one.
    The service reads the invoice once, locked, and the rights from the request's membership."""
    form = SingleProcessForm(
        request.POST,
        transitions=workflow.allowed(request.POST.get("expected_status", ""), workflow.Side.RECIPIENT),
    )
    if not form.is_valid():
        invoice = _invoice(request, invoice_id)
        return _render(
            request,
            "invoices/recipient/detail.html",
            _detail_context(invoice, _abilities(request, invoice), form),
            status=422,
        )
    try:
        invoice = services.process_invoice(
            actor=request.user,
            structure=request.current_structure,
            invoice_id=invoice_id,
            transition=form.cleaned_data["transition"],
            reason=form.cleaned_data["reason"],
            reason_code=form.cleaned_data["reason_code"],
            mandate_number=form.cleaned_data["mandate_number"],
            expected_status=form.cleaned_data["expected_status"],
            membership=request.current_membership,
        )
    except InvoiceNotFound:
        raise Http404 from None
    except ConcurrentChange as error:
        messages.warning(request, str(error) + " " + _("Votre action n'a pas été appliquée."))
    except InvalidTransition:
        invoice = _invoice(request, invoice_id)
        messages.error(
            request,
            _("Le statut actuel de la facture (« %(status)s ») ne permet pas cette action.")
            % {"status": invoice.get_status_display()},
        )
    except InvoiceError as error:
        messages.error(request, str(error))
    else:
        report_status(request, invoice)
    return redirect("invoices:recipient_detail", invoice_id)


@require_POST
@space_required
def bulk_process(request):
    """Traiter several invoices ticked in a list, each on its own (domain §1.3)."""
    form = _bulk_form(request.POST)
    next_url = request.POST.get("next", "")
    if not next_url.startswith("/factures-recues/"):
        next_url = reverse("invoices:recipient_home")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(next_url)
    outcome = services.process_invoices(
        actor=request.user,
        structure=request.current_structure,
        invoice_ids=form.cleaned_data["ids"],
        transition=form.cleaned_data["transition"],
        reason=form.cleaned_data["reason"],
        reason_code=form.cleaned_data["reason_code"],
        mandate_number=form.cleaned_data["mandate_number"],
        membership=request.current_membership,
    )
    report_batch(request, outcome)
    return redirect(next_url)


@require_GET
@space_required
def download(request, invoice_id, attachment_id):
    invoice = _invoice(request, invoice_id)
    attachment = get_object_or_404(invoice.attachments.all(), pk=attachment_id)
    if attachment.kind == AttachmentKind.PRINCIPAL:
        return redirect("invoices:recipient_original", invoice.pk)
    return file_download(attachment.file, attachment.name, attachment.content_type)


@require_GET
@space_required
def original(request, invoice_id):
    """Downloading the invoice marks it downloaded by the recipient (`factureTelechargeeParDestinataire`)."""
    invoice = _invoice(request, invoice_id)
    document = services.ensure_original(invoice_id=invoice.pk)
    if document is None:
        messages.error(request, _("L'original de cette facture n'est pas encore disponible."))
        return redirect("invoices:recipient_detail", invoice.pk)
    services.mark_downloaded(actor=request.user, structure=request.current_structure, invoice_id=invoice.pk)
    return file_download(document.file, document.name, document.content_type)


lifecycle, lifecycle_message = lifecycle_views(_invoice, space_required)
