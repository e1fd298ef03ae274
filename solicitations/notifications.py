"""Every exchange notifies the other side: an in-portal notice for each user concerned and an
e-mail (bodies in templates/emails/solicitations/); a person who cannot log in gets the e-mail
with their follow link. Called by tasks after commit; safe to re-run: a notice exists once per
(user, exchange), and only users whose notice this run created are e-mailed."""

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from choruspro.text import email_subject
from solicitations import selectors
from solicitations.enums import Addressee, Side
from solicitations.models import Solicitation, SolicitationExchange, SolicitationNotification
from structures import cache as structure_cache
from structures import permissions
from structures.enums import Space

# Longer than any retry of a notification task.
PUBLIC_MAIL_MEMORY = 7 * 24 * 60 * 60


def _url(name, *args) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse(name, args=args)


def _handlers(solicitation) -> list[tuple[object, str]]:
    """(user, link) of the people who handle the sollicitation now."""
    if solicitation.addressee == Addressee.SUPPORT:
        link = _url("solicitations:support_detail", solicitation.pk)
        return [(agent.user, link) for agent in selectors.support_agents()]
    link = _url("solicitations:received_detail", solicitation.pk)
    people = []
    structure = solicitation.addressee_structure
    for membership in permissions.members_with_space(structure, Space.SOLLICITATIONS_RECUES):
        services = permissions.service_scope(membership.user, structure, membership)
        if services is None or solicitation.addressee_service in services:
            people.append((membership.user, link))
    return people


def _send(to: str, language: str, template: str, context: dict) -> None:
    with translation.override(language):
        subject = email_subject(f"emails/solicitations/{template}_subject.txt", context)
        body = render_to_string(f"emails/solicitations/{template}.txt", context)
    send_mail(subject, body, None, [to])


def _requester(solicitation) -> list[tuple[object, str]]:
    if solicitation.requester_id and solicitation.requester.is_active:
        return [(solicitation.requester, _url("solicitations:sent_detail", solicitation.pk))]
    return []


def notify_exchange(exchange_id: int) -> None:
    exchange = (
        SolicitationExchange.objects.select_related(
            "solicitation__requester", "solicitation__addressee_structure", "solicitation__addressee_service"
        )
        .filter(pk=exchange_id)
        .first()
    )
    if exchange is None:
        return
    solicitation = exchange.solicitation
    if exchange.side == Side.REQUESTER:
        audience = _handlers(solicitation)
    else:
        audience = _requester(solicitation)
        if exchange.transition in ("transfer_to_support", "reassign"):
            # The new handlers learn it is theirs.
            audience += _handlers(solicitation)
    audience = [(user, link) for user, link in audience if user.pk != exchange.actor_id]
    existing = set(
        SolicitationNotification.objects.filter(exchange=exchange).values_list("user_id", flat=True)
    )
    notified = []
    for user, link in audience:
        if user.pk in existing:
            continue
        _, created = SolicitationNotification.objects.get_or_create(
            user=user, exchange=exchange, defaults={"solicitation": solicitation}
        )
        if created:
            existing.add(user.pk)
            notified.append(user.pk)
            _send(
                user.notification_email,
                user.language,
                "exchange",
                {"exchange": exchange, "solicitation": solicitation, "url": link},
            )
    if notified:
        structure_cache.forget_unread(*notified)
    if not solicitation.requester_id and _first_public_mail(exchange):
        _mail_public_requester(exchange, solicitation)


def _first_public_mail(exchange) -> bool:
    """A person without account has no notice row: a cache key (Redis in production) says the
    exchange's e-mail already went."""
    return cache.add(f"solicitations:public-mail:{exchange.pk}", 1, timeout=PUBLIC_MAIL_MEMORY)


def _mail_public_requester(exchange, solicitation) -> None:
    from solicitations.services import public_token

    link = _url("solicitations:public_follow", public_token(solicitation))
    if exchange.side == Side.REQUESTER:
        if exchange.transition == "submit":
            _send(
                solicitation.requester_email,
                "fr",
                "public_received",
                {"solicitation": solicitation, "url": link},
            )
        return
    _send(
        solicitation.requester_email,
        "fr",
        "exchange",
        {"exchange": exchange, "solicitation": solicitation, "url": link},
    )


def notify_overdue(solicitation_id: int) -> None:
    solicitation = Solicitation.objects.filter(pk=solicitation_id, overdue_since__isnull=False).first()
    if solicitation is None:
        return
    for user, link in _handlers(solicitation):
        _send(user.notification_email, user.language, "overdue", {"solicitation": solicitation, "url": link})
