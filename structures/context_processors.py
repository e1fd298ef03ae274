from django.urls import NoReverseMatch, reverse

from structures import selectors
from structures.enums import Space

# Where each space lives; a space whose pages are not built yet has no entry and is not shown.
SPACE_URL_NAMES = {
    Space.FACTURES_EMISES: "invoices:supplier_home",
    Space.FACTURES_RECUES: "invoices:recipient_home",
    Space.FACTURES_A_VALIDER: "invoices:validation_home",
    Space.FACTURES_TRAVAUX: "works:home",
    Space.SOLLICITATIONS_EMISES: "solicitations:sent_home",
    Space.SOLLICITATIONS_RECUES: "solicitations:received_home",
    Space.ACTIVITES_GESTIONNAIRE: "structures:manager_home",
    Space.RACCORDEMENT: "api:home",
    Space.MON_COMPTE: "accounts:my_account",
}


def has_screens(space) -> bool:
    """Whether the space's pages exist: the lists that open or subscribe to spaces offer only these."""
    url_name = SPACE_URL_NAMES.get(space)
    if not url_name:
        return False
    try:
        reverse(url_name)
    except NoReverseMatch:
        return False
    return True


def navigation(request):
    """The header's structure switcher and the menu of the spaces usable for that structure."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    membership = getattr(request, "current_membership", None)
    menu = []
    for space in selectors.usable_spaces(membership):
        url_name = SPACE_URL_NAMES.get(space)
        if not url_name:
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        menu.append({"space": space, "label": Space(space).label, "url": url})
    return {
        "space_menu": menu,
        "current_membership": membership,
        "current_structure": getattr(request, "current_structure", None),
        "user_memberships": getattr(request, "user_memberships", []),
    }
