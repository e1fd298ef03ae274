from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from annuaire import selectors
from annuaire.forms import AnnuaireSearchForm
from annuaire.pagination import CappedPaginator

RESULTS_PER_PAGE = 20
SERVICES_PER_PAGE = 50


def _page(request, object_list, per_page, paginator_class=Paginator):
    paginator = paginator_class(object_list, per_page)
    # get_page() turns "abc", "-1" or "999999" into a valid page rather than an error.
    page_obj = paginator.get_page(request.GET.get("page"))
    page_obj.pages_list = list(paginator.get_elided_page_range(page_obj.number, on_each_side=1, on_ends=1))
    return page_obj


@require_GET
def search(request):
    """Public directory search; htmx requests get only the results fragment."""
    form = AnnuaireSearchForm(request.GET or None)
    page_obj = None
    if form.is_bound and form.is_valid() and form.has_criteria():
        structures = selectors.search_public_structures(**form.search_arguments())
        page_obj = _page(request, structures, RESULTS_PER_PAGE, CappedPaginator)
    context = {
        "form": form,
        "page_obj": page_obj,
        "breadcrumb_data": {"current": _("Annuaire des structures publiques")},
    }
    # A history restore after a cache miss wants the whole page, not the fragment.
    if request.htmx and not request.htmx.history_restore_request:
        # htmx does not swap 4xx responses by default, and the fragment carries the field errors.
        response = render(request, "annuaire/includes/results.html", context)
    else:
        status = 422 if form.is_bound and form.errors else 200
        response = render(request, "annuaire/search.html", context, status=status)
    # The same URL serves two representations: caches must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def detail(request, pk):
    structure = get_object_or_404(selectors.public_structures(), pk=pk)
    services_page = _page(request, selectors.active_services_of(structure), SERVICES_PER_PAGE)
    context = {
        "structure": structure,
        "breadcrumb_data": {
            "links": [{"url": reverse("annuaire:search"), "title": _("Annuaire des structures publiques")}],
            "current": structure.raison_sociale,
        },
        "services_page": services_page,
        "any_service_requires_engagement": selectors.active_services_of(structure)
        .filter(engagement_required=True)
        .exists(),
    }
    return render(request, "annuaire/detail.html", context)
