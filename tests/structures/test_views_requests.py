"""Pending membership and subscription requests: one by one or in bulk, each decision e-mailed."""

import pytest
from django.core import mail
from django.urls import reverse

from structures import services
from structures.enums import MembershipStatus, Space, SubscriptionMode, SubscriptionStatus
from structures.models import Membership, SpaceSubscription
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def requests_of(gp):
    def make(count):
        return [
            services.request_membership(user=UserFactory(), structure_id=gp.structure.pk)
            for _ in range(count)
        ]

    return make


def test_requests_page_lists_requested_services(client, gp):
    service = services.create_service(
        actor=gp, structure_id=gp.structure.pk, code="COMPTA", libelle="Comptabilité"
    )
    requester = UserFactory(nom="Durand")
    services.request_membership(user=requester, structure_id=gp.structure.pk, service_ids=[service.pk])
    client.force_login(gp)
    content = client.get(reverse("structures:requests")).content.decode()
    assert "Durand" in content
    assert "COMPTA — Comptabilité" in content


def test_approve_one_request_sends_mail(client, gp, requests_of, django_capture_on_commit_callbacks):
    (membership,) = requests_of(1)
    mail.outbox.clear()
    client.force_login(gp)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("structures:decide_memberships"), {"row": f"approve:{membership.pk}"}, follow=True
        )
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE
    assert "1 demande validée" in response.content.decode()
    assert [m.to for m in mail.outbox] == [[membership.user.email]]
    assert "est validé" in mail.outbox[0].subject


def test_refuse_one_request(client, gs, requests_of, django_capture_on_commit_callbacks):
    """A secondary manager decides too."""
    (membership,) = requests_of(1)
    mail.outbox.clear()
    client.force_login(gs)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("structures:decide_memberships"), {"row": f"refuse:{membership.pk}"})
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.REFUSED
    assert mail.outbox[-1].to == [membership.user.email]
    assert "refusée" in mail.outbox[-1].subject


def test_bulk_approve_reports_already_processed(client, gp, requests_of, django_capture_on_commit_callbacks):
    memberships = requests_of(4)
    services.decide_membership(
        actor=gp, structure_id=gp.structure.pk, membership_id=memberships[0].pk, approve=False
    )
    mail.outbox.clear()
    client.force_login(gp)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("structures:decide_memberships"),
            {"ids": [m.pk for m in memberships], "action": "approve"},
            follow=True,
        )
    assert "3 demandes validées, 1 déjà traitée" in response.content.decode()
    statuses = [Membership.objects.get(pk=m.pk).status for m in memberships]
    assert statuses == [MembershipStatus.REFUSED] + [MembershipStatus.ACTIVE] * 3
    assert len(mail.outbox) == 3


def test_bulk_refuse(client, gp, requests_of):
    memberships = requests_of(2)
    client.force_login(gp)
    response = client.post(
        reverse("structures:decide_memberships"),
        {"ids": [m.pk for m in memberships], "action": "refuse"},
        follow=True,
    )
    assert "2 demandes refusées" in response.content.decode()
    assert set(
        Membership.objects.filter(pk__in=[m.pk for m in memberships]).values_list("status", flat=True)
    ) == {MembershipStatus.REFUSED}


def test_empty_selection_is_a_form_error(client, gp, requests_of):
    requests_of(1)
    client.force_login(gp)
    response = client.post(reverse("structures:decide_memberships"), {"action": "approve"})
    assert response.status_code == 422
    assert "Sélectionnez au moins une ligne." in response.content.decode()


def test_simple_user_cannot_decide(client, simple_user, requests_of):
    (membership,) = requests_of(1)
    client.force_login(simple_user)
    response = client.post(reverse("structures:decide_memberships"), {"row": f"approve:{membership.pk}"})
    assert response.status_code == 404
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.PENDING


def test_requests_of_every_managed_structure(client, gp, make_structure):
    """The page spans every structure the user manages, whichever is current."""
    second = make_structure(gp, raison_sociale="Seconde Structure")
    membership = services.request_membership(user=UserFactory(), structure_id=second.pk)
    client.force_login(gp)
    assert "Seconde Structure" in client.get(reverse("structures:requests")).content.decode()
    client.post(reverse("structures:decide_memberships"), {"row": f"approve:{membership.pk}"})
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE


@pytest.fixture
def pending_subscription(gp, simple_user):
    services.open_space(actor=gp, structure_id=gp.structure.pk, space=Space.FACTURES_TRAVAUX)
    return services.request_subscription(
        user=simple_user,
        structure_id=gp.structure.pk,
        space=Space.FACTURES_TRAVAUX,
        mode=SubscriptionMode.CONSULTATION,
    )


def test_approve_subscription_sends_mail(
    client, gp, pending_subscription, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    client.force_login(gp)
    assert "Factures de travaux" in client.get(reverse("structures:requests")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("structures:decide_subscriptions"),
            {"ids": [pending_subscription.pk], "action": "approve"},
            follow=True,
        )
    assert "1 demande validée" in response.content.decode()
    assert SpaceSubscription.objects.get(pk=pending_subscription.pk).status == SubscriptionStatus.ACTIVE
    assert mail.outbox[-1].to == [pending_subscription.user.email]


def test_refuse_subscription(client, gp, pending_subscription):
    client.force_login(gp)
    client.post(reverse("structures:decide_subscriptions"), {"row": f"refuse:{pending_subscription.pk}"})
    assert SpaceSubscription.objects.get(pk=pending_subscription.pk).status == SubscriptionStatus.REFUSED
