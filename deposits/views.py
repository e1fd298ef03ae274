"""Dépôt facture and the deposits' follow-up, in the Factures émises space."""

from allauth.core import ratelimit
from django.contrib import messages
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from deposits import archives, cdar, selectors, services, workflow
from deposits.enums import DepositKind
from deposits.exceptions import DepositError, DepositRefused
from deposits.forms import DepositForm
from invoices.views.common import file_download, paginate, pdf_response
from invoices.views.supplier.base import new_invoice_allowed, render_space
from structures import permissions
from structures.enums import Space, SubscriptionMode

space_required = permissions.space_required(Space.FACTURES_EMISES)


def _deposit(request, deposit_id):
    return get_object_or_404(selectors.deposits_of(request.current_structure), pk=deposit_id)


class SizeLimitUploadHandler(FileUploadHandler):
    """Drops a file as soon as it is larger than the largest deposit (a lot), instead of buffering
    it whole before the form says it is too large."""

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0
        self.too_large = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > archives.MAX_LOT_SIZE:
            self.too_large = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


# The upload handler must be in place before anything reads the body, and the CSRF check reads it:
# the check is made inside, once the handler is installed (Django's "Modifying upload handlers on
# the fly").
@csrf_exempt
def create(request):
    handler = SizeLimitUploadHandler(request)
    request.upload_handlers.insert(0, handler)
    return _create(request, handler)


@csrf_protect
@space_required
@new_invoice_allowed
def _create(request, handler):
    form = DepositForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if handler.too_large:
            # The file is not in request.FILES: the form would only say it is missing.
            message = _("Le fichier dépasse la taille admise (%(size)d Mo).")
            form.add_error("file", message % {"size": archives.MAX_LOT_SIZE >> 20})
        elif form.is_valid():
            if response := ratelimit.consume_or_429(request, action="deposit"):
                return response
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
        deposit.reading = workflow.reading(deposit.status, flagged_items=deposit.flagged_count)
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


@require_GET
@space_required
def rejection_message(request, deposit_id, item_id):
    """The reform's *Rejetée* (213) message of a refused file of the deposit; 404 when it has none."""
    item = get_object_or_404(selectors.items_of(_deposit(request, deposit_id)), pk=item_id)
    message = cdar.rejection_message(item)
    if message is None:
        raise Http404
    return pdf_response(message, cdar.file_name(item), "application/xml")
