"""Factures émises: Synthèse, Rechercher, Tableau de bord, Saisir facture, the invoice page and the
supplier's actions on returned invoices."""

from decimal import Decimal
from functools import wraps

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from annuaire import selectors as annuaire_selectors
from annuaire.forms import AnnuaireSearchForm
from choruspro.forms import object_id
from deposits import selectors as deposit_selectors
from deposits.prefill import FORM_FIELDS
from invoices import computations, permissions, selectors, services, workflow
from invoices.documents import render_deposit_certificate_pdf
from invoices.enums import AttachmentKind, Cadre, InvoiceStatus
from invoices.exceptions import AttachmentRefused, InvoiceError, SubmissionRefused
from invoices.forms.entry import InvoiceForm, initial_from, lines_formset, without_line
from invoices.forms.processing import CompleteForm, RecycleForm
from invoices.forms.search import DEFAULT_PAGE_SIZE, SupplierSearchForm
from invoices.views.common import (
    csv_export,
    dashboard_context,
    file_download,
    list_columns,
    more_criteria,
    paginate,
    pdf_response,
    run_search,
)
from structures import selectors as structure_selectors
from structures.enums import Space, SubscriptionMode

space_required = permissions.space_required(Space.FACTURES_EMISES)


def _menu(request) -> list[dict]:
    entries = [
        ("invoices:supplier_home", _("Synthèse")),
        ("invoices:supplier_search", _("Rechercher")),
        ("invoices:supplier_dashboard", _("Tableau de bord")),
    ]
    if request.space_mode == SubscriptionMode.MODIFICATION:
        entries += [
            ("invoices:supplier_create", _("Saisir facture")),
            ("deposits:create", _("Dépôt facture")),
        ]
    entries.append(("deposits:list", _("Dépôts")))
    return [{"label": label, "url": reverse(name), "name": name} for name, label in entries]


def render_space(request, template, context=None, *, status=200):
    """A page of the Factures émises space, with its menu."""
    context = {
        "space_menu_items": _menu(request),
        "space_title": _("Factures émises"),
        "can_write": request.space_mode == SubscriptionMode.MODIFICATION
        and request.current_structure.is_active,
        "columns": list_columns("supplier"),
        "side": "supplier",
        **(context or {}),
    }
    return render(request, template, context, status=status)


def _invoice(request, invoice_id):
    return get_object_or_404(selectors.issued_by(request.current_structure), pk=invoice_id)


# --- Lists -----------------------------------------------------------------------------------------


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
    invoices = selectors.issued_by(request.current_structure).exclude(status=InvoiceStatus.DRAFT)
    return render_space(request, "invoices/dashboard.html", dashboard_context(invoices, _("déposées")))


# --- Saisir facture --------------------------------------------------------------------------------


def _entry_context(request, form, lines, invoice=None):
    structure = request.current_structure
    totals = _preview_totals(form, lines)
    deposit_item = deposit_selectors.item_of_invoice(invoice) if invoice else None
    if deposit_item is not None:
        _mark_read_fields(form, deposit_item)
    return {
        "deposit_item": deposit_item,
        "item": deposit_item,
        "form": form,
        "lines": lines,
        "invoice": invoice,
        "totals": totals,
        "attachments": list(invoice.attachments.all()) if invoice else [],
        "blocked_reason": structure_selectors.saisie_blocked_reason(structure),
        "picker_form": AnnuaireSearchForm(),
        "supplier": structure,
    }


def _mark_read_fields(form, item):
    """A deposited invoice's form says which values were read in the file (and where), and which
    were deduced from them."""
    read = set(item.recognised)
    for key, (field_name, source_key) in FORM_FIELDS.items():
        if field_name not in form.fields or (key not in read and key not in item.derived):
            continue
        if key in read:
            badge = _("Lu dans le fichier")
            source = item.sources.get(source_key, "") if source_key else ""
        else:
            badge, source = _("Déduit du fichier"), ""
        note = format_html(
            '<span class="fr-badge fr-badge--sm fr-badge--success read-badge">{}</span>', badge
        )
        if source:
            note = format_html("{} {}", note, _("« %(text)s »") % {"text": source})
        # The bound field keeps its own copy of the help text (made when the form was built).
        form[field_name].help_text = format_html("{} {}", note, form.fields[field_name].help_text)


def _preview_totals(form, lines):
    """Totals of what is on screen (complete lines only), computed by the same code as the saved
    ones; each line form gets its `amount` for the lines table."""
    indexed = []
    for index, line in enumerate(lines.forms):
        line.amount = None
        if line.is_bound and not (line.has_changed() and line.is_valid()):
            continue
        data = line.cleaned_data if line.is_bound else line.initial
        if not data or data.get("quantity") is None or data.get("unit_price") is None:
            continue
        indexed.append(
            (
                index,
                computations.LineInput(
                    quantity=Decimal(data["quantity"]),
                    unit_price=Decimal(data["unit_price"]),
                    discount=Decimal(data.get("discount") or 0),
                    vat_rate=Decimal(str(data.get("vat_rate") or 0)),
                ),
            )
        )
    header = form.cleaned_data if hasattr(form, "cleaned_data") else form.initial
    override = header.get("amount_due")
    if override is None and header.get("cadre") == Cadre.A2:
        override = Decimal(0)
    totals = computations.compute(
        [line for _index, line in indexed],
        global_discount=Decimal(header.get("global_discount") or 0),
        amount_due=Decimal(override) if override is not None else None,
    )
    for (index, _line), amount in zip(indexed, totals.line_amounts, strict=True):
        lines.forms[index].amount = amount
    totals.amount_due_differs = totals.amount_due != totals.total_ttc
    return totals


def _entry(request, invoice=None):
    structure = request.current_structure
    if request.method != "POST":
        form = InvoiceForm(initial=initial_from(invoice) if invoice else None, supplier=structure)
        return render_space(
            request,
            "invoices/supplier/entry.html",
            _entry_context(request, form, lines_formset(invoice=invoice), invoice),
        )

    action = request.POST.get("action", "save")
    data = request.POST
    if action.startswith("remove_line:"):
        index = action.partition(":")[2]
        data = without_line(data, int(index)) if index.isdigit() else data
    form = InvoiceForm(data, request.FILES, supplier=structure)
    lines = lines_formset(data, extra_line=action == "add_line")
    if action == "add_line" or action.startswith("remove_line:") or action == "refresh":
        # Only the form changes; nothing is saved.
        form.is_valid()
        lines.is_valid()
        return render_space(
            request, "invoices/supplier/entry.html", _entry_context(request, form, lines, invoice)
        )

    if not (form.is_valid() and lines.is_valid()):
        messages.error(request, _("Le formulaire comporte des erreurs : corrigez les champs signalés."))
        return render_space(
            request, "invoices/supplier/entry.html", _entry_context(request, form, lines, invoice), status=422
        )
    try:
        draft = services.save_draft(
            actor=request.user,
            structure=structure,
            data=form.service_data(),
            lines=[line.line_data() for line in lines.forms if line.has_changed() and line.cleaned_data],
            invoice_id=invoice.pk if invoice else None,
            amount_due=form.cleaned_data["amount_due"],
            files=form.cleaned_data["attachments"],
        )
    except AttachmentRefused as refused:
        for name, problem in refused.errors.items():
            form.add_error("attachments", f"{name} : {problem}")
        return render_space(
            request, "invoices/supplier/entry.html", _entry_context(request, form, lines, invoice), status=422
        )
    except SubmissionRefused as refused:
        _add_errors(form, lines, refused.errors)
        return render_space(
            request, "invoices/supplier/entry.html", _entry_context(request, form, lines, invoice), status=422
        )
    except InvoiceError as error:
        messages.error(request, str(error))
        return (
            redirect("invoices:supplier_detail", invoice.pk)
            if invoice
            else redirect("invoices:supplier_home")
        )

    if action != "send":
        messages.success(request, _("Brouillon %(number)s enregistré.") % {"number": draft.number})
        return redirect("invoices:supplier_edit", draft.pk)
    try:
        services.submit_invoice(actor=request.user, structure=structure, invoice_id=draft.pk)
    except SubmissionRefused as refused:
        # The draft is saved: the user corrects what is reported and sends again.
        form = InvoiceForm(data, supplier=structure)
        form.is_valid()
        lines = lines_formset(data)
        lines.is_valid()
        _add_errors(form, lines, refused.errors)
        messages.warning(
            request,
            _(
                "Le brouillon %(number)s est enregistré mais ne peut pas être envoyé : "
                "corrigez les points signalés."
            )
            % {"number": draft.number},
        )
        return render_space(
            request, "invoices/supplier/entry.html", _entry_context(request, form, lines, draft), status=422
        )
    except InvoiceError as error:
        messages.error(request, str(error))
        return redirect("invoices:supplier_detail", draft.pk)
    messages.success(
        request,
        _("La facture %(number)s est déposée : elle est transmise au destinataire.")
        % {"number": draft.number},
    )
    return redirect("invoices:supplier_detail", draft.pk)


