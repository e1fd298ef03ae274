"""What the supplier and recipient screens share: lists, CSV export, downloads, notifications."""

import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from choruspro.spreadsheet import csv_writer
from invoices import cdar, selectors, services, workflow
from invoices.enums import AttachmentKind, DepositMode, InvoiceStatus, InvoiceType, translated_labels
from invoices.forms.search import DEFAULT_PAGE_SIZE


def paginate(request, queryset, per_page=DEFAULT_PAGE_SIZE, paginator_class=Paginator):
    paginator = paginator_class(queryset, per_page)
    # get_page() turns "abc", "-1" or "999999" into a valid page rather than an error.
    page = paginator.get_page(request.GET.get("page"))
    page.pages_list = list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    return page


def more_criteria(request, form):
    """The folded criteria of a search form, asked for by htmx when the user opens them (the
    page leaves them out while none is in use), or None when the request is the search itself."""
    if request.GET.get("criteres") != "plus":
        return None
    return render(request, "invoices/includes/more_criteria.html", {"form": form})


def run_search(request, form, queryset):
    """(page, sort key, form): the searched, sorted, paginated list; criteria in error are ignored."""
    if form.is_bound and form.is_valid():
        queryset = selectors.search(queryset, form.criteria())
        per_page = form.cleaned_data.get("per_page") or DEFAULT_PAGE_SIZE
        sort_key = form.cleaned_data.get("sort")
    else:
        per_page, sort_key = DEFAULT_PAGE_SIZE, request.GET.get("sort")
    queryset, sort_key = selectors.sort(queryset, sort_key)
    return queryset, sort_key, per_page


class _Echo:
    def write(self, value):
        return value


def _amount(value) -> str:
    # French spreadsheets read a comma as the decimal separator.
    return f"{value:.2f}".replace(".", ",") if value is not None else ""


def _date(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value)
        return value.strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")


def _csv_columns() -> tuple:
    """(title, value of an exported invoice) of the export, in the active language."""
    types, statuses, modes = (translated_labels(enum) for enum in (InvoiceType, InvoiceStatus, DepositMode))
    yes, no = _("Oui"), _("Non")
    return (
        (_("Identifiant portail"), lambda r: r["id"]),
        (_("Numéro de facture"), lambda r: r["number"]),
        (_("Type"), lambda r: types.get(r["invoice_type"], r["invoice_type"])),
        (_("Cadre de facturation"), lambda r: r["cadre"]),
        (_("Identifiant fournisseur"), lambda r: r["supplier__identifier"]),
        (_("Fournisseur"), lambda r: r["supplier__raison_sociale"]),
        (_("Service fournisseur"), lambda r: r["supplier_service__code"] or ""),
        (_("Identifiant destinataire"), lambda r: r["recipient__identifier"] or ""),
        (_("Destinataire"), lambda r: r["recipient__raison_sociale"] or ""),
        (_("Code service"), lambda r: r["recipient_service__code"] or ""),
        (_("Date de facture"), lambda r: _date(r["invoice_date"])),
        (_("Date de dépôt"), lambda r: _date(r["deposited_at"])),
        (_("Statut"), lambda r: r["status"]),
        (_("Libellé du statut"), lambda r: statuses.get(r["status"], r["status"])),
        (_("Date du statut"), lambda r: _date(r["status_changed_at"])),
        (_("Montant HT"), lambda r: _amount(r["total_ht"])),
        (_("Montant TVA"), lambda r: _amount(r["total_vat"])),
        (_("Montant TTC"), lambda r: _amount(r["total_ttc"])),
        (_("Net à payer"), lambda r: _amount(r["amount_due"])),
        (_("Devise"), lambda r: r["currency"]),
        (_("Numéro de marché"), lambda r: r["contract_number"]),
        (_("Numéro d'engagement"), lambda r: r["numero_engagement"]),
        (_("Mode de dépôt"), lambda r: modes.get(r["deposit_mode"], r["deposit_mode"])),
        (_("Téléchargée par le destinataire"), lambda r: yes if r["downloaded_by_recipient"] else no),
    )


