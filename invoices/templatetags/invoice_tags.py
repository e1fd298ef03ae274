"""Presentation helpers of the invoice screens: one status badge, sortable column headers."""

from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import format_html
from django.utils.http import urlencode

from invoices.enums import InvoiceStatus

register = template.Library()

# One mapping status → DSFR badge type (house style §I).
BADGES = {
    InvoiceStatus.DRAFT: "",
    InvoiceStatus.DEPOSITED: "info",
    InvoiceStatus.ROUTING: "info",
    InvoiceStatus.MADE_AVAILABLE: "new",
    InvoiceStatus.TAKEN_IN_CHARGE: "new",
    InvoiceStatus.TO_RECYCLE: "warning",
    InvoiceStatus.SUSPENDED: "warning",
    InvoiceStatus.COMPLETED: "new",
    InvoiceStatus.REJECTED: "error",
    InvoiceStatus.SERVICE_DONE: "info",
    InvoiceStatus.MANDATED: "info",
    InvoiceStatus.SENT_TO_ACCOUNTANT: "info",
    InvoiceStatus.ACCOUNTED: "info",
    InvoiceStatus.PAID: "success",
    InvoiceStatus.DELETED: "",
}


@register.simple_tag
def status_badge(status):
    # Built here rather than from a template: it is rendered on every row of every list.
    kind = BADGES.get(status, "")
    return format_html(
        '<p class="fr-badge fr-badge--sm{}" data-status="{}">{}</p>',
        f" fr-badge--{kind}" if kind else "",
        status,
        InvoiceStatus(status).label,
    )


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
