"""Who may do what on sollicitations; templates read the abilities, services check them again."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404

from solicitations import selectors, workflow
from solicitations.enums import Side
from structures.enums import Space, SubscriptionMode
from structures.permissions import member_space_mode, space_mode

SPACE_OF_SIDE = {Side.REQUESTER: Space.SOLLICITATIONS_EMISES, Side.SERVICE: Space.SOLLICITATIONS_RECUES}


def can_write(user, structure, side: str, membership=None) -> bool:
    """Modification rights for the side: the space's mode for a structure's users, the support
    role for the support."""
    if side == Side.SUPPORT:
        return selectors.is_support_agent(user)
    if structure is None or not structure.is_active:
        return False
    space = SPACE_OF_SIDE[side]
    if membership is not None and (membership.user_id, membership.structure_id) == (user.pk, structure.pk):
        mode = member_space_mode(membership, space)
    else:
        mode = space_mode(user, structure, space)
    return mode == SubscriptionMode.MODIFICATION


def solicitation_abilities(solicitation, side: str, *, write: bool) -> dict:
    """What the page offers on the sollicitation for that side; the page names no status."""
    transitions = workflow.allowed(solicitation.status, side) if write else []
    names = {t.name for t in transitions}
    return {
        "edit": write and side == Side.REQUESTER and workflow.can("edit", solicitation.status),
        "transitions": [t for t in transitions if t.name not in ("submit", "reassign")],
        "submit": "submit" in names,
        "reassign": "reassign" in names,
        "any": bool(transitions),
    }


def support_required(view):
    """The user is an operator of the support, else 404 (house style §D)."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not selectors.is_support_agent(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper
