"""Presentation helpers of the invoice screens: one status badge, the rows of the invoice lists,
sortable column headers."""

import datetime
from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from choruspro import formatting
from invoices import reform
from invoices.enums import (
    STATUS_BADGES,
    InvoiceStatus,
    InvoiceType,
    ReturnReason,
    UnitCode,
    VatCategory,
    translated_labels,
)

register = template.Library()


@register.simple_tag
def status_badge(status):
    # Built here rather than from a template: it is rendered on every row of every list.
    kind = STATUS_BADGES.get(status, "")
    return format_html(
        '<p class="fr-badge fr-badge--sm fr-badge--no-icon{}" data-status="{}">{}</p>',
        f" fr-badge--{kind}" if kind else "",
        status,
        InvoiceStatus(status).label,
    )


@register.filter
def reform_status(status):
    """The reform's lifecycle status (code, official name) of a portal status, or None."""
    return reform.reform_status(status)


@register.simple_tag
def reform_statuses(invoice, change):
    """The reform statuses (code, official name) one status change of `invoice` states."""
    return reform.reform_statuses(change.to_status, invoice.cadre)


@register.filter
def return_reason(code):
    """« CMD_EJ_ERR — label » of a coded Traiter motif; the code alone if it is not one of ours."""
    return f"{code} — {ReturnReason(code).label}" if code in ReturnReason.values else code


@register.simple_tag
def reform_badge(status):
    """The reform's status code beside the Chorus status: nothing for a status it does not name."""
    found = reform.reform_status(status)
    if found is None:
        return ""
    return format_html(
        '<p class="fr-badge fr-badge--sm fr-badge--no-icon" data-reform-status="{}" title="{}">{}</p>',
        found.code,
        _("Statut du cycle de vie de la réforme de la facturation électronique"),
        _("Réforme %(code)s — %(label)s") % {"code": found.code, "label": found.label},
    )


def _day(value) -> str:
    """dd/mm/yyyy, in local time for a moment; "—" when there is none."""
    if value is None:
        return "—"
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
    return value.strftime("%d/%m/%Y")


_SELECT_CELL = (
    '<td class="fr-cell--fixed"><div class="fr-checkbox-group fr-checkbox-group--sm">'
    '<input type="checkbox" name="ids" value="{pk}" id="select-{table}-{pk}" form="{form}">'
    '<label class="fr-label" for="select-{table}-{pk}"><span class="fr-sr-only">{label}</span></label>'
    "</div></td>"
)
_PARTY = '{}<br><span class="fr-text--xs">{}</span>'
_ROW = (
    '<tr data-invoice="{number}">{select}<td>{deposited}</td><td>{party}</td><td>{service}</td>'
    '<td>{type}</td><td><a href="{url}">{number}</a></td><td>{date}</td>'
    '<td>{badge}<br><span class="fr-text--xs">{since}</span></td>'
    '<td class="amount">{ttc}</td><td class="amount">{due} {currency}</td><td>{engagement}</td></tr>'
)


@register.simple_tag
def invoice_rows(invoices, side, selectable=False, table="list", select_form=""):
    """The rows of an invoice list (columns of domain §11.2; invoice_table.html has the header).

    Built here rather than in the template: the template engine spent 1.5 ms a row, a third of a
    list page's time (make bench-lists). Labels are translated once per list, not once per row."""
    detail = f"invoices:{side}_detail"
    select_label = _("Sélectionner la facture %(number)s")
    since = _("depuis le %(date)s")
    badges = {status: status_badge(status) for status in {invoice.status for invoice in invoices}}
    types = translated_labels(InvoiceType)
    rows = []
    for invoice in invoices:
        party = invoice.recipient if side == "supplier" else invoice.supplier
        select = (
            format_html(
                _SELECT_CELL,
                pk=invoice.pk,
                table=table,
                form=select_form,
                label=select_label % {"number": invoice.number},
            )
            if selectable
            else ""
        )
        rows.append(
            format_html(
                _ROW,
                number=invoice.number,
                select=select,
                deposited=_day(invoice.deposited_at),
                party=format_html(_PARTY, party.raison_sociale, party.identifier) if party else "—",
                service=invoice.recipient_service.code if invoice.recipient_service_id else "—",
                type=types.get(invoice.invoice_type, invoice.invoice_type),
                url=reverse(detail, args=[invoice.pk]),
                date=_day(invoice.invoice_date),
                badge=badges[invoice.status],
                since=since % {"date": _day(invoice.status_changed_at)},
                ttc=formatting.number(invoice.total_ttc),
                due=formatting.number(invoice.amount_due),
                currency=invoice.currency,
                engagement=invoice.numero_engagement or "—",
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 - each row is built by format_html


@register.simple_tag(takes_context=True)
def sort_url(context, key):
    """The current list's URL sorted on `key`: ascending first, then descending on a second click."""
    request = context["request"]
    current = context.get("sort", "")
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("format", None)
    params["sort"] = f"-{key}" if current == key else key
    return "?" + urlencode(sorted(params.lists()), doseq=True)


@register.simple_tag(takes_context=True)
def sort_state(context, key):
    """aria-sort value of a column header."""
    current = context.get("sort", "")
    if current == key:
        return "ascending"
    if current == f"-{key}":
        return "descending"
    return "none"


@register.simple_tag(takes_context=True)
def page_url(context, number):
    params = context["request"].GET.copy()
    params["page"] = number
    params.pop("format", None)
    return "?" + urlencode(sorted(params.lists()), doseq=True)


@register.simple_tag(takes_context=True)
def export_url(context):
    params = context["request"].GET.copy()
    params.pop("page", None)
    params["format"] = "csv"
    return "?" + urlencode(sorted(params.lists()), doseq=True)


def _significant(value, minimum: int) -> str:
    if value in (None, ""):
        return ""
    value = Decimal(value)
    exponent = value.normalize().as_tuple().exponent
    places = min(max(-exponent, minimum), 6) if isinstance(exponent, int) else minimum
    return floatformat(value, f"{places}g")


@register.filter
def price(value):
    """A unit price: two decimals at least, up to six when they are significant."""
    return _significant(value, 2)


@register.filter
def quantity(value):
    """A quantity: only the significant decimals (up to six)."""
    return _significant(value, 0)


@register.filter
def amount(value, currency="EUR"):
    """« 94,60 € » (choruspro.formatting, as the portal's messages write it)."""
    return formatting.amount(value, currency or "EUR")


@register.filter
def unit_label(code):
    """A line's unit by its label (« HUR » → « h »); a unit that is no known code as it is."""
    return UnitCode(code).label if code in UnitCode.values else code


@register.filter
def percent(value):
    """« 5,5 % »."""
    return formatting.percent(value)


@register.filter
def vat_label(category, rate):
    """A line's or a breakdown row's VAT: its rate for categories S and Z, else the category."""
    if category in (VatCategory.STANDARD, VatCategory.ZERO, "", None):
        return formatting.percent(rate)
    return VatCategory(category).label
