"""Who may do what on a structure and in its spaces, for the structure the user acts for."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Subquery
from django.http import Http404
from django.shortcuts import render

from structures import selectors
from structures.enums import (
    MANAGER_ROLES,
    PERMANENT_SPACES,
    MembershipStatus,
    Role,
    Space,
    SubscriptionMode,
    SubscriptionStatus,
)
from structures.models import Membership, OpenedSpace, SpaceSubscription


def role_in(user, structure) -> str | None:
    membership = selectors.active_membership(user, structure)
    return membership.role if membership else None


def is_manager(user, structure) -> bool:
    return role_in(user, structure) in MANAGER_ROLES


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


# --- Spaces (domain §5): the user's right on a space of the structure -------------------------


def _mode(membership, subscription_mode, opened: bool) -> str | None:
    """Managers have modification rights on their structure's opened spaces; others have the mode
    of their active subscription."""
    if membership.role in MANAGER_ROLES:
        return SubscriptionMode.MODIFICATION if subscription_mode or opened else None
    return subscription_mode


def _with_space(memberships, space):
    """Memberships annotated with their subscription mode and whether the space is opened on the
    structure: one query however many they are."""
    return memberships.annotate(
        subscription_mode=Subquery(
            SpaceSubscription.objects.filter(
                user=OuterRef("user"),
                structure=OuterRef("structure"),
                space=space,
                status=SubscriptionStatus.ACTIVE,
            ).values("mode")[:1]
        ),
        space_opened=Exists(OpenedSpace.objects.filter(structure=OuterRef("structure"), space=space)),
    )


def space_mode(user, structure, space) -> str | None:
    """CONSULTATION, MODIFICATION or None: the user's right on a space for the structure."""
    membership = _with_space(
        Membership.objects.filter(user=user, structure=structure, status=MembershipStatus.ACTIVE), space
    ).first()
    if membership is None:
        return None
    return _mode(membership, membership.subscription_mode, membership.space_opened)


def member_space_mode(membership, space) -> str | None:
    """space_mode for a membership already read (the request's current one)."""
    opened, subscriptions = selectors.space_rights(membership)
    return _mode(membership, subscriptions.get(space), space in opened)


def members_with_space(structure, space) -> list:
    """The structure's active members who can use the space, with their services prefetched:
    two queries whatever their number (notifications go to all of them)."""
    memberships = _with_space(
        Membership.objects.filter(structure=structure, status=MembershipStatus.ACTIVE, user__is_active=True)
        .select_related("user")
        .prefetch_related("services"),
        space,
    )
    return [m for m in memberships if _mode(m, m.subscription_mode, m.space_opened)]


def can_issue(user, structure) -> bool:
    return (
        structure.is_active
        and space_mode(user, structure, Space.FACTURES_EMISES) == SubscriptionMode.MODIFICATION
    )


def can_process(user, structure) -> bool:
    return (
        structure.is_active
        and space_mode(user, structure, Space.FACTURES_RECUES) == SubscriptionMode.MODIFICATION
    )


def service_scope(user, structure, membership=None):
    """Services a plain user is restricted to on the recipient side (None = whole structure)."""
    membership = membership or selectors.active_membership(user, structure)
    if membership is None or membership.role in MANAGER_ROLES:
        return None
    services = list(membership.services.all())
    return services or None


def space_required(space):
    """The current structure must open `space` to the user (any mode), else 404 (house style §D).
    Sets `request.space_mode` for the view."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            membership = getattr(request, "current_membership", None)
            if membership is None:
                pending = list(selectors.pending_memberships_of(request.user))
                if pending:
                    # Not a missing page: the space opens once a manager approves the request.
                    return render(request, "home/membership_pending.html", {"pending": pending}, status=403)
            mode = member_space_mode(membership, space) if membership is not None else None
            if mode is None:
                raise Http404
            request.space_mode = mode
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def can_end_subscription(subscription) -> bool:
    """Résilier is offered for a subscription that is active or requested, to a space one can leave."""
    return subscription.space not in PERMANENT_SPACES and subscription.status in (
        SubscriptionStatus.ACTIVE,
        SubscriptionStatus.PENDING,
    )
