"""The suite's real back ends: PostgreSQL row locks and a Celery worker on a Redis broker."""

import threading

import pytest
from django.core import mail
from django.db import close_old_connections, connection

from structures import services
from structures.enums import MembershipStatus
from structures.exceptions import StructureError
from structures.models import Membership
from tests.conftest import require_or_skip
from tests.factories import UserFactory


@pytest.mark.django_db(transaction=True)
def test_two_managers_deciding_the_same_request_at_once(make_structure):
    """On PostgreSQL, two managers racing on one request: one decision wins, the other is told."""
    require_or_skip(connection.vendor == "postgresql", "needs PostgreSQL (DATABASE_URL)")
    gp = UserFactory()
    structure = make_structure(gp)
    gs = UserFactory()
    services.attach_user(actor=gp, structure_id=structure.pk, user=gs, role="GESTIONNAIRE_SECONDAIRE")
    requester = UserFactory()
    membership = services.request_membership(user=requester, structure_id=structure.pk)

    barrier = threading.Barrier(2)
    outcomes = []

    def decide(actor, approve):
        close_old_connections()
        barrier.wait()
        try:
            services.decide_membership(
                actor=actor, structure_id=structure.pk, membership_id=membership.pk, approve=approve
            )
            outcomes.append("ok")
        except StructureError as exc:
            outcomes.append(str(exc))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(gp, True)),
        threading.Thread(target=decide, args=(gs, False)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["Cette demande a déjà été traitée.", "ok"]
    membership.refresh_from_db()
    assert membership.status in (MembershipStatus.ACTIVE, MembershipStatus.REFUSED)
    assert Membership.objects.filter(user=requester).count() == 1


@pytest.mark.django_db(transaction=True)
def test_membership_request_mail_goes_through_redis_worker(make_structure, redis_worker):
    """The notification task is queued after commit, carried by Redis and run by the worker."""
    gp = UserFactory()
    structure = make_structure(gp)
    services.request_membership(user=UserFactory(), structure_id=structure.pk)
    for _ in range(100):
        if mail.outbox:
            break
        threading.Event().wait(0.1)
    assert [m.to for m in mail.outbox] == [[gp.email]]
