from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from deposits import archives
from deposits import services as deposit_services
from einvoice import structured
from invoices import attachments
from invoices import selectors as invoice_selectors
from invoices.forms import entry
from structures import permissions as structure_permissions
from structures import selectors
from structures.enums import Space


def home(request):
    """Public home page, or the connected home (Accueil connecté) listing what needs attention."""
    if not request.user.is_authenticated:
        return render(request, "home/public.html")
    structure = request.current_structure
    managed = selectors.managed_structures(request.user)
    context = {
        "pending_memberships": selectors.pending_memberships(managed),
        "pending_subscriptions": selectors.pending_subscriptions(managed),
        "my_pending_memberships": selectors.pending_memberships_of(request.user),
        "active_mandate": selectors.active_mandate(structure) if structure else None,
    }
    if structure is not None:
        if structure_permissions.member_space_mode(request.current_membership, Space.FACTURES_EMISES):
            context["returned_invoices"] = invoice_selectors.returned_unacknowledged(structure).count()
        if structure_permissions.member_space_mode(request.current_membership, Space.FACTURES_RECUES):
            context["invoices_to_process"] = invoice_selectors.recipient_to_handle(
                structure, request.user
            ).count()
    return render(request, "home/connected.html", context)


# The institutional pages a State site carries in its footer: slug → (template, title).
PAGES = {
    "help": ("pages/aide.html", _("Aide")),
    "contact": ("pages/contact.html", _("Contact")),
    "accessibility": ("pages/accessibilite.html", _("Déclaration d'accessibilité")),
    "legal": ("pages/mentions_legales.html", _("Mentions légales")),
    "privacy": ("pages/donnees_personnelles.html", _("Données personnelles")),
    "cookies": ("pages/cookies.html", _("Gestion des cookies")),
    "sitemap": ("pages/plan_du_site.html", _("Plan du site")),
}


def _limits() -> dict:
    """The limits the help page states, read from where they are enforced."""
    mebibyte = 1024 * 1024
    return {
        "activation_hours": max(settings.ACCOUNT_ACTIVATION_MAX_AGE // 3600, 1),
        "unit_mb": deposit_services.MAX_UNIT_SIZE // mebibyte,
        "structured_lines": structured.MAX_LINES,
        "entry_lines": entry.MAX_LINES,
        "lot_mb": archives.MAX_LOT_SIZE // mebibyte,
        "lot_members": archives.MAX_MEMBERS,
        "lot_total_mb": archives.MAX_TOTAL_SIZE // mebibyte,
        "deposits_per_hour": settings.ACCOUNT_RATE_LIMITS["deposit"].split("/")[0],
        "attachment_mb": attachments.MAX_FILE_SIZE // mebibyte,
        "attachments_total_mb": attachments.MAX_INVOICE_TOTAL // mebibyte,
        "attachment_name": attachments.MAX_NAME_LENGTH,
        "attachment_extensions": ", ".join(sorted(attachments.ALLOWED_EXTENSIONS)),
    }


def page(request, slug):
    if slug not in PAGES:
        raise Http404
    template, title = PAGES[slug]
    context = {"title": title, "support_email": settings.SUPPORT_EMAIL}
    if slug == "help":
        context["limits"] = _limits()
    return render(request, template, context)
