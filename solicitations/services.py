"""Every write on sollicitations. A status changes only in `_apply_transition`, under the row's
lock, with its exchange (the thread's append-only, chained row) in the same transaction and its
notifications queued after commit."""

import datetime

import holidays
from django.core import signing
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from choruspro.outbox import enqueue_on_commit
from invoices import attachments as attachment_rules
from solicitations import permissions, reference, selectors, workflow
from solicitations.enums import Addressee, Side
from solicitations.exceptions import (
    AttachmentRefused,
    SolicitationError,
    SolicitationNotAllowed,
    SolicitationNotFound,
)
from solicitations.models import Solicitation, SolicitationAttachment, SolicitationExchange, SupportAgent
from structures import cache as structure_cache
from structures.models import StructureService

# A sollicitation and all its exchanges' files.
MAX_SOLICITATION_TOTAL = 50 * 1024 * 1024
# Domain §10 / issue 16: an unanswered sollicitation is flagged after five working days.
ANSWER_DELAY_WORKING_DAYS = 5
PUBLIC_TOKEN_SALT = "solicitations.public-follow"
PUBLIC_TOKEN_MAX_AGE = 180 * 24 * 60 * 60


def _notify_after_commit(exchange: SolicitationExchange) -> None:
    from solicitations.tasks import notify_exchange_task

    enqueue_on_commit(notify_exchange_task, exchange.pk)


def _apply_transition(solicitation, transition, *, side, actor, structure, message="", payload=None):
    """The one place where a sollicitation's status is written (house style §C)."""
    previous = solicitation.status
    solicitation.status = transition.target
    solicitation.status_changed_at = timezone.now()
    # A new status restarts the addressee's delay.
    solicitation.overdue_since = None
    fields = ["status", "status_changed_at", "overdue_since", "updated_at"]
    if transition.name == "submit":
        solicitation.sent_at = solicitation.status_changed_at
        fields.append("sent_at")
    solicitation.save(update_fields=fields)
    exchange = SolicitationExchange.objects.create(
        solicitation=solicitation,
        transition=transition.name,
        from_status=previous,
        to_status=solicitation.status,
        side=side,
        actor=actor,
        structure=structure,
        message=message,
        payload=payload or {},
    )
    _notify_after_commit(exchange)
    return exchange


def _created(solicitation, *, actor, structure) -> SolicitationExchange:
    """The first row of the thread: the draft (no one to notify yet)."""
    return SolicitationExchange.objects.create(
        solicitation=solicitation,
        transition="create",
        to_status=solicitation.status,
        side=Side.REQUESTER,
        actor=actor,
        structure=structure,
    )


def _check_files(solicitation: Solicitation | None, files) -> list[tuple[str, bytes]]:
    """The invoices' attachment rules, and a total per sollicitation."""
    accepted, errors = attachment_rules.read_uploads(files)
    stored = sum(solicitation.attachments.values_list("size", flat=True)) if solicitation else 0
    if stored + sum(len(data) for _name, data in accepted) > MAX_SOLICITATION_TOTAL:
        errors[_("Ensemble des pièces jointes")] = _(
            "Les pièces jointes d'une sollicitation ne peuvent pas dépasser 50 Mo au total."
        )
    if errors:
        raise AttachmentRefused(errors)
    return accepted


def _store_files(solicitation, exchange, accepted, actor) -> None:
    for name, data in accepted:
        attachment = SolicitationAttachment(
            solicitation=solicitation,
            exchange=exchange,
            added_by=actor,
            **attachment_rules.stored_facts(name, data),
        )
        attachment.file.save(name, ContentFile(data), save=False)
        attachment.save()


def _set_number(solicitation) -> None:
    solicitation.number = f"SOL{solicitation.created_at:%Y}{solicitation.pk:08d}"
    solicitation.save(update_fields=["number"])


def _route(solicitation, subcategory, invoice, structure) -> None:
    """The addressee the routing table gives the catégorie; a service « métier » is the linked
    invoice's recipient service."""
    solicitation.addressee = reference.route(subcategory.category.code)
    solicitation.addressee_structure = solicitation.addressee_service = None
    if solicitation.addressee == Addressee.SERVICE:
        if invoice is None or invoice.supplier_id != structure.pk or invoice.recipient_id is None:
            raise SolicitationError(
                _("Cette catégorie s'adresse au destinataire d'une facture : choisissez une facture émise.")
            )
        solicitation.addressee_structure = invoice.recipient
        solicitation.addressee_service = invoice.recipient_service


def _require_writer(actor, structure, side, membership=None) -> None:
    if not permissions.can_write(actor, structure, side, membership):
        raise SolicitationNotAllowed(
            _("Vous n'avez pas le droit de modifier les sollicitations de cet espace.")
        )


