"""Synthèse, Rechercher, Tableau de bord."""

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from invoices import selectors, workflow
from invoices.forms.search import DEFAULT_PAGE_SIZE, SupplierSearchForm
from invoices.views.common import csv_export, dashboard_context, more_criteria, paginate, run_search
from invoices.views.supplier.base import render_space, space_required
from structures import selectors as structure_selectors


@require_GET
@space_required
def home(request):
    """Synthèse: invoices to handle (domain §1.2) and the returned ones to acknowledge."""
    structure = request.current_structure
    to_handle, sort_key = selectors.sort(selectors.supplier_to_handle(structure), request.GET.get("sort"))
    returned = selectors.sort(selectors.returned_unacknowledged(structure), "-date_statut")[0]
    # The latest returned invoices; the list of all of them is a search away.
    all_returned = urlencode(
        {"statuses": sorted(workflow.RETURNED_TO_SUPPLIER), "acknowledged": "NON", "sort": "-date_statut"},
        doseq=True,
    )
    return render_space(
        request,
        "invoices/supplier/home.html",
        {
            "page_obj": paginate(request, to_handle),
            "sort": sort_key,
            "returned": returned[:DEFAULT_PAGE_SIZE],
            "returned_count": returned.count(),
            "all_returned_url": f"{reverse('invoices:supplier_search')}?{all_returned}",
            "overdue": selectors.returned_overdue(structure).exists(),
            "blocked_reason": structure_selectors.saisie_blocked_reason(structure),
        },
    )


@require_GET
@space_required
def search(request):
    structure = request.current_structure
    if fragment := more_criteria(request, SupplierSearchForm(structure=structure)):
        return fragment
    form = SupplierSearchForm(request.GET or None, structure=structure)
    queryset, sort_key, per_page = run_search(request, form, selectors.issued_by(structure))
    if request.GET.get("format") == "csv" and not form.errors:
        return csv_export(queryset, "factures-emises")
    return render_space(
        request,
        "invoices/search.html",
        {"form": form, "page_obj": paginate(request, queryset, per_page), "sort": sort_key},
        status=422 if form.errors else 200,
    )


@require_GET
@space_required
def dashboard(request):
    invoices = selectors.sent_by(request.current_structure)
    return render_space(request, "invoices/dashboard.html", dashboard_context(invoices, _("déposées")))
