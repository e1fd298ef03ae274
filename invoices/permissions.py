"""Who may do what on invoices, for the structure they act for."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404

from invoices import workflow
from invoices.enums import InvoiceStatus
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


def supplier_abilities(user, structure, invoice) -> dict:
    """What the user may do on an issued invoice; templates read it, services check it again."""
    mode = space_mode(user, structure, Space.FACTURES_EMISES)
    write = mode == SubscriptionMode.MODIFICATION and structure.is_active
    draft = invoice.status == InvoiceStatus.DRAFT
    return {
        "edit": write and draft,
        "delete": write and draft,
        "duplicate": write,
        "recycle": write and invoice.status == InvoiceStatus.TO_RECYCLE,
        "complete": write and invoice.status == InvoiceStatus.SUSPENDED,
        "acknowledge": mode is not None
        and invoice.status in workflow.RETURNED_TO_SUPPLIER
        and not invoice.rejection_acknowledged,
        "certificate": invoice.deposited_at is not None,
    }


def recipient_abilities(user, structure, invoice) -> dict:
    transitions = (
        workflow.allowed(invoice.status, workflow.Side.RECIPIENT) if can_process(user, structure) else []
    )
    return {"process": bool(transitions), "transitions": transitions}


def space_required(space):
    """The current structure must open `space` to the user (any mode), else 404 (house style §D).
    Sets `request.space_mode` for the view."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            structure = getattr(request, "current_structure", None)
            mode = space_mode(request.user, structure, space) if structure is not None else None
            if mode is None:
                raise Http404
            request.space_mode = mode
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
