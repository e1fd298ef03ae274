from django import template
from django.utils.html import format_html

from works.enums import STATUS_BADGES, DossierStatus

register = template.Library()


@register.simple_tag
def dossier_badge(status):
    kind = STATUS_BADGES.get(status, "")
    return format_html(
        '<p class="fr-badge fr-badge--sm{}" data-status="{}">{}</p>',
        f" fr-badge--{kind}" if kind else "",
        status,
        DossierStatus(status).label,
    )