@transaction.atomic
def save_solicitation(
    *,
    actor,
    structure,
    data: dict,
    files=(),
    solicitation_id: int | None = None,
    send: bool = False,
    membership=None,
) -> Solicitation:
    """Saisir sollicitation: a draft saved (new or edited), and sent at once when `send`.
    `data`: subcategory, subject, message, invoice (or None), requester_service (or None)."""
    _require_writer(actor, structure, Side.REQUESTER, membership)
    subcategory = data["subcategory"]
    if not (subcategory.is_active and subcategory.category.is_active):
        raise SolicitationError(_("Cette sous-catégorie n'est plus proposée."))
    invoice = data.get("invoice")
    if (
        invoice is not None
        and not selectors.linkable_invoices(structure, actor, membership).filter(pk=invoice.pk).exists()
    ):
        raise SolicitationNotFound(_("Facture introuvable."))
    service = data.get("requester_service")
    services, service_required = selectors.requester_services(structure, actor, membership)
    if service is not None and not services.filter(pk=service.pk).exists():
        raise SolicitationNotFound(_("Service introuvable."))
    if service is None and service_required:
        raise SolicitationError(_("Choisissez le service au nom duquel vous écrivez."))
    if solicitation_id is None:
        solicitation = Solicitation(requester=actor, requester_structure=structure)
    else:
        solicitation = _lock(selectors.sent_by(structure), solicitation_id)
        if not workflow.can("edit", solicitation.status):
            raise SolicitationError(_("Seul un brouillon peut être modifié."))
    accepted = _check_files(solicitation if solicitation.pk else None, files)
    solicitation.category = subcategory.category
    solicitation.subcategory = subcategory
    solicitation.subject = data["subject"].strip()
    solicitation.message = data["message"].strip()
    solicitation.invoice = invoice
    solicitation.requester_service = service
    _route(solicitation, subcategory, invoice, structure)
    new = solicitation.pk is None
    solicitation.save()
    if new:
        _set_number(solicitation)
        creation = _created(solicitation, actor=actor, structure=structure)
    else:
        creation = solicitation.exchanges.filter(transition="create").first()
    _store_files(solicitation, creation, accepted, actor)
    if send:
        transition = workflow.check("submit", solicitation.status, Side.REQUESTER)
        _apply_transition(solicitation, transition, side=Side.REQUESTER, actor=actor, structure=structure)
    return solicitation


def _lock(queryset, solicitation_id) -> Solicitation:
    solicitation = queryset.select_for_update(of=("self",)).filter(pk=solicitation_id).first()
    if solicitation is None:
        raise SolicitationNotFound(_("Sollicitation introuvable."))
    return solicitation


def _scope(side, actor, structure, membership):
    if side == Side.REQUESTER:
        return selectors.sent_by(structure)
    if side == Side.SERVICE:
        return selectors.received_by(structure, actor, membership)
    return selectors.with_support()


@transaction.atomic
def act_on_solicitation(
    *,
    actor,
    side: str,
    solicitation_id: int,
    action: str,
    structure=None,
    message: str = "",
    files=(),
    service: StructureService | None = None,
    membership=None,
) -> Solicitation:
    """Every action after sending, for the side the user acts for: apporter un complément,
    renvoyer, clôturer (the requester); prendre en charge, répondre, demander des informations
    complémentaires, transférer au support (the service); the same and réaffecter (the support)."""
    _require_writer(actor, structure, side, membership)
    solicitation = _lock(_scope(side, actor, structure, membership), solicitation_id)
    return _act(
        solicitation,
        side=side,
        actor=actor,
        structure=structure,
        action=action,
        message=message,
        files=files,
        service=service,
    )


def _act(solicitation, *, side, actor, structure, action, message, files, service=None):
    transition = workflow.check(action, solicitation.status, side)
    message = message.strip()
    if transition.needs_message and not message:
        raise SolicitationError(str(workflow.MISSING_MESSAGE))
    accepted = _check_files(solicitation, files)
    payload = {}
    if transition.name == "transfer_to_support":
        solicitation.addressee = Addressee.SUPPORT
        solicitation.save(update_fields=["addressee"])
    elif transition.name == "reassign":
        if service is None or not service.is_active or not service.structure.is_public:
            raise SolicitationError(_("Choisissez le service d'une structure publique."))
        solicitation.addressee = Addressee.SERVICE
        solicitation.addressee_structure = service.structure
        solicitation.addressee_service = service
        solicitation.save(update_fields=["addressee", "addressee_structure", "addressee_service"])
        payload = {"service": service.pk, "structure": service.structure_id}
    exchange = _apply_transition(
        solicitation,
        transition,
        side=side,
        actor=actor,
        structure=structure,
        message=message,
        payload=payload,
    )
    _store_files(solicitation, exchange, accepted, actor)
    return solicitation


