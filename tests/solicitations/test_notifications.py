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
    # The notification task, then its forgetting of the header's count.
    assert len(callbacks) == 2
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


def _badge(client) -> int:
    """The header's unread count (0 when the badge is absent)."""
    import re

    page = client.get(reverse("invoices:notifications")).content.decode()
    link = page[page.index('data-testid="notifications-link"') :]
    found = re.search(r'class="fr-badge[^"]*">(\d+)<', link[: link.index("</a>")])
    return int(found.group(1)) if found else 0


def test_sollicitation_notices_count_in_the_header_and_list_on_the_notifications_page(
    client, ask, entity, supplier, django_capture_on_commit_callbacks
):
    from invoices.models import Notification

    client.force_login(entity.gp)
    assert _badge(client) == 0
    solicitation = ask()
    invoice_notices = Notification.objects.filter(user=entity.gp, read_at=None).count()
    assert _badge(client) == invoice_notices + 1
    page = client.get(reverse("invoices:notifications")).content.decode()
    section = page[page.index('data-testid="solicitation-notifications"') :]
    assert solicitation.number in section
    assert reverse("solicitations:received_detail", args=[solicitation.pk]) in section
    # Opening the sollicitation reads its notices: the badge goes back down.
    client.get(reverse("solicitations:received_detail", args=[solicitation.pk]))
    assert _badge(client) == invoice_notices
    # The requester hears of the answer; « Marquer les sollicitations comme lues » reads them all.
    with django_capture_on_commit_callbacks(execute=True):
        act(solicitation, Side.SERVICE, "answer", entity.gp, entity, message="Payée demain.")
    client.force_login(supplier.gp)
    supplier_invoice_notices = Notification.objects.filter(user=supplier.gp, read_at=None).count()
    assert _badge(client) == supplier_invoice_notices + 1
    assert client.post(reverse("solicitations:notifications_read")).status_code == 302
    assert _badge(client) == supplier_invoice_notices
    assert not SolicitationNotification.objects.filter(user=supplier.gp, read_at=None).exists()