def csv_export(queryset, filename: str) -> StreamingHttpResponse:
    """Every invoice of the search (not only the page shown), streamed, for a French spreadsheet."""
    writer = csv_writer(_Echo())
    columns = _csv_columns()
    values = [value for _title, value in columns]

    def rows():
        yield "\ufeff"  # the BOM makes spreadsheets read UTF-8
        yield writer.writerow([title for title, _value in columns])
        for row in selectors.exported(queryset).iterator(chunk_size=2000):
            yield writer.writerow([value(row) for value in values])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    stamp = formats.date_format(timezone.localtime(), "Ymd-His")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.csv"'
    return response


def _sandboxed(response):
    """A file someone uploaded (an SVG, an HTML page…) is saved, never run in the portal's origin:
    no sniffing into HTML, and a sandbox without scripts should a browser show it anyway."""
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


def file_download(stored_file, filename: str, content_type: str = "application/octet-stream") -> FileResponse:
    try:
        handle = stored_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return _sandboxed(FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type))


def pdf_response(data: bytes, filename: str, content_type: str = "application/pdf") -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _sandboxed(response)


def lifecycle_views(read_invoice, space_required):
    """The two lifecycle downloads of a space: `read_invoice(request, invoice_id)` reads the
    invoice in the space's scope (another structure's invoice → 404)."""

    @require_GET
    @space_required
    def lifecycle(request, invoice_id):
        return lifecycle_download(read_invoice(request, invoice_id))

    @require_GET
    @space_required
    def lifecycle_message(request, invoice_id, change_id):
        return lifecycle_message_download(
            read_invoice(request, invoice_id), change_id, request.GET.get("statut", "")
        )

    return lifecycle, lifecycle_message


def lifecycle_download(invoice) -> HttpResponse:
    """The invoice's whole lifecycle as the reform's CDAR messages (a ZIP); 404 before it has any."""
    changes = list(invoice.status_changes.all())
    if not any(cdar.has_message(change) for change in changes):
        raise Http404
    return pdf_response(cdar.lifecycle_archive(invoice, changes), cdar.file_name(invoice), "application/zip")


def lifecycle_message_download(invoice, change_id: int, code: str = "") -> HttpResponse:
    """The CDAR message stating the reform status `code` (by default the first) of one status
    change of the invoice (already read in the user's scope)."""
    change = get_object_or_404(invoice.status_changes.all(), pk=change_id)
    message = cdar.message(invoice, change, code)
    if message is None:
        raise Http404
    return pdf_response(message, cdar.file_name(invoice, change, code), "application/xml")


def invoice_page_context(invoice) -> dict:
    """The invoice page's data and histories; the original and the last return are picked from
    the lists the page shows anyway (no query of their own)."""
    attachments = list(invoice.attachments.select_related("added_by"))
    histories = {
        "status_changes": list(invoice.status_changes.select_related("actor", "structure")),
        "user_actions": list(invoice.user_actions.select_related("actor")),
        "events": list(invoice.events.all()),
    }
    returns = (c for c in histories["status_changes"] if c.to_status in workflow.RETURNED_TO_SUPPLIER)
    return {
        **histories,
        "audit_trail_break": selectors.audit_trail_break(**histories),
        "original": next((a for a in attachments if a.kind == AttachmentKind.PRINCIPAL), None),
        "attachments": attachments,
        "lines": invoice.lines.all(),
        "vat_lines": invoice.vat_lines.all(),
        "last_return": next(returns, None),
        "has_lifecycle": any(cdar.has_message(change) for change in histories["status_changes"]),
    }


@login_required
def notification_list(request):
    page = paginate(request, selectors.notifications_of(request.user), 30)
    return render(request, "invoices/notifications.html", {"page_obj": page})


@require_POST
@login_required
def notifications_read(request):
    services.mark_notifications_read(user=request.user)
    return redirect("invoices:notifications")


def report_status(request, invoice) -> None:
    """The message after one invoice's decision (Traiter, Valider / Refuser): its new status."""
    messages.success(
        request,
        _("La facture %(number)s est maintenant « %(status)s ».")
        % {"number": invoice.number, "status": invoice.get_status_display()},
    )


def report_batch(request, outcome) -> None:
    """The outcome of a « several at once » action: the numbers done, then each refusal and why."""
    if count := len(outcome.done):
        messages.success(
            request,
            ngettext(
                "%(count)d facture traitée : %(numbers)s.",
                "%(count)d factures traitées : %(numbers)s.",
                count,
            )
            % {"count": count, "numbers": ", ".join(outcome.done)},
        )
    for number, reason in outcome.refused:
        messages.warning(
            request, _("Facture %(number)s non traitée : %(reason)s.") % {"number": number, "reason": reason}
        )


def list_columns(side: str) -> list[tuple[str, str]]:
    """Columns of the invoice lists (domain §11.2): (sort key, header)."""
    party = ("destinataire", _("Destinataire")) if side == "supplier" else ("fournisseur", _("Fournisseur"))
    return [
        ("date_depot", _("Date de dépôt")),
        party,
        ("service", _("Code service")),
        ("type", _("Type")),
        ("numero", _("Numéro")),
        ("date_facture", _("Date de facture")),
        ("statut", _("Statut")),
        ("montant_ttc", _("Montant TTC")),
        ("net_a_payer", _("Net à payer")),
        ("engagement", _("Engagement")),
    ]


def _axis_top(top: float) -> float:
    """The axis' end: the smallest 1, 2, 2.5 or 5 × 10^n at or above the largest value."""
    if top <= 0:
        return 1
    power = 10 ** math.floor(math.log10(top))
    return next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= top)


def column_chart(values: list, labels: list[str], *, height: int = 200, column: int = 56) -> dict:
    """Geometry of a vertical bar chart (one bar a month) with its value axis, drawn in SVG by
    the template: no chart script, so nothing for the CSP to refuse and no layout shift."""
    left, bottom, top_margin = 84, 64, 18
    axis_top = _axis_top(max((float(value or 0) for value in values), default=0))
    plot = height - top_margin
    ticks = [
        {"value": axis_top * step / 4, "y": round(top_margin + plot * (1 - step / 4))} for step in range(5)
    ]
    bars = []
    for index, (value, label) in enumerate(zip(values, labels, strict=True)):
        bar_height = round(float(value or 0) / axis_top * plot)
        x = left + index * column + column // 6
        bars.append(
            {
                "x": x,
                "y": height - bar_height,
                "width": column * 2 // 3,
                "height": bar_height,
                "center": x + column // 3,
                "label": label,
                "value": value,
            }
        )
    return {
        "bars": bars,
        "ticks": ticks,
        "left": left,
        "width": left + len(bars) * column,
        "height": height,
        "total_height": height + bottom,
    }


def row_chart(values: list, labels: list[str], *, row: int = 30, bar_area: int = 280) -> dict:
    """Geometry of a horizontal bar chart whose labels (statuses) are written in full on the left:
    the label column is as wide as the longest label, at about 7 px a character."""
    left = 8 + 7 * max((len(str(label)) for label in labels), default=0)
    top = max((float(value or 0) for value in values), default=0) or 1
    bars = [
        {
            "y": index * row + 4,
            "text_y": index * row + row // 2 + 4,
            "width": max(1, round(float(value or 0) / top * bar_area)),
            "label": label,
            "value": value,
        }
        for index, (value, label) in enumerate(zip(values, labels, strict=True))
    ]
    for bar in bars:
        bar["value_x"] = left + bar["width"] + 6
    return {"bars": bars, "left": left, "width": left + bar_area + 90, "height": len(bars) * row + 8}


def dashboard_context(invoices, verb: str) -> dict:
    by_status, by_month = selectors.dashboard_figures(invoices)
    # Django's date format for the axis, chosen per language: « juil. 2026 », « Jul 2026 ».
    # Translators: Django date format of a month on a chart axis.
    month_format = _("N Y")
    labels = [formats.date_format(row["month"], month_format) for row in by_month]
    return {
        "by_status": by_status,
        "by_month": by_month,
        "verb": verb,
        "total_count": sum(row["count"] for row in by_status),
        "total_amount": sum((row["amount"] or 0) for row in by_status),
        "count_chart": column_chart([row["count"] for row in by_month], labels),
        "amount_chart": column_chart([row["amount"] for row in by_month], labels),
        "status_chart": row_chart([row["count"] for row in by_status], [row["label"] for row in by_status]),
    }
