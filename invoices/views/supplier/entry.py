"""Saisir facture: the entry form, its live totals and the annuaire picker."""

from decimal import Decimal

from django.contrib import messages
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from annuaire import selectors as annuaire_selectors
from annuaire.forms import AnnuaireSearchForm
from annuaire.pagination import CappedPaginator
from invoices import computations, deposit_selectors, services
from invoices.enums import CADRES_ALREADY_PAID
from invoices.exceptions import AttachmentRefused, InvoiceError, SubmissionRefused
from invoices.forms.entry import (
    FORM_FIELDS,
    InvoiceForm,
    entry_error_summary,
    initial_from,
    lines_formset,
    vat_of_choice,
    without_line,
)
from invoices.views.common import paginate
from invoices.views.supplier.base import (
    _ERROR_FIELDS,
    _abilities,
    _add_errors,
    _invoice,
    new_invoice_allowed,
    render_space,
    space_required,
)
from structures import selectors as structure_selectors


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
        "error_summary": entry_error_summary(form, lines),
    }


def _mark_read_fields(form, item):
    """A deposited invoice's form says which values were read in the file (and where), and which
    were deduced from them."""
    read = set(item.recognised)
    for key, (field_name, source_key) in FORM_FIELDS.items():
        unsure = item.to_check.get(source_key) if source_key and key not in read else None
        if field_name in form.fields and unsure:
            # Read but not sure enough to pre-fill: the user sees what was read, and types it.
            note = format_html(
                '<span class="fr-badge fr-badge--sm fr-badge--warning read-badge">{}</span> {}',
                _("À vérifier"),
                _("à vérifier : valeur lue « %(value)s » (« %(text)s »)")
                % {"value": unsure["value"], "text": unsure["source"]},
            )
            form[field_name].help_text = format_html("{} {}", note, form.fields[field_name].help_text)
            continue
        if field_name not in form.fields or (key not in read and key not in item.derived):
            continue
        if key in read:
            badge = _("Lu par OCR dans le document numérisé") if item.read_by_ocr else _("Lu dans le fichier")
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
        category, rate = vat_of_choice(data.get("vat_rate"))
        indexed.append(
            (
                index,
                computations.LineInput(
                    quantity=Decimal(data["quantity"]),
                    unit_price=Decimal(data["unit_price"]),
                    discount=Decimal(data.get("discount") or 0),
                    vat_rate=rate,
                    vat_category=category,
                ),
            )
        )
    header = form.cleaned_data if hasattr(form, "cleaned_data") else form.initial
    typed = header.get("amount_due")
    totals = computations.compute(
        [line for _index, line in indexed],
        global_discount=Decimal(header.get("global_discount") or 0),
        amount_due=computations.amount_due_override(
            Decimal(typed) if typed is not None else None,
            already_paid=header.get("cadre") in CADRES_ALREADY_PAID,
        ),
    )
    for (index, _line), amount in zip(indexed, totals.line_amounts, strict=True):
        lines.forms[index].amount = amount
    totals.amount_due_differs = totals.amount_due != totals.total_ttc
    return totals


# The session key under which a failed send leaves what was typed and refused for the draft's page.
_REFUSED_SEND = "invoices:refused-send:%d"


def _entry(request, invoice=None):
    structure = request.current_structure
    if request.method != "POST":
        return _entry_page(request, invoice)

    action = request.POST.get("action", "save")
    data = request.POST
    if action.startswith("remove_line:"):
        index = action.partition(":")[2]
        data = without_line(data, int(index)) if index.isdigit() else data
    form = InvoiceForm(data, request.FILES, supplier=structure)
    lines = lines_formset(data, extra_line=action == "add_line")
    valid = form.is_valid() & lines.is_valid()  # both validated: every format error at once
    if action == "add_line" or action.startswith("remove_line:") or action == "refresh":
        # Only the form changes; nothing is saved, nothing is submitted: the errors stay beside
        # their fields, without a summary taking the focus.
        context = {**_entry_context(request, form, lines, invoice), "error_summary": []}
        if action == "add_line":
            # The user goes on typing in the new line (the page would open at its top).
            lines.forms[-1].fields["reference"].widget.attrs["autofocus"] = True
        return render_space(request, "invoices/supplier/entry.html", context)

    nothing_typed = invoice is None and not form.has_changed() and not any(row.has_changed() for row in lines)
    if not valid or nothing_typed:
        if nothing_typed:
            form.add_error(
                None,
                _(
                    "Rien n'est saisi : aucun brouillon n'est créé. Une facture doit au moins "
                    "comporter ce qui est signalé ci-dessous."
                ),
            )
        if nothing_typed or action == "send":
            _add_preview_errors(request, form, lines, invoice)
        return render_space(
            request, "invoices/supplier/entry.html", _entry_context(request, form, lines, invoice), status=422
        )
    try:
        draft = services.save_draft(
            actor=request.user,
            structure=structure,
            data=form.service_data(),
            lines=_typed_lines(lines),
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
        # The draft is saved: its own page shows what was typed and what to correct, so that a
        # reload neither posts again nor creates another draft.
        request.session[_REFUSED_SEND % draft.pk] = {"data": list(data.lists()), "errors": refused.errors}
        messages.warning(
            request,
            _(
                "Le brouillon %(number)s est enregistré mais ne peut pas être envoyé : "
                "corrigez les points signalés."
            )
            % {"number": draft.number},
        )
        return redirect("invoices:supplier_edit", draft.pk)
    except InvoiceError as error:
        messages.error(request, str(error))
        return redirect("invoices:supplier_detail", draft.pk)
    messages.success(
        request,
        _("La facture %(number)s est déposée : elle est transmise au destinataire.")
        % {"number": draft.number},
    )
    return redirect("invoices:supplier_detail", draft.pk)


def _entry_page(request, invoice):
    """The empty form, or a draft's; after a refused send, the draft's form as it was typed, with
    what the send refused (left in the session by the POST that redirected here)."""
    structure = request.current_structure
    refused = request.session.pop(_REFUSED_SEND % invoice.pk, None) if invoice else None
    if refused is None:
        form = InvoiceForm(initial=initial_from(invoice) if invoice else None, supplier=structure)
        lines = lines_formset(invoice=invoice)
    else:
        data = QueryDict(mutable=True)
        for key, values in refused["data"]:
            data.setlist(key, values)
        form = InvoiceForm(data, supplier=structure)
        lines = lines_formset(data)
        form.is_valid()
        lines.is_valid()
        _add_errors(form, lines, refused["errors"])
    return render_space(
        request, "invoices/supplier/entry.html", _entry_context(request, form, lines, invoice)
    )


def _typed_lines(lines) -> list[dict]:
    """The valid rows that were filled in (a row left blank is no line)."""
    return [line.line_data() for line in lines.forms if line.has_changed() and line.is_valid()]


def _add_preview_errors(request, form, lines, invoice):
    """What the send would also refuse in the valid part of the form, beside its format errors
    (a field or the lines already in error are not told more about)."""
    errors = services.submission_preview(
        actor=request.user,
        structure=request.current_structure,
        data=form.service_data(),
        lines=_typed_lines(lines),
        invoice_id=invoice.pk if invoice else None,
        amount_due=form.cleaned_data.get("amount_due"),
    )
    lines_in_error = any(line.errors for line in lines.forms) or lines.non_form_errors()
    kept = {
        field: messages_
        for field, messages_ in errors.items()
        if not (field == "lines" and lines_in_error) and _ERROR_FIELDS.get(field, field) not in form.errors
    }
    _add_errors(form, lines, kept)


@space_required
@new_invoice_allowed
def create(request):
    return _entry(request)


@space_required
def edit(request, invoice_id):
    invoice = _invoice(request, invoice_id)
    abilities = _abilities(request, invoice)
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
        page = paginate(
            request,
            annuaire_selectors.search_public_structures(**form.search_arguments()),
            10,
            paginator_class=CappedPaginator,
        )
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
