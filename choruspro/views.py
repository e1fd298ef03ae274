from django.shortcuts import render

from invoices import selectors as invoice_selectors
from structures import permissions as structure_permissions
from structures import selectors
from structures.enums import MembershipStatus, Space


def home(request):
    """Public home page, or the connected home (Accueil connecté) listing what needs attention."""
    if not request.user.is_authenticated:
        return render(request, "home/public.html")
    structure = request.current_structure
    managed = selectors.managed_structures(request.user)
    context = {
        "pending_memberships": selectors.pending_memberships(managed),
        "pending_subscriptions": selectors.pending_subscriptions(managed),
        "my_pending_memberships": selectors.memberships_of(request.user).filter(
            status=MembershipStatus.PENDING
        ),
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
