"""What the supplier and recipient screens share: lists, CSV export, downloads, notifications."""

import csv

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from invoices import selectors, services

DEFAULT_PAGE_SIZE = 20


def paginate(request, queryset, per_page=DEFAULT_PAGE_SIZE):
    paginator = Paginator(queryset, per_page)
    # get_page() turns "abc", "-1" or "999999" into a valid page rather than an error.
    page = paginator.get_page(request.GET.get("page"))
    page.pages_list = list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    return page


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


CSV_COLUMNS = (
    (gettext_lazy("Identifiant portail"), lambda i: i.pk),
    (gettext_lazy("Numéro de facture"), lambda i: i.number),
    (gettext_lazy("Type"), lambda i: i.get_invoice_type_display()),
    (gettext_lazy("Cadre de facturation"), lambda i: i.cadre),
    (gettext_lazy("Identifiant fournisseur"), lambda i: i.supplier.identifier),
    (gettext_lazy("Fournisseur"), lambda i: i.supplier.raison_sociale),
    (gettext_lazy("Service fournisseur"), lambda i: i.supplier_service.code if i.supplier_service_id else ""),
    (gettext_lazy("Identifiant destinataire"), lambda i: i.recipient.identifier if i.recipient_id else ""),
    (gettext_lazy("Destinataire"), lambda i: i.recipient.raison_sociale if i.recipient_id else ""),
    (gettext_lazy("Code service"), lambda i: i.recipient_service.code if i.recipient_service_id else ""),
    (gettext_lazy("Date de facture"), lambda i: _date(i.invoice_date)),
    (gettext_lazy("Date de dépôt"), lambda i: _date(i.deposited_at)),
    (gettext_lazy("Statut"), lambda i: i.status),
    (gettext_lazy("Libellé du statut"), lambda i: i.get_status_display()),
    (gettext_lazy("Date du statut"), lambda i: _date(i.status_changed_at)),
    (gettext_lazy("Montant HT"), lambda i: _amount(i.total_ht)),
    (gettext_lazy("Montant TVA"), lambda i: _amount(i.total_vat)),
    (gettext_lazy("Montant TTC"), lambda i: _amount(i.total_ttc)),
    (gettext_lazy("Net à payer"), lambda i: _amount(i.amount_due)),
    (gettext_lazy("Devise"), lambda i: i.currency),
    (gettext_lazy("Numéro de marché"), lambda i: i.contract_number),
    (gettext_lazy("Numéro d'engagement"), lambda i: i.numero_engagement),
    (gettext_lazy("Mode de dépôt"), lambda i: i.get_deposit_mode_display()),
    (
        gettext_lazy("Téléchargée par le destinataire"),
        lambda i: _("Oui") if i.downloaded_by_recipient else _("Non"),
    ),
)


def csv_export(queryset, filename: str) -> StreamingHttpResponse:
    """Every invoice of the search (not only the page shown), streamed, for a French spreadsheet."""
    writer = csv.writer(_Echo(), delimiter=";")

    def rows():
        yield "\ufeff"  # the BOM makes spreadsheets read UTF-8
        yield writer.writerow([str(title) for title, _value in CSV_COLUMNS])
        for invoice in queryset.iterator(chunk_size=2000):
            yield writer.writerow([value(invoice) for _title, value in CSV_COLUMNS])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    stamp = formats.date_format(timezone.localtime(), "Ymd-His")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.csv"'
    return response


def file_download(stored_file, filename: str, content_type: str = "application/octet-stream") -> FileResponse:
    try:
        handle = stored_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)


def pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def notification_list(request):
    page = paginate(request, selectors.notifications_of(request.user), 30)
    return render(request, "invoices/notifications.html", {"page_obj": page})


@require_POST
@login_required
def notifications_read(request):
    services.mark_notifications_read(user=request.user)
    return redirect("invoices:notifications")


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


def bar_chart(
    values: list, labels: list[str], *, height: int = 180, bar_width: int = 34, gap: int = 14
) -> dict:
    """Geometry of a vertical bar chart drawn in SVG by the template (no chart script needed)."""
    top = max((float(value or 0) for value in values), default=0) or 1
    bars = []
    for index, (value, label) in enumerate(zip(values, labels, strict=True)):
        bar_height = round(float(value or 0) / top * (height - 20))
        x = gap + index * (bar_width + gap)
        bars.append(
            {
                "x": x,
                "y": height - bar_height,
                "width": bar_width,
                "height": bar_height,
                "label": label,
                "value": value,
            }
        )
    return {"bars": bars, "width": gap + len(bars) * (bar_width + gap), "height": height}


def dashboard_context(invoices, verb: str) -> dict:
    by_status = selectors.figures_by_status(invoices)
    by_month = selectors.figures_by_month(invoices)
    labels = [formats.date_format(row["month"], "M y") for row in by_month]
    return {
        "by_status": by_status,
        "by_month": by_month,
        "verb": verb,
        "total_count": sum(row["count"] for row in by_status),
        "total_amount": sum((row["amount"] or 0) for row in by_status),
        "count_chart": bar_chart([row["count"] for row in by_month], labels),
        "amount_chart": bar_chart([row["amount"] for row in by_month], labels),
        "status_chart": bar_chart([row["count"] for row in by_status], [row["label"] for row in by_status]),
    }
