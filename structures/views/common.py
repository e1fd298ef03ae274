"""Helpers shared by the screens of *Activités du gestionnaire*."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from structures import permissions


def menu_items() -> list[dict]:
    """The space's secondary menu (built per request: the DSFR tag marks the active item in place)."""
    entries = (
        ("structures:requests", _("Demandes en attente")),
        ("structures:structure", _("Ma structure")),
        ("structures:services", _("Services")),
        ("structures:spaces", _("Espaces")),
        ("structures:bank_accounts", _("Coordonnées bancaires")),
        ("structures:users", _("Utilisateurs")),
        ("structures:mandates", _("Mandats de facturation")),
        ("structures:duplicate_rights", _("Duplication des droits")),
        ("structures:history", _("Historique")),
    )
    return [{"label": label, "link": reverse(name)} for name, label in entries]


def render_manager(request, template: str, context: dict | None = None, *, status: int = 200):
    structure = request.current_structure
    membership = request.current_membership
    context = {
        "manager_menu": menu_items(),
        "abilities": permissions.structure_abilities(request.user, structure) if structure else {},
        "is_current_manager": membership is not None and membership.is_manager,
        **(context or {}),
    }
    return render(request, template, context, status=status)


def bulk_report(done_text: str, *, already: int = 0) -> str:
    """« 3 demandes validées, 1 déjà traitée »: done_text is already translated by the caller."""
    if not already:
        return done_text
    return ", ".join(
        [
            done_text,
            ngettext("%(count)d déjà traitée", "%(count)d déjà traitées", already) % {"count": already},
        ]
    )
