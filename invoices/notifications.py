"""E-mails to the supplier on each status change (bodies in templates/emails/invoices/)."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from accounts.enums import NotificationPreference
from invoices.models import InvoiceStatusChange
from structures.enums import MembershipStatus, Role
from structures.models import Membership


def _recipients(invoice):
    """The supplier's members who want each event; the principal manager always (domain §6.6)."""
    memberships = Membership.objects.filter(
        structure=invoice.supplier, status=MembershipStatus.ACTIVE
    ).select_related("user")
    for membership in memberships:
        user = membership.user
        if not user.is_active:
            continue
        if (
            membership.role == Role.PRINCIPAL_MANAGER
            or user.notification_preference == NotificationPreference.EACH_EVENT
        ):
            yield user


def notify_status_change(change_id: int) -> None:
    change = (
        InvoiceStatusChange.objects.select_related("invoice__supplier", "invoice__recipient")
        .filter(pk=change_id)
        .first()
    )
    if change is None:
        return
    invoice = change.invoice
    try:
        path = reverse("invoices:supplier_detail", args=[invoice.pk])
    except NoReverseMatch:
        path = "/"
    context = {"change": change, "invoice": invoice, "url": settings.PORTAL_BASE_URL.rstrip("/") + path}
    for user in _recipients(invoice):
        with translation.override(user.language):
            subject = render_to_string("emails/invoices/status_change_subject.txt", context).strip()
            body = render_to_string("emails/invoices/status_change.txt", context)
        send_mail(f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}", body, None, [user.notification_email])
