"""Who may do what on invoices, for the structure they act for."""

from structures.enums import MANAGER_ROLES, MembershipStatus, Space, SubscriptionMode, SubscriptionStatus
from structures.models import Membership, SpaceSubscription


def _membership(user, structure):
    return (
        Membership.objects.filter(user=user, structure=structure, status=MembershipStatus.ACTIVE)
        .prefetch_related("services")
        .first()
    )


def space_mode(user, structure, space) -> str | None:
    """CONSULTATION, MODIFICATION or None: the user's right on a space for the structure.
    Managers have modification rights on their structure's opened spaces."""
    membership = _membership(user, structure)
    if membership is None:
        return None
    subscription = SpaceSubscription.objects.filter(
        user=user, structure=structure, space=space, status=SubscriptionStatus.ACTIVE
    ).first()
    if membership.role in MANAGER_ROLES:
        return (
            SubscriptionMode.MODIFICATION
            if subscription or structure.opened_spaces.filter(space=space).exists()
            else None
        )
    return subscription.mode if subscription else None


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


def service_scope(user, structure):
    """Services a plain user is restricted to on the recipient side (None = whole structure)."""
    membership = _membership(user, structure)
    if membership is None or membership.role in MANAGER_ROLES:
        return None
    services = list(membership.services.all())
    return services or None
