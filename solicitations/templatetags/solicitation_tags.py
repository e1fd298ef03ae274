"""Presentation helpers of the sollicitation screens, and the invoice page's list of its
sollicitations (loaded by the invoice templates: the invoices app imports nothing from here)."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from solicitations import permissions, selectors
from solicitations.enums import STATUS_BADGES, Addressee, Side, SolicitationStatus

register = template.Library()


@register.simple_tag
def solicitation_badge(status):
    kind = STATUS_BADGES.get(status, "")
    return format_html(
        '<p class="fr-badge fr-badge--sm{}" data-status="{}">{}</p>',
        f" fr-badge--{kind}" if kind else "",
        status,
        SolicitationStatus(status).label,
    )


@register.simple_tag
def requester_name(solicitation):
    if solicitation.requester_structure_id is None:
        return solicitation.requester_email
    service = solicitation.requester_service
    name = solicitation.requester_structure.raison_sociale
    return f"{name} — {service.code}" if service else name


@register.simple_tag
def addressee_name(solicitation):
    if solicitation.addressee == Addressee.SUPPORT:
        return _("Support du portail")
    service = solicitation.addressee_service
    name = solicitation.addressee_structure.raison_sociale
    return f"{name} — {service.code}" if service else name


_TITLES = {
    "create": lambda: _("Création du brouillon"),
    "submit": lambda: _("Sollicitation envoyée"),
}


@register.simple_tag
def exchange_title(exchange):
    from solicitations import workflow

    if exchange.transition in _TITLES:
        return _TITLES[exchange.transition]()
    transition = workflow.BY_NAME.get(exchange.transition)
    return str(transition.label) if transition else exchange.transition


@register.inclusion_tag("solicitations/includes/invoice_solicitations.html", takes_context=True)
def invoice_solicitations(context, invoice):
    """The invoice's sollicitations the current structure sent or receives, and « Poser une
    question sur cette facture » for its supplier (to its recipient's service)."""
    request = context["request"]
    structure, membership = request.current_structure, request.current_membership
    rows = []
    for solicitation in selectors.of_invoice(invoice, structure, request.user, membership):
        desk = "sent" if solicitation.requester_structure_id == structure.pk else "received"
        solicitation.url = reverse(f"solicitations:{desk}_detail", args=[solicitation.pk])
        rows.append(solicitation)
    ask_url = None
    if (
        invoice.supplier_id == structure.pk
        and invoice.recipient_id
        and invoice.deposited_at
        and permissions.can_write(request.user, structure, Side.REQUESTER, membership)
    ):
        ask_url = f"{reverse('solicitations:sent_create')}?{urlencode({'facture': invoice.pk})}"
    return {"solicitations": rows, "ask_url": ask_url}


@register.simple_tag(takes_context=True)
def support_desk_url(context):
    """The support's space, for its operators only (they may belong to no structure)."""
    request = context.get("request")
    if request is None or not selectors.is_support_agent(request.user):
        return ""
    return reverse("solicitations:support_home")


NOTICES_SHOWN = 30


def _notice_url(notice, user) -> str:
    """The desk the notice was written for: the requester's, the support's or the service's."""
    solicitation = notice.solicitation
    if solicitation.requester_id == user.pk:
        desk = "sent"
    elif solicitation.addressee == Addressee.SUPPORT:
        desk = "support"
    else:
        desk = "received"
    return reverse(f"solicitations:{desk}_detail", args=[solicitation.pk])


@register.inclusion_tag("solicitations/includes/notices.html", takes_context=True)
def solicitation_notices(context):
    """The notifications page's part on sollicitations (the invoices app imports nothing from here)."""
    user = context["request"].user
    notices = list(selectors.notifications_of(user)[:NOTICES_SHOWN])
    for notice in notices:
        notice.url = _notice_url(notice, user)
    return {"notices": notices, "any_unread": any(notice.read_at is None for notice in notices)}
