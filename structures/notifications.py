"""E-mails sent after a structure-side write has committed (bodies in templates/emails/structures/)."""

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from choruspro.text import email_subject
from structures.enums import MANAGER_ROLES, MembershipStatus
from structures.models import BillingMandate, Membership, SpaceSubscription

MANDATE_SIGNING_SALT = "structures.mandate-signature"


def absolute_url(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def mandate_signature_url(mandate) -> str:
    token = signing.dumps({"mandate": mandate.pk}, salt=MANDATE_SIGNING_SALT)
    return absolute_url(reverse("structures:mandate_sign", args=[token]))


def _send(template: str, recipients, context: dict, language: str = "fr"):
    recipients = [r for r in recipients if r]
    if not recipients:
        return
    with translation.override(language):
        subject = email_subject(f"emails/structures/{template}_subject.txt", context)
        body = render_to_string(f"emails/structures/{template}.txt", context)
    send_mail(subject, body, None, recipients)


def _managers(structure):
    return [
        m.user
        for m in Membership.objects.filter(
            structure=structure, status=MembershipStatus.ACTIVE, role__in=MANAGER_ROLES
        ).select_related("user")
    ]


def send_structure_notification(kind: str, object_id: int) -> None:
    base = {"portal_url": absolute_url("/")}
    if kind in ("membership_requested", "membership_decided", "membership_created", "principal_transferred"):
        membership = Membership.objects.select_related("user", "structure").filter(pk=object_id).first()
        if membership is None:
            return
        context = {
            **base,
            "membership": membership,
            "structure": membership.structure,
            "user": membership.user,
            "requests_url": absolute_url(reverse("structures:requests")),
        }
        if kind == "membership_requested":
            for manager in _managers(membership.structure):
                _send(kind, [manager.notification_email], context, manager.language)
        else:
            _send(kind, [membership.user.notification_email], context, membership.user.language)
    elif kind in ("subscription_requested", "subscription_decided"):
        subscription = (
            SpaceSubscription.objects.select_related("user", "structure").filter(pk=object_id).first()
        )
        if subscription is None:
            return
        context = {
            **base,
            "subscription": subscription,
            "structure": subscription.structure,
            "user": subscription.user,
            "requests_url": absolute_url(reverse("structures:requests")),
        }
        if kind == "subscription_requested":
            for manager in _managers(subscription.structure):
                _send(kind, [manager.notification_email], context, manager.language)
        else:
            _send(kind, [subscription.user.notification_email], context, subscription.user.language)
    elif kind == "mandate_subscribed":
        mandate = (
            BillingMandate.objects.select_related("structure", "created_by").filter(pk=object_id).first()
        )
        if mandate is None:
            return
        context = {
            **base,
            "mandate": mandate,
            "structure": mandate.structure,
            "signature_url": mandate_signature_url(mandate),
        }
        _send(kind, [mandate.created_by.notification_email], context, mandate.created_by.language)
    else:
        raise ValueError(f"unknown notification kind {kind!r}")
