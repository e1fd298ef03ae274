from django.shortcuts import render

from structures import selectors


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
            status="EN_COURS_DE_VALIDATION"
        ),
        "active_mandate": selectors.active_mandate(structure) if structure else None,
    }
    return render(request, "home/connected.html", context)
