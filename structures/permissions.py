from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404

from structures.enums import MANAGER_ROLES, MembershipStatus, Role
from structures.models import Membership


def role_in(user, structure) -> str | None:
    membership = (
        Membership.objects.filter(user=user, structure=structure, status=MembershipStatus.ACTIVE)
        .only("role")
        .first()
    )
    return membership.role if membership else None


def is_manager(user, structure) -> bool:
    return role_in(user, structure) in MANAGER_ROLES


def is_principal_manager(user, structure) -> bool:
    return role_in(user, structure) == Role.PRINCIPAL_MANAGER


def structure_abilities(user, structure) -> dict[str, bool]:
    """What the user may do on the structure; templates read it, services check it again."""
    role = role_in(user, structure)
    manager = role in MANAGER_ROLES
    active = structure.is_active
    return {
        "view": role is not None,
        "manage": manager and active,
        "transfer_principal": role == Role.PRINCIPAL_MANAGER and active,
        "inactivate": role == Role.PRINCIPAL_MANAGER and active,
        "sign_mandate": manager and active,
    }


def manager_required(view):
    """The current structure must be one the user manages (GP or GS), else 404 (house style §D).

    Anonymous users are sent to the login page as usual.
    """

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        membership = getattr(request, "current_membership", None)
        if membership is None or membership.role not in MANAGER_ROLES:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def principal_manager_required(view):
    """Like manager_required, for the principal manager only."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        membership = getattr(request, "current_membership", None)
        if membership is None or membership.role != Role.PRINCIPAL_MANAGER:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def any_structure_manager_required(view):
    """The user manages at least one structure (pages that span all the structures they manage)."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not Membership.objects.filter(
            user=request.user, status=MembershipStatus.ACTIVE, role__in=MANAGER_ROLES
        ).exists():
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper
