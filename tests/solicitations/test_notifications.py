"""Every exchange notifies the other side after commit (portal notice and e-mail), once; an
unanswered sollicitation is flagged after five working days by the beat task."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from solicitations import services, tasks
from solicitations.enums import Side
from solicitations.models import SolicitationNotification
from solicitations.notifications import notify_exchange
from tests.solicitations.conftest import act

pytestmark = pytest.mark.django_db


def test_each_side_hears_of_the_others_exchange_once(
    ask, supplier, entity, django_capture_on_commit_callbacks
):
    solicitation = ask()
    assert SolicitationNotification.objects.get().user == entity.gp
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        act(solicitation, Side.SERVICE, "ask_complement", entity.gp, entity, message="Le bon de commande ?")
    assert len(callbacks) == 1
    assert [m.to for m in mail.outbox] == [[supplier.gp.email]]
    assert "Le bon de commande ?" in mail.outbox[0].body
    exchange = solicitation.exchanges.last()
    notify_exchange(exchange.pk)  # a re-delivered task
    assert len(mail.outbox) == 1
    assert SolicitationNotification.objects.filter(exchange=exchange, user=supplier.gp).count() == 1


def test_opening_the_page_reads_its_notices(client, ask, entity):
    solicitation = ask()
    client.force_login(entity.gp)
    assert "Nouveaux échanges" in client.get(reverse("solicitations:received_home")).content.decode()
    client.get(reverse("solicitations:received_detail", args=[solicitation.pk]))
    assert not SolicitationNotification.objects.filter(read_at__isnull=True).exists()


def test_unanswered_after_five_working_days_is_flagged(ask, entity, django_capture_on_commit_callbacks):
    # Sent on Friday 30 October 2026: five working days later is Friday 6 November, same hour.
    with time_machine.travel(datetime.datetime(2026, 10, 30, 10, tzinfo=datetime.UTC)):
        solicitation = ask()
    mail.outbox.clear()
    with time_machine.travel(datetime.datetime(2026, 11, 6, 9, tzinfo=datetime.UTC)):
        assert tasks.flag_overdue_solicitations_task() == 0
    with time_machine.travel(datetime.datetime(2026, 11, 6, 11, tzinfo=datetime.UTC)):
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.flag_overdue_solicitations_task() == 1
        assert tasks.flag_overdue_solicitations_task() == 0
    solicitation.refresh_from_db()
    assert solicitation.overdue_since is not None
    assert [m.to for m in mail.outbox] == [[entity.gp.email]]
    assert "cinq jours ouvrés" in mail.outbox[0].subject
    # An answer clears the flag.
    act(solicitation, Side.SERVICE, "answer", entity.gp, entity)
    solicitation.refresh_from_db()
    assert solicitation.overdue_since is None


def test_working_days_skip_weekends_and_french_holidays():
    wednesday = datetime.datetime(2026, 11, 12, 12, tzinfo=timezone.get_current_timezone())
    # Back over 11 November (holiday) and the weekend of 7–8 November.
    assert services.working_days_before(wednesday, 5).date() == datetime.date(2026, 11, 4)