# Submission problems on model fields are shown next to the form field that holds them.
_ERROR_FIELDS = {
    "recipient": "recipient_identifier",
    "validator": "validator_identifier",
    "lines": None,
}


def _add_errors(form, lines, errors):
    for field, messages_ in errors.items():
        target = _ERROR_FIELDS.get(field, field)
        if field == "lines":
            lines.line_errors = messages_
            continue
        for message in messages_:
            form.add_error(target if target in form.fields else None, message)


def new_invoice_allowed(view):
    """Saisir and Déposer open only when the service allows a new invoice; otherwise the user is
    told why on the Synthèse."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        refusal = services.new_invoice_refusal(request.user, request.current_structure)
        if refusal:
            messages.error(request, refusal)
            return redirect("invoices:supplier_home")
        return view(request, *args, **kwargs)

    return wrapper


@space_required
@new_invoice_allowed
def create(request):
    return _entry(request)


@space_required
def edit(request, invoice_id):
    invoice = _invoice(request, invoice_id)
    abilities = permissions.supplier_abilities(request.user, request.current_structure, invoice)
    if not abilities["edit"]:
        return redirect("invoices:supplier_detail", invoice.pk)
    return _entry(request, invoice)


@require_POST
@space_required
def totals(request):
    """htmx: the VAT summary and totals of the form as typed (no JS computes an amount)."""
    form = InvoiceForm(request.POST, supplier=request.current_structure)
    form.is_valid()
    lines = lines_formset(request.POST)
    lines.is_valid()
    return render(
        request,
        "invoices/supplier/includes/totals.html",
        {"totals": _preview_totals(form, lines), "lines": lines},
    )


@require_GET
@space_required
def recipient_search(request):
    """htmx: the annuaire picker's results (public structures), each with a Choose button."""
    form = AnnuaireSearchForm(request.GET or None)
    page = None
    if form.is_bound and form.is_valid() and form.has_criteria():
        page = paginate(request, annuaire_selectors.search_public_structures(**form.search_arguments()), 10)
    return render(
        request, "invoices/supplier/includes/recipient_results.html", {"form": form, "page_obj": page}
    )


@require_GET
@space_required
def recipient_block(request):
    """htmx: the Destinataire block for the identifier typed or picked: its requirements and services."""
    form = InvoiceForm(
        initial={"recipient_identifier": request.GET.get("recipient_identifier", "")},
        supplier=request.current_structure,
    )
    return render(request, "invoices/supplier/includes/recipient_block.html", {"form": form})


# --- Invoice page and actions ---------------------------------------------------------------------


@require_GET
@space_required
def detail(request, invoice_id):
    invoice = _invoice(request, invoice_id)
    return render_space(
        request,
        "invoices/supplier/detail.html",
        {
            "invoice": invoice,
            "abilities": permissions.supplier_abilities(request.user, request.current_structure, invoice),
            "audit_trail_break": selectors.audit_trail_break(invoice),
            **_history(invoice),
        },
    )