# --- People who cannot log in (public form) -----------------------------------------------------


def public_token(solicitation) -> str:
    return signing.dumps({"s": solicitation.pk, "e": solicitation.requester_email}, salt=PUBLIC_TOKEN_SALT)


def read_public_token(token: str) -> tuple[int, str]:
    """(sollicitation id, e-mail) of a follow link; SolicitationNotFound when forged or expired."""
    try:
        value = signing.loads(token, salt=PUBLIC_TOKEN_SALT, max_age=PUBLIC_TOKEN_MAX_AGE)
    except signing.BadSignature as exc:
        raise SolicitationNotFound(_("Ce lien de suivi n'est pas valide ou a expiré.")) from exc
    return value["s"], value["e"]


@transaction.atomic
def create_public_solicitation(
    *, email: str, subcategory, subject: str, message: str, files=()
) -> Solicitation:
    """Sent at once to the support; the follow link is e-mailed to the address given."""
    if reference.route(subcategory.category.code) != Addressee.SUPPORT or not subcategory.is_active:
        raise SolicitationError(_("Cette sous-catégorie n'est pas proposée sans connexion."))
    accepted = _check_files(None, files)
    solicitation = Solicitation.objects.create(
        requester_email=email.strip().lower(),
        category=subcategory.category,
        subcategory=subcategory,
        subject=subject.strip(),
        message=message.strip(),
        addressee=Addressee.SUPPORT,
    )
    _set_number(solicitation)
    creation = _created(solicitation, actor=None, structure=None)
    _store_files(solicitation, creation, accepted, None)
    _apply_transition(solicitation, workflow.get("submit"), side=Side.REQUESTER, actor=None, structure=None)
    return solicitation


@transaction.atomic
def act_as_public_requester(*, token: str, action: str, message: str = "", files=()) -> Solicitation:
    solicitation_id, email = read_public_token(token)
    solicitation = _lock(selectors.of_public_requester(email), solicitation_id)
    return _act(
        solicitation,
        side=Side.REQUESTER,
        actor=None,
        structure=None,
        action=action,
        message=message,
        files=files,
    )


# --- Support role, delays ---------------------------------------------------------------------


def grant_support_role(*, user) -> SupportAgent:
    """Given by the portal's operators (management command), never by a structure's manager."""
    if not user.is_active:
        raise SolicitationError(_("Ce compte n'est pas actif."))
    agent, _created_now = SupportAgent.objects.get_or_create(user=user)
    return agent


def working_days_before(moment: datetime.datetime, days: int) -> datetime.datetime:
    """The moment `days` working days (Monday–Friday, French public holidays excluded) earlier."""
    french_holidays = holidays.country_holidays("FR", years=range(moment.year - 1, moment.year + 1))
    current, left = moment, days
    while left:
        current -= datetime.timedelta(days=1)
        if current.weekday() < 5 and current.date() not in french_holidays:
            left -= 1
    return current


def flag_overdue(now: datetime.datetime | None = None) -> int:
    """Flags what waits for its addressee for five working days; each flag notified once."""
    from solicitations.tasks import notify_overdue_task

    now = now or timezone.now()
    limit = working_days_before(timezone.localtime(now), ANSWER_DELAY_WORKING_DAYS)
    flagged = 0
    candidates = Solicitation.objects.filter(
        status__in=workflow.AWAITING_ANSWER, overdue_since__isnull=True, status_changed_at__lt=limit
    ).values_list("pk", flat=True)
    for solicitation_id in list(candidates):
        with transaction.atomic():
            # Re-read under lock: an answer may have come in meanwhile.
            updated = Solicitation.objects.filter(
                pk=solicitation_id,
                status__in=workflow.AWAITING_ANSWER,
                overdue_since__isnull=True,
                status_changed_at__lt=limit,
            ).update(overdue_since=now)
            if updated:
                flagged += 1
                enqueue_on_commit(notify_overdue_task, solicitation_id)
    return flagged


@transaction.atomic
def mark_notifications_read(*, user, solicitation=None) -> int:
    """The user's notices of one sollicitation (its page was opened), or all of them."""
    notices = selectors.unread_notifications(user)
    if solicitation is not None:
        notices = notices.filter(solicitation=solicitation)
    marked = notices.update(read_at=timezone.now())
    if marked:
        structure_cache.forget_unread(user.pk)
    return marked
