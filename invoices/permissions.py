"""Who may do what on invoices, for the structure they act for."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Subquery
from django.http import Http404

from invoices import workflow
from structures import selectors as structure_selectors
from structures.enums import MANAGER_ROLES, MembershipStatus, Space, SubscriptionMode, SubscriptionStatus
from structures.models import Membership, OpenedSpace, SpaceSubscription


def _membership(user, structure):
    return Membership.objects.filter(user=user, structure=structure, status=MembershipStatus.ACTIVE).first()


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
    opened, subscriptions = structure_selectors.space_rights(membership)
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
    membership = membership or _membership(user, structure)
    if membership is None or membership.role in MANAGER_ROLES:
        return None
    services = list(membership.services.all())
    return services or None


def invoice_abilities(user, structure, invoice, *, membership=None) -> dict:
    """What the user may do on the invoice for `structure` (its supplier or its recipient), and the
    facts about its status the page shows; templates read it, services check the same rules again.
    `membership`: the user's in `structure`, when already read (no query then)."""
    side = workflow.Side.SUPPLIER if invoice.supplier_id == structure.pk else workflow.Side.RECIPIENT
    space = Space.FACTURES_EMISES if side == workflow.Side.SUPPLIER else Space.FACTURES_RECUES
    if membership is not None:
        mode = member_space_mode(membership, space)
    else:
        mode = space_mode(user, structure, space)
    write = mode == SubscriptionMode.MODIFICATION and structure.is_active
    status = invoice.status
    supplier = write and side == workflow.Side.SUPPLIER
    transitions = workflow.allowed(status, workflow.Side.RECIPIENT) if write and not supplier else []
    returned = status in workflow.RETURNED_TO_SUPPLIER
    return {
        "edit": supplier and workflow.can("edit", status),
        "delete": supplier and workflow.can("delete", status),
        "duplicate": supplier,
        "recycle": supplier and workflow.can("recycle", status),
        "complete": supplier and workflow.can("complete", status),
        "acknowledge": side == workflow.Side.SUPPLIER
        and mode is not None
        and workflow.can("acknowledge", status)
        and not invoice.return_acknowledged,
        "certificate": side == workflow.Side.SUPPLIER and invoice.deposited_at is not None,
        "process": bool(transitions),
        "transitions": transitions,
        # Display facts: the page names no status.
        "original": workflow.can("original", status),
        "returned": returned,
        "return_kind": workflow.RETURN_KINDS.get(status) if side == workflow.Side.SUPPLIER else None,
        "acknowledged": returned and invoice.return_acknowledged,
    }


def space_required(space):
    """The current structure must open `space` to the user (any mode), else 404 (house style §D).
    Sets `request.space_mode` for the view."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            membership = getattr(request, "current_membership", None)
            mode = member_space_mode(membership, space) if membership is not None else None
            if mode is None:
                raise Http404
            request.space_mode = mode
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