def _history(invoice) -> dict:
    return {
        "status_changes": invoice.status_changes.select_related("actor", "structure"),
        "user_actions": invoice.user_actions.select_related("actor"),
        "events": invoice.events.all(),
        "original": invoice.attachments.filter(kind=AttachmentKind.PRINCIPAL).first(),
        "attachments": invoice.attachments.select_related("added_by"),
        "lines": invoice.lines.all(),
        "vat_lines": invoice.vat_lines.all(),
        "last_return": invoice.status_changes.filter(to_status__in=workflow.RETURNED_TO_SUPPLIER).first(),
    }


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
    except workflow.InvalidTransition:
        messages.error(request, _("Seul un brouillon peut être supprimé."))
        return redirect("invoices:supplier_detail", invoice.pk)
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


@space_required
def recycle(request, invoice_id):
    """Recycler (À recycler): correct the recipient, its service or the engagement, then route again."""
    invoice = _invoice(request, invoice_id)
    abilities = permissions.supplier_abilities(request.user, request.current_structure, invoice)
    if not abilities["recycle"]:
        messages.error(request, _("Cette facture n'est pas à recycler."))
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
        {"invoice": invoice, "form": form, "picker_form": AnnuaireSearchForm(), **_history(invoice)},
        status=status,
    )


@space_required
def complete(request, invoice_id):
    """Compléter (Suspendue): add the missing documents and/or a comment."""
    invoice = _invoice(request, invoice_id)
    abilities = permissions.supplier_abilities(request.user, request.current_structure, invoice)
    if not abilities["complete"]:
        messages.error(request, _("Cette facture n'est pas suspendue."))
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
        {"invoice": invoice, "form": form, **_history(invoice)},
        status=status,
    )


@require_POST
@space_required
def acknowledge(request):
    """Prendre connaissance of one or several returned invoices."""
    done = 0
    for value in request.POST.getlist("ids"):
        invoice_id = object_id(value)
        if invoice_id is None:
            continue
        try:
            services.acknowledge_return(
                actor=request.user, structure=request.current_structure, invoice_id=invoice_id
            )
        except InvoiceError:
            continue
        done += 1
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
    if invoice.status == InvoiceStatus.DRAFT:
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


urlpatterns = [
    path("factures-emises/", home, name="supplier_home"),
    path("factures-emises/rechercher/", search, name="supplier_search"),
    path("factures-emises/tableau-de-bord/", dashboard, name="supplier_dashboard"),
    path("factures-emises/saisir/", create, name="supplier_create"),
    path("factures-emises/saisir/totaux/", totals, name="supplier_totals"),
    path("factures-emises/saisir/annuaire/", recipient_search, name="supplier_recipient_search"),
    path("factures-emises/saisir/destinataire/", recipient_block, name="supplier_recipient_block"),
    path("factures-emises/prendre-connaissance/", acknowledge, name="supplier_acknowledge"),
    path("factures-emises/<int:invoice_id>/", detail, name="supplier_detail"),
    path("factures-emises/<int:invoice_id>/modifier/", edit, name="supplier_edit"),
    path("factures-emises/<int:invoice_id>/dupliquer/", duplicate, name="supplier_duplicate"),
    path("factures-emises/<int:invoice_id>/supprimer/", delete, name="supplier_delete"),
    path("factures-emises/<int:invoice_id>/recycler/", recycle, name="supplier_recycle"),
    path("factures-emises/<int:invoice_id>/completer/", complete, name="supplier_complete"),
    path("factures-emises/<int:invoice_id>/certificat-de-depot/", certificate, name="supplier_certificate"),
    path("factures-emises/<int:invoice_id>/original/", original, name="supplier_original"),
    path(
        "factures-emises/<int:invoice_id>/pieces-jointes/<int:attachment_id>/",
        download,
        name="supplier_download",
    ),
    path(
        "factures-emises/<int:invoice_id>/pieces-jointes/<int:attachment_id>/retirer/",
        remove_attachment,
        name="supplier_remove_attachment",
    ),
]
