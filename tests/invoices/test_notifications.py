"""Status-change notifications: in-app for everyone concerned, e-mail as each user chose (the
principal manager always), a daily digest, and never twice for one change."""

import pytest
from django.core import mail

from accounts.enums import NotificationPreference
from invoices import notifications, services
from invoices.models import Notification
from structures import services as structure_services
from structures.enums import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleagues(supplier):
    """Three users of the supplier, one per notification preference."""
    users = {}
    for preference in NotificationPreference:
        user = UserFactory(notification_preference=preference)
        structure_services.attach_user(actor=supplier.gp, structure_id=supplier.pk, user=user, role=Role.USER)
        users[preference] = user
    return users


def _reject(invoice, recipient, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.process_invoice(
            actor=recipient.gp,
            structure=recipient,
            invoice_id=invoice.pk,
            transition="reject",
            reason="Doublon",
        )
    return invoice.status_changes.first()


def test_each_user_gets_what_they_chose(
    make_invoice, supplier, recipient, colleagues, django_capture_on_commit_callbacks
):
    invoice = make_invoice()
    mail.outbox.clear()
    change = _reject(invoice, recipient, django_capture_on_commit_callbacks)
    notified = set(Notification.objects.filter(change=change).values_list("user__email", flat=True))
    assert notified == {supplier.gp.email, *(user.email for user in colleagues.values())}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [supplier.gp.email, colleagues[NotificationPreference.EACH_EVENT].email]
    )
    assert "Facture " + invoice.number + " : Rejetée" in mail.outbox[0].subject
    assert "Motif : Doublon" in mail.outbox[0].body


def test_principal_manager_is_always_mailed(
    make_invoice, supplier, recipient, django_capture_on_commit_callbacks
):
    supplier.gp.notification_preference = NotificationPreference.NONE
    supplier.gp.save()
    invoice = make_invoice()
    mail.outbox.clear()
    _reject(invoice, recipient, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [[supplier.gp.email]]


def test_a_redelivered_task_notifies_once(make_invoice, recipient, django_capture_on_commit_callbacks):
    invoice = make_invoice()
    change = _reject(invoice, recipient, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    count = Notification.objects.count()
    notifications.notify_status_change(change.pk)
    assert mail.outbox == [] and Notification.objects.count() == count


def test_recipient_people_hear_of_invoices_arriving(make_invoice, recipient):
    invoice = make_invoice()
    assert Notification.objects.filter(
        user=recipient.gp, invoice=invoice, change__to_status="MISE_A_DISPOSITION"
    ).exists()


def test_daily_digest_sends_one_mail_and_marks_the_notices(
    make_invoice, recipient, colleagues, django_capture_on_commit_callbacks
):
    daily = colleagues[NotificationPreference.DAILY]
    for invoice in (make_invoice(), make_invoice()):
        _reject(invoice, recipient, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    assert notifications.send_daily_digests() == 1
    assert [m.to for m in mail.outbox] == [[daily.email]]
    assert "Récapitulatif : 4 changements de statut de factures" in mail.outbox[0].subject
    assert mail.outbox[0].body.count("Rejetée") == 2  # and each one Mise à disposition
    assert not Notification.objects.filter(user=daily, emailed_at__isnull=True).exists()
    assert notifications.send_daily_digests() == 0


def test_notification_page_lists_and_marks_read(
    client, make_invoice, supplier, recipient, django_capture_on_commit_callbacks
):
    invoice = make_invoice()
    _reject(invoice, recipient, django_capture_on_commit_callbacks)
    client.force_login(supplier.gp)
    home = client.get("/").content.decode()
    assert 'data-testid="notifications-link"' in home
    page = client.get("/notifications/").content.decode()
    assert f"Facture {invoice.number}" in page and "Rejetée" in page and "Doublon" in page
    client.post("/notifications/lues/")
    assert not Notification.objects.filter(user=supplier.gp, read_at__isnull=True).exists()
