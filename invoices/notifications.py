"""Invoice notifications: an in-app notice per status change for the people concerned, and
e-mails (bodies in templates/emails/invoices/) at once or in a daily digest (domain §1.2, §6.6).

Called by tasks after commit; safe to re-run: a notice exists once per (user, change), and only
a notice created by this run is e-mailed."""

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.enums import NotificationPreference
from choruspro.text import email_subject
from invoices import workflow
from invoices.models import InvoiceStatusChange, Notification
from structures import cache as structure_cache
from structures import permissions
from structures.enums import Role, Space

DIGEST_WINDOW = datetime.timedelta(days=2)


def _wants_email_now(membership) -> bool:
    """The principal manager always gets billing e-mails (domain §6.6); others as they chose."""
    return (
        membership.role == Role.PRINCIPAL_MANAGER
        or membership.user.notification_preference == NotificationPreference.EACH_EVENT
    )


def _portal_url(name, *args) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse(name, args=args)


def _create(user_ids: list[int], change) -> set[int]:
    """The notices of this change for those users; returns the users whose notice this run made
    (an earlier or concurrent run may have made some)."""
    existing = set(
        Notification.objects.filter(change=change, user_id__in=user_ids).values_list("user_id", flat=True)
    )
    missing = [user_id for user_id in user_ids if user_id not in existing]
    try:
        with transaction.atomic():
            Notification.objects.bulk_create(
                [
                    Notification(user_id=user_id, invoice_id=change.invoice_id, change=change)
                    for user_id in missing
                ]
            )
        return set(missing)
    except IntegrityError:
        # Another run is making them right now: one by one, keep only what is ours.
        created = set()
        for user_id in missing:
            try:
                with transaction.atomic():
                    Notification.objects.create(user_id=user_id, invoice_id=change.invoice_id, change=change)
                created.add(user_id)
            except IntegrityError:
                continue
        return created


def _send(user, template: str, context: dict) -> None:
    with translation.override(user.language):
        subject = email_subject(f"emails/invoices/{template}_subject.txt", context)
        body = render_to_string(f"emails/invoices/{template}.txt", context)
    send_mail(subject, body, None, [user.notification_email])


def notify_status_change(change_id: int) -> None:
    change = (
        InvoiceStatusChange.objects.select_related(
            "invoice__supplier", "invoice__recipient", "invoice__validator", "invoice__second_validator"
        )
        .filter(pk=change_id)
        .first()
    )
    if change is None:
        return
    invoice = change.invoice
    suppliers = permissions.members_with_space(invoice.supplier, Space.FACTURES_EMISES)
    audience = [membership.user_id for membership in suppliers]
    if change.to_status in workflow.NOTIFIED_TO_RECIPIENT and invoice.recipient_id:
        # In-app only for the recipient's people, limited to the services they work for.
        for membership in permissions.members_with_space(invoice.recipient, Space.FACTURES_RECUES):
            services = permissions.service_scope(membership.user, invoice.recipient, membership)
            if services is None or invoice.recipient_service in services:
                audience.append(membership.user_id)
    # The validator who must now decide (or whose delay ran out) is told in the portal and by e-mail.
    validator_field = workflow.NOTIFIED_TO_VALIDATOR.get(change.to_status)
    validator = getattr(invoice, validator_field) if validator_field else None
    validators = permissions.members_with_space(validator, Space.FACTURES_A_VALIDER) if validator else []
    audience += [membership.user_id for membership in validators]
    created = _create(list(dict.fromkeys(audience)), change)
    structure_cache.forget_unread(*created)
    context = {"change": change, "invoice": invoice}
    mailed = []
    for members, template, url in (
        (suppliers, "status_change", _portal_url("invoices:supplier_detail", invoice.pk)),
        (validators, "to_validate", _portal_url("invoices:validation_detail", invoice.pk)),
    ):
        for membership in members:
            if (
                membership.user_id in created
                and membership.user_id not in mailed
                and _wants_email_now(membership)
            ):
                _send(membership.user, template, {**context, "url": url})
                mailed.append(membership.user_id)
    if mailed:
        Notification.objects.filter(change=change, user_id__in=mailed).update(emailed_at=timezone.now())


def send_daily_digests() -> int:
    """One e-mail per user who chose the daily digest, listing the notices not e-mailed yet."""
    sent = 0
    # A user who turns the digest on later is not sent every notice of the past.
    since = timezone.now() - DIGEST_WINDOW
    pending = (
        Notification.objects.filter(
            created_at__gte=since,
            emailed_at__isnull=True,
            user__notification_preference=NotificationPreference.DAILY,
            user__is_active=True,
        )
        .values_list("user_id", flat=True)
        .distinct()
    )
    for user_id in list(pending):
        with transaction.atomic():
            notifications = list(
                Notification.objects.select_for_update(of=("self",))
                .filter(user_id=user_id, emailed_at__isnull=True, created_at__gte=since)
                .select_related("user", "change", "invoice__supplier", "invoice__recipient")
                .order_by("created_at", "pk")
            )
            if not notifications:
                continue
            user = notifications[0].user
            _send(
                user,
                "daily_digest",
                {"notifications": notifications, "url": _portal_url("invoices:notifications")},
            )
            Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(
                emailed_at=timezone.now()
            )
            sent += 1
    return sent
