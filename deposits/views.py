"""Dépôt facture and the deposits' follow-up, in the Factures émises space."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from deposits import selectors, services, workflow
from deposits.enums import DepositKind
from deposits.exceptions import DepositError, DepositRefused
from deposits.forms import DepositForm
from invoices.views.common import file_download, paginate
from invoices.views.supplier.base import new_invoice_allowed, render_space
from structures import permissions
from structures.enums import Space, SubscriptionMode

space_required = permissions.space_required(Space.FACTURES_EMISES)


def _deposit(request, deposit_id):
    return get_object_or_404(selectors.deposits_of(request.current_structure), pk=deposit_id)


@space_required
@new_invoice_allowed
def create(request):
    form = DepositForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                deposit = services.create_deposit(
                    actor=request.user,
                    structure=request.current_structure,
                    kind=form.cleaned_data["kind"],
                    declared_format=form.cleaned_data["format"],
                    cadre=form.cleaned_data["cadre"],
                    validator=form.validator,
                    upload=form.cleaned_data["file"],
                )
            except DepositRefused as refused:
                for field, errors in refused.errors.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            except DepositError as error:
                form.add_error(None, str(error))
            else:
                return redirect("deposits:detail", deposit.pk)
        return render_space(request, "deposits/create.html", {"form": form}, status=422)
    return render_space(request, "deposits/create.html", {"form": form})


@require_GET
@space_required
def deposit_list(request):
    page = paginate(request, selectors.with_counts(selectors.deposits_of(request.current_structure)))
    for deposit in page:
        deposit.stuck = services.is_stuck(deposit)
    return render_space(request, "deposits/list.html", {"page_obj": page})


@require_GET
@space_required
def detail(request, deposit_id):
    """The deposit and its compte rendu; while it is processed, htmx refreshes the progress."""
    deposit = _deposit(request, deposit_id)
    finished, is_lot = workflow.is_finished(deposit.status), deposit.kind == DepositKind.LOT
    context = {
        "deposit": deposit,
        # A lot's report is rendered once it is complete, not every second while it is read.
        "items": selectors.items_of(deposit) if finished or not is_lot else (),
        "progress": None if finished else selectors.progress(deposit),
        "finished": finished,
        "stuck": services.is_stuck(deposit),
        "is_lot": is_lot,
        "can_write": request.space_mode == SubscriptionMode.MODIFICATION,
    }
    if request.htmx:
        return render(request, "deposits/includes/progress.html", context)
    return render_space(request, "deposits/detail.html", {**context, "history": deposit.status_changes.all()})


@require_POST
@space_required
def retry(request, deposit_id):
    deposit = _deposit(request, deposit_id)
    try:
        services.retry_deposit(actor=request.user, structure=request.current_structure, deposit_id=deposit.pk)
    except DepositError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Le dépôt %(number)s est relancé.") % {"number": deposit.number})
    return redirect("deposits:detail", deposit.pk)


@require_GET
@space_required
def download(request, deposit_id):
    deposit = _deposit(request, deposit_id)
    return file_download(deposit.file, deposit.file_name)
