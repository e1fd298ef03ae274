import pytest
from django.core import mail

from structures import selectors, services
from structures.enums import (
    AuditAction,
    MembershipStatus,
    Role,
    Space,
    SubscriptionMode,
    SubscriptionStatus,
)
from structures.exceptions import NotAllowed, StructureError
from structures.models import AuditLog, Membership
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_create_structure_makes_actor_principal_manager_with_default_spaces(make_structure):
    """The creator is GP; default spaces are open; a public one also gets Factures reçues."""
    user = UserFactory()
    structure = make_structure(user)
    membership = Membership.objects.get(user=user, structure=structure)
    assert membership.role == Role.PRINCIPAL_MANAGER
    assert selectors.opened_spaces(structure) == {
        Space.FACTURES_EMISES,
        Space.SOLLICITATIONS_EMISES,
        Space.MON_COMPTE,
        Space.ACTIVITES_GESTIONNAIRE,
    }
    public = make_structure(public=True)
    assert Space.FACTURES_RECUES in selectors.opened_spaces(public)
    assert AuditLog.objects.filter(
        structure=structure, action=AuditAction.STRUCTURE_CREATED, actor=user
    ).exists()


def test_duplicate_identifier_is_refused(make_structure):
    structure = make_structure()
    with pytest.raises(StructureError):
        make_structure(identifier=structure.identifier)


def test_membership_request_then_approval_sends_mails(manager, django_capture_on_commit_callbacks):
    """A request reaches the managers by e-mail; the decision reaches the requester."""
    colleague = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.request_membership(user=colleague, structure_id=manager.structure.pk)
    assert membership.status == MembershipStatus.PENDING
    assert [m.to for m in mail.outbox] == [[manager.email]]
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_membership(
            actor=manager, structure_id=manager.structure.pk, membership_id=membership.pk, approve=True
        )
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE
    assert mail.outbox[-1].to == [colleague.email]
    assert Space.FACTURES_EMISES in selectors.usable_spaces(membership)


def test_simple_user_cannot_approve(manager):
    colleague, other = UserFactory(), UserFactory()
    m1 = services.request_membership(user=colleague, structure_id=manager.structure.pk)
    services.decide_membership(
        actor=manager, structure_id=manager.structure.pk, membership_id=m1.pk, approve=True
    )
    m2 = services.request_membership(user=other, structure_id=manager.structure.pk)
    with pytest.raises(NotAllowed):
        services.decide_membership(
            actor=colleague, structure_id=manager.structure.pk, membership_id=m2.pk, approve=True
        )


def test_factures_emises_subscription_needs_no_approval_but_others_do(manager, make_structure):
    colleague = UserFactory()
    services.attach_user(actor=manager, structure_id=manager.structure.pk, user=colleague)
    services.open_space(actor=manager, structure_id=manager.structure.pk, space=Space.FACTURES_TRAVAUX)
    sub = services.request_subscription(
        user=colleague,
        structure_id=manager.structure.pk,
        space=Space.FACTURES_TRAVAUX,
        mode=SubscriptionMode.CONSULTATION,
    )
    assert sub.status == SubscriptionStatus.PENDING
    services.decide_subscription(
        actor=manager, structure_id=manager.structure.pk, subscription_id=sub.pk, approve=True
    )
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.ACTIVE


def test_transfer_principal_role(manager):
    colleague = UserFactory()
    target = services.attach_user(actor=manager, structure_id=manager.structure.pk, user=colleague)
    services.transfer_principal_role(
        actor=manager, structure_id=manager.structure.pk, membership_id=target.pk
    )
    assert selectors.principal_manager(manager.structure).user == colleague
    assert Membership.objects.get(user=manager, structure=manager.structure).role == Role.SECONDARY_MANAGER
