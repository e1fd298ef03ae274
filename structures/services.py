"""Every write on structures, memberships, subscriptions, bank details and mandates.

Each service is atomic, locks the rows it changes, checks the actor's role for the structure,
writes an AuditLog row in the same transaction, and queues e-mails after commit.
"""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from choruspro.outbox import enqueue_on_commit
from choruspro.text import NOT_SINGLE_LINE, is_single_line
from structures import cache, permissions, selectors, signals
from structures.enums import (
    DEFAULT_PUBLIC_SPACES,
    DEFAULT_SPACES,
    MANAGER_ROLES,
    MANAGER_SPACES,
    SELF_SERVICE_SPACES,
    AuditAction,
    BankAccountStatus,
    MandateStatus,
    MembershipStatus,
    Role,
    Space,
    StructureKind,
    StructureStatus,
    SubscriptionMode,
    SubscriptionStatus,
)
from structures.exceptions import NotAllowed, StructureError
from structures.models import (
    AuditLog,
    BankAccount,
    BillingMandate,
    Membership,
    OpenedSpace,
    SpaceSubscription,
    Structure,
    StructureService,
)

STRUCTURE_FIELDS = (
    "identifier_type",
    "identifier",
    "raison_sociale",
    "libelle",
    "email",
    "numero_tva",
    "kind",
    "adresse",
    "complement_adresse_1",
    "complement_adresse_2",
    "code_postal",
    "ville",
    "pays",
    "telephone",
    "code_service_required",
    "engagement_required",
    "service_or_engagement_required",
    "reports_mise_en_paiement",
    "emetteur_edi",
    "recepteur_edi",
    "is_moa",
    "is_moa_only",
)
# Fields a manager may change after creation: the identifier is fixed (a SIRET change is a new
# structure, domain §7.5).
EDITABLE_STRUCTURE_FIELDS = tuple(f for f in STRUCTURE_FIELDS if f not in ("identifier_type", "identifier"))


def _audit(*, actor, structure, action, target_user=None, description="", **payload):
    return AuditLog.objects.create(
        actor=actor,
        structure=structure,
        action=action,
        target_user=target_user,
        description=str(description)[:255],
        payload=payload,
    )


def _notify(kind: str, object_id: int):
    from structures.tasks import send_structure_notification_task

    enqueue_on_commit(send_structure_notification_task, kind, object_id)


def _require_single_line(*names):
    """Names go into e-mail subjects: a newline there would stop every e-mail that quotes them."""
    if not all(is_single_line(name) for name in names):
        raise StructureError(NOT_SINGLE_LINE)


def _lock_structure(structure_id) -> Structure:
    return Structure.objects.select_for_update().get(pk=structure_id)


def _require_manager(actor, structure, *, principal=False) -> Membership:
    membership = selectors.active_membership(actor, structure)
    allowed = {Role.PRINCIPAL_MANAGER} if principal else MANAGER_ROLES
    if membership is None or membership.role not in allowed:
        raise NotAllowed(
            _("Seul le gestionnaire principal de la structure peut faire cette action.")
            if principal
            else _("Seul un gestionnaire de la structure peut faire cette action.")
        )
    return membership


def _require_active(structure):
    if structure.status != StructureStatus.ACTIVE:
        raise StructureError(_("La structure est inactive : elle ne peut plus être modifiée."))


def _member_for_update(structure, membership_id) -> Membership:
    try:
        return (
            Membership.objects.select_for_update()
            .select_related("user")
            .get(pk=membership_id, structure=structure)
        )
    except Membership.DoesNotExist as exc:
        raise StructureError(_("Cet utilisateur n'est pas rattaché à la structure.")) from exc


# --- Structures ------------------------------------------------------------------------------


@transaction.atomic
def create_structure(
    *, actor, data: dict, kind: str = StructureKind.PRIVATE, created_by_signup: bool = False
) -> Structure:
    """Creates a structure whose principal manager is the actor, with the default spaces open.

    Public structures come from the annuaire import or the operators: a sign-up would otherwise let
    anyone receive suppliers' invoices in a public entity's name.
    """
    if created_by_signup and kind == StructureKind.PUBLIC:
        raise StructureError(
            _(
                "Une structure publique ne peut pas être créée à l'inscription : elle provient de "
                "l'annuaire officiel. Demandez votre rattachement à la structure existante ou "
                "contactez le support du portail."
            )
        )
    values = {field: data[field] for field in STRUCTURE_FIELDS if field in data}
    _require_single_line(values.get("raison_sociale", ""), values.get("libelle", ""))
    values["kind"] = kind
    values["created_by_signup"] = created_by_signup
    if Structure.objects.filter(
        identifier_type=values.get("identifier_type"), identifier=values.get("identifier")
    ).exists():
        raise StructureError(
            _("Une structure existe déjà avec cet identifiant : demandez-y votre rattachement.")
        )
    try:
        with transaction.atomic():
            structure = Structure.objects.create(**values)
    except IntegrityError as exc:
        raise StructureError(
            _("Une structure existe déjà avec cet identifiant : demandez-y votre rattachement.")
        ) from exc
    Membership.objects.create(
        user=actor,
        structure=structure,
        role=Role.PRINCIPAL_MANAGER,
        status=MembershipStatus.ACTIVE,
        decided_at=timezone.now(),
    )
    cache.forget_navigation(actor.pk)
    spaces = DEFAULT_PUBLIC_SPACES if kind == StructureKind.PUBLIC else DEFAULT_SPACES
    for space in spaces:
        OpenedSpace.objects.create(structure=structure, space=space)
        if space not in MANAGER_SPACES:
            SpaceSubscription.objects.create(
                user=actor,
                structure=structure,
                space=space,
                mode=SubscriptionMode.MODIFICATION,
                status=SubscriptionStatus.ACTIVE,
                decided_at=timezone.now(),
            )
    _audit(
        actor=actor,
        structure=structure,
        action=AuditAction.STRUCTURE_CREATED,
        description=structure.raison_sociale,
    )
    return structure


@transaction.atomic
def update_structure(*, actor, structure_id: int, data: dict) -> Structure:
    structure = _lock_structure(structure_id)
    _require_manager(actor, structure)
    _require_active(structure)
    _require_single_line(data.get("raison_sociale", ""), data.get("libelle", ""))
    changed = {}
    for field in EDITABLE_STRUCTURE_FIELDS:
        if field in data and getattr(structure, field) != data[field]:
            changed[field] = [str(getattr(structure, field)), str(data[field])]
            setattr(structure, field, data[field])
    if changed:
        structure.save()
        cache.forget_structure(structure.pk)
        _audit(actor=actor, structure=structure, action=AuditAction.STRUCTURE_UPDATED, changes=changed)
    return structure


@transaction.atomic
def inactivate_structure(*, actor, structure_id: int, absorbed_by: Structure | None = None) -> Structure:
    """Inactivates a structure (e.g. absorbed by another, §7.5); its data stay readable."""
    structure = _lock_structure(structure_id)
    _require_manager(actor, structure, principal=True)
    _require_active(structure)
    if absorbed_by is not None and absorbed_by.pk == structure.pk:
        raise StructureError(_("Une structure ne peut pas s'absorber elle-même."))
    structure.status = StructureStatus.INACTIVE
    structure.absorbed_by = absorbed_by
    structure.save(update_fields=["status", "absorbed_by", "updated_at"])
    cache.forget_structure(structure.pk)
    BillingMandate.objects.filter(
        structure=structure, status__in=[MandateStatus.PENDING, MandateStatus.ACTIVE]
    ).update(status=MandateStatus.REVOKED, revoked_at=timezone.now())
    _audit(
        actor=actor,
        structure=structure,
        action=AuditAction.STRUCTURE_INACTIVATED,
        description=str(absorbed_by) if absorbed_by else "",
        absorbed_by=absorbed_by.pk if absorbed_by else None,
    )
    return structure


# --- Services and spaces --------------------------------------------------------------------


@transaction.atomic
def create_service(*, actor, structure_id: int, code: str, libelle: str, engagement_required=False):
    structure = _lock_structure(structure_id)
    _require_manager(actor, structure)
    _require_active(structure)
    _require_single_line(libelle)
    code = code.strip().upper()
    if StructureService.objects.filter(structure=structure, code=code).exists():
        raise StructureError(_("Un service existe déjà avec ce code dans la structure."))
    service = StructureService.objects.create(
        structure=structure, code=code, libelle=libelle.strip(), engagement_required=engagement_required
    )
    _audit(actor=actor, structure=structure, action=AuditAction.SERVICE_CREATED, description=str(service))
    return service


@transaction.atomic
def update_service(
    *, actor, structure_id: int, service_id: int, libelle: str, is_active: bool, engagement_required: bool
):
    structure = _lock_structure(structure_id)
    _require_manager(actor, structure)
    _require_active(structure)
    _require_single_line(libelle)
    service = StructureService.objects.select_for_update().get(pk=service_id, structure=structure)
    service.libelle = libelle.strip()
    service.is_active = is_active
    service.engagement_required = engagement_required
    service.save()
    _audit(
        actor=actor,
        structure=structure,
        action=AuditAction.SERVICE_UPDATED,
        description=str(service),
        is_active=is_active,
        engagement_required=engagement_required,
    )
    return service


@transaction.atomic
def open_space(*, actor, structure_id: int, space: str, service_id: int | None = None) -> OpenedSpace:
    structure = _lock_structure(structure_id)
    _require_manager(actor, structure)
    _require_active(structure)
    if space == Space.FACTURES_RECUES and structure.kind != StructureKind.PUBLIC:
        raise StructureError(_("L'espace Factures reçues est réservé aux structures publiques."))
    service = StructureService.objects.get(pk=service_id, structure=structure) if service_id else None
    opened, created = OpenedSpace.objects.get_or_create(structure=structure, service=service, space=space)
    if created:
        cache.forget_structure(structure.pk)
        _audit(
            actor=actor,
            structure=structure,
            action=AuditAction.SPACE_OPENED,
            description=Space(space).label,
            space=space,
            service=service.code if service else None,
        )
    return opened


@transaction.atomic
def close_space(*, actor, structure_id: int, opened_space_id: int) -> None:
    structure = _lock_structure(structure_id)
    _require_manager(actor, structure)
    _require_active(structure)
    opened = OpenedSpace.objects.get(pk=opened_space_id, structure=structure)
    if opened.space in (Space.MON_COMPTE, Space.ACTIVITES_GESTIONNAIRE):
        raise StructureError(
            _("Les espaces Mon compte et Activités du gestionnaire ne peuvent pas être fermés.")
        )
    space = opened.space
    opened.delete()
    if not OpenedSpace.objects.filter(structure=structure, space=space).exists():
        SpaceSubscription.objects.filter(structure=structure, space=space).exclude(
            status=SubscriptionStatus.INACTIVE
        ).update(status=SubscriptionStatus.INACTIVE, decided_at=timezone.now(), decided_by=actor)
    cache.forget_structure(structure.pk)
    _audit(
        actor=actor,
        structure=structure,
        action=AuditAction.SPACE_CLOSED,
        description=Space(space).label,
        space=space,
    )


# --- Bank details ---------------------------------------------------------------------------


@transaction.atomic
def add_bank_account(*, actor, structure_id: int, libelle: str, iban: str, bic: str = "", is_factor=False):
    structure = _lock_structure(structure_id)
    _require_manager(actor, structure)
    _require_active(structure)
    if BankAccount.objects.filter(structure=structure, iban=iban).exists():
        raise StructureError(_("Ces coordonnées bancaires existent déjà pour la structure."))
    account = BankAccount.objects.create(
        structure=structure, libelle=libelle.strip(), iban=iban, bic=bic, is_factor=is_factor
    )
    _audit(
        actor=actor,
        structure=structure,
        action=AuditAction.BANK_ACCOUNT_ADDED,
        description=account.libelle,
        iban_end=iban[-4:],
    )
    return account


@transaction.atomic
def set_bank_account_status(*, actor, structure_id: int, bank_account_id: int, status: str):
    structure = _lock_structure(structure_id)
    _require_manager(actor, structure)
    _require_active(structure)
    account = BankAccount.objects.select_for_update().get(pk=bank_account_id, structure=structure)
    if status not in BankAccountStatus.values:
        raise StructureError(_("Statut inconnu."))
    account.status = status
    account.save(update_fields=["status"])
    _audit(
        actor=actor,
        structure=structure,
        action=AuditAction.BANK_ACCOUNT_UPDATED,
        description=account.libelle,
        status=status,
    )
    return account


# --- Memberships (rattachements) --------------------------------------------------------------


@transaction.atomic
def request_membership(*, user, structure_id: int, service_ids=(), message: str = "") -> Membership:
    """A user asks to be attached to a structure; its managers decide (domain §6.3)."""
    structure = _lock_structure(structure_id)
    _require_active(structure)
    existing = Membership.objects.select_for_update().filter(user=user, structure=structure).first()
    if existing and existing.status in (MembershipStatus.ACTIVE, MembershipStatus.PENDING):
        raise StructureError(
            _("Vous êtes déjà rattaché à cette structure.")
            if existing.status == MembershipStatus.ACTIVE
            else _("Une demande de rattachement à cette structure est déjà en cours de validation.")
        )
    has_manager = Membership.objects.filter(
        structure=structure, status=MembershipStatus.ACTIVE, role__in=MANAGER_ROLES
    ).exists()
    if existing:
        membership = existing
        membership.status = MembershipStatus.PENDING
        membership.role = Role.USER
        membership.message = message
        membership.requested_at = timezone.now()
        membership.decided_at = None
        membership.decided_by = None
        membership.save()
    else:
        membership = Membership.objects.create(
            user=user, structure=structure, role=Role.USER, status=MembershipStatus.PENDING, message=message
        )
    services = StructureService.objects.filter(structure=structure, pk__in=service_ids, is_active=True)
    membership.services.set(services)
    cache.forget_navigation(user.pk)
    _audit(
        actor=user,
        structure=structure,
        action=AuditAction.MEMBERSHIP_REQUESTED,
        target_user=user,
        has_manager=has_manager,
    )
    _notify("membership_requested", membership.pk)
    return membership


@transaction.atomic
def decide_membership(
    *, actor, structure_id: int, membership_id: int, approve: bool, reason: str = ""
) -> Membership:
    structure = _lock_structure(structure_id)
    _require_manager(actor, structure)
    _require_active(structure)
    membership = _member_for_update(structure, membership_id)
    if membership.status != MembershipStatus.PENDING:
        raise StructureError(_("Cette demande a déjà été traitée."))
    membership.status = MembershipStatus.ACTIVE if approve else MembershipStatus.REFUSED
    membership.decided_at = timezone.now()
    membership.decided_by = actor
    membership.save()
    if approve:
        _subscribe_self_service_spaces(membership)
    cache.forget_navigation(membership.user_id)
    _audit(
        actor=actor,
        structure=structure,
        action=AuditAction.MEMBERSHIP_APPROVED if approve else AuditAction.MEMBERSHIP_REFUSED,
        target_user=membership.user,
        reason=reason,
    )
    _notify("membership_decided", membership.pk)
    return membership


def _subscribe_self_service_spaces(membership):
    """An approved member gets the opened spaces that need no approval (domain §5.2)."""
    opened = set(OpenedSpace.objects.filter(structure=membership.structure).values_list("space", flat=True))
    for space in opened & SELF_SERVICE_SPACES:
        SpaceSubscription.objects.update_or_create(
            user=membership.user,
            structure=membership.structure,
            space=space,
            defaults={
                "status": SubscriptionStatus.ACTIVE,
                "mode": SubscriptionMode.MODIFICATION,
                "decided_at": timezone.now(),
            },
        )


@transaction.atomic
def attach_user(*, actor, structure_id: int, user, role: str = Role.USER, service_ids=()) -> Membership:
    """A manager attaches an existing user directly, with no request (domain §6.3, W7)."""
    structure = _lock_structure(structure_id)
    _require_manager(actor, structure)
    _require_active(structure)
    if role == Role.PRINCIPAL_MANAGER:
        raise StructureError(_("Le rôle de gestionnaire principal se transmet par un transfert."))
    membership = Membership.objects.select_for_update().filter(user=user, structure=structure).first()
    if membership and membership.status == MembershipStatus.ACTIVE:
        raise StructureError(_("Cet utilisateur est déjà rattaché à la structure."))
    if membership is None:
        membership = Membership(user=user, structure=structure)
    membership.role = role
    membership.status = MembershipStatus.ACTIVE
    membership.decided_at = timezone.now()
    membership.decided_by = actor
    membership.save()
    membership.services.set(StructureService.objects.filter(structure=structure, pk__in=service_ids))
    _subscribe_self_service_spaces(membership)
    cache.forget_navigation(user.pk)
    _audit(
        actor=actor, structure=structure, action=AuditAction.MEMBERSHIP_CREATED, target_user=user, role=role
    )
    _notify("membership_created", membership.pk)
    return membership


@transaction.atomic
def invite_user(*, actor, structure_id: int, email: str, nom: str, prenom: str, role: str, service_ids=()):
    """A manager creates a colleague's account, attached to the structure at once (domain §6.3:
    a manager can attach users directly); the colleague activates it from the e-mailed link.

    An address that already has an account is answered alike, lest the form tell who is registered:
    that account is attached, and its owner gets the e-mail that fits it (the activation link while
    it is not activated, the attachment notice of attach_user in every case)."""
    user_model = get_user_model()
    email = user_model.objects.normalize_email(email).lower()
    user = user_model.objects.filter(email__iexact=email).first()
    if user is None:
        # Created without a password, the account waits for its activation (the model's default status).
        user = user_model.objects.create_user(
            email, nom=nom.strip(), prenom=prenom.strip(), language=actor.language
        )
    attach_user(actor=actor, structure_id=structure_id, user=user, role=role, service_ids=service_ids)
    if user.is_pending_activation:
        request_activation_link(user_id=user.pk)
    return user


def request_activation_link(*, user_id: int) -> None:
    """The activation link goes out after commit; accounts sends it (structures.signals)."""
    transaction.on_commit(lambda: signals.activation_link_requested.send(sender=None, user_id=user_id))


@transaction.atomic
def set_member_role(*, actor, structure_id: int, membership_id: int, role: str) -> Membership:
    """Promotes a user to secondary manager or back to simple user."""
    structure = _lock_structure(structure_id)
    _require_manager(actor, structure)
    _require_active(structure)
    if role not in (Role.SECONDARY_MANAGER, Role.USER):
        raise StructureError(_("Le rôle de gestionnaire principal se transmet par un transfert."))
    membership = _member_for_update(structure, membership_id)
    if membership.role == Role.PRINCIPAL_MANAGER:
        raise StructureError(_("Le gestionnaire principal ne peut pas changer de rôle sans transfert."))
    if membership.status != MembershipStatus.ACTIVE:
        raise StructureError(_("Seul un utilisateur actif peut changer de rôle."))
    previous = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    cache.forget_navigation(membership.user_id)
    _audit(
        actor=actor,
        structure=structure,
        action=AuditAction.ROLE_CHANGED,
        target_user=membership.user,
        previous=previous,
        role=role,
    )
    return membership


@transaction.atomic
def set_member_status(*, actor, structure_id: int, membership_id: int, active: bool) -> Membership:
    """Deactivates or reactivates a user's membership."""
    structure = _lock_structure(structure_id)
    _require_manager(actor, structure)
    _require_active(structure)
    membership = _member_for_update(structure, membership_id)
    if membership.role == Role.PRINCIPAL_MANAGER:
        raise StructureError(
            _("Le gestionnaire principal ne peut pas être désactivé : transférez d'abord son rôle.")
        )
    expected = MembershipStatus.INACTIVE if active else MembershipStatus.ACTIVE
    if membership.status != expected:
        raise StructureError(_("Cet utilisateur est déjà dans cet état."))
    membership.status = MembershipStatus.ACTIVE if active else MembershipStatus.INACTIVE
    membership.decided_at = timezone.now()
    membership.decided_by = actor
    membership.save()
    cache.forget_navigation(membership.user_id)
    _audit(
        actor=actor,
        structure=structure,
        action=AuditAction.MEMBERSHIP_REACTIVATED if active else AuditAction.MEMBERSHIP_DEACTIVATED,
        target_user=membership.user,
    )
    return membership


@transaction.atomic
def detach_member(*, actor, structure_id: int, membership_id: int) -> None:
    """Removes a user from the structure, with their space subscriptions for it."""
    structure = _lock_structure(structure_id)
    _require_manager(actor, structure)
    membership = _member_for_update(structure, membership_id)
    if membership.role == Role.PRINCIPAL_MANAGER:
        raise StructureError(
            _("Le gestionnaire principal ne peut pas être détaché : transférez d'abord son rôle.")
        )
    user = membership.user
    SpaceSubscription.objects.filter(user=user, structure=structure).delete()
    membership.delete()
    cache.forget_navigation(user.pk)
    _audit(actor=actor, structure=structure, action=AuditAction.MEMBERSHIP_REMOVED, target_user=user)


@transaction.atomic
def transfer_principal_role(*, actor, structure_id: int, membership_id: int) -> Membership:
    """The principal manager hands the role to an active member; they become secondary manager."""
    structure = _lock_structure(structure_id)
    current = _require_manager(actor, structure, principal=True)
    _require_active(structure)
    target = _member_for_update(structure, membership_id)
    if target.pk == current.pk:
        raise StructureError(_("Vous êtes déjà le gestionnaire principal."))
    if target.status != MembershipStatus.ACTIVE or not target.user.is_active:
        raise StructureError(
            _("Le nouveau gestionnaire principal doit avoir un compte et un rattachement actifs.")
        )
    Membership.objects.filter(pk=current.pk).update(role=Role.SECONDARY_MANAGER)
    target.role = Role.PRINCIPAL_MANAGER
    target.save(update_fields=["role"])
    cache.forget_navigation(current.user_id, target.user_id)
    _audit(
        actor=actor, structure=structure, action=AuditAction.PRINCIPAL_TRANSFERRED, target_user=target.user
    )
    _notify("principal_transferred", target.pk)
    return target


@transaction.atomic
def duplicate_rights(*, actor, source_user, target_user, structure_ids) -> int:
    """Copies the source user's memberships (services included) and subscriptions onto the
    target user, for the structures the actor manages (domain §6.5). Returns the copies made."""
    if source_user.pk == target_user.pk:
        raise StructureError(_("Choisissez deux utilisateurs différents."))
    copied = 0
    for structure in Structure.objects.select_for_update().filter(pk__in=structure_ids).order_by("pk"):
        _require_manager(actor, structure)
        _require_active(structure)
        source = Membership.objects.filter(
            user=source_user, structure=structure, status=MembershipStatus.ACTIVE
        ).first()
        if source is None:
            continue
        role = Role.USER if source.role == Role.PRINCIPAL_MANAGER else source.role
        target, _created = Membership.objects.update_or_create(
            user=target_user,
            structure=structure,
            defaults={
                "role": role,
                "status": MembershipStatus.ACTIVE,
                "decided_at": timezone.now(),
                "decided_by": actor,
            },
        )
        target.services.set(source.services.all())
        for subscription in SpaceSubscription.objects.filter(
            user=source_user, structure=structure, status=SubscriptionStatus.ACTIVE
        ):
            SpaceSubscription.objects.update_or_create(
                user=target_user,
                structure=structure,
                space=subscription.space,
                defaults={
                    "mode": subscription.mode,
                    "status": SubscriptionStatus.ACTIVE,
                    "decided_at": timezone.now(),
                    "decided_by": actor,
                },
            )
        _audit(
            actor=actor,
            structure=structure,
            action=AuditAction.RIGHTS_DUPLICATED,
            target_user=target_user,
            source_user=source_user.pk,
        )
        copied += 1
    if not copied:
        raise StructureError(
            _("L'utilisateur source n'a aucun rattachement actif dans les structures que vous gérez.")
        )
    cache.forget_navigation(target_user.pk)
    return copied


# --- Space subscriptions ----------------------------------------------------------------------


@transaction.atomic
def request_subscription(*, user, structure_id: int, space: str, mode: str) -> SpaceSubscription:
    """A member subscribes to a space; Factures émises and the like need no approval (§5.2)."""
    structure = _lock_structure(structure_id)
    _require_active(structure)
    if selectors.active_membership(user, structure) is None:
        raise StructureError(_("Vous devez être rattaché à la structure pour vous abonner à ses espaces."))
    if not OpenedSpace.objects.filter(structure=structure, space=space).exists():
        raise StructureError(
            _("Cet espace n'est pas ouvert sur la structure : demandez son ouverture à un gestionnaire.")
        )
    if space in MANAGER_SPACES:
        raise StructureError(_("Cet espace est réservé aux gestionnaires de la structure."))
    subscription = (
        SpaceSubscription.objects.select_for_update()
        .filter(user=user, structure=structure, space=space)
        .first()
    )
    if subscription and subscription.status == SubscriptionStatus.PENDING:
        raise StructureError(_("Une demande d'abonnement à cet espace est déjà en cours de validation."))
    if subscription and subscription.status == SubscriptionStatus.ACTIVE and subscription.mode == mode:
        raise StructureError(_("Vous êtes déjà abonné à cet espace dans ce mode."))
    immediate = space in SELF_SERVICE_SPACES
    if subscription is None:
        subscription = SpaceSubscription(user=user, structure=structure, space=space)
    subscription.mode = mode
    subscription.status = SubscriptionStatus.ACTIVE if immediate else SubscriptionStatus.PENDING
    subscription.requested_at = timezone.now()
    subscription.decided_at = timezone.now() if immediate else None
    subscription.decided_by = None
    subscription.save()
    cache.forget_navigation(user.pk)
    _audit(
        actor=user,
        structure=structure,
        action=AuditAction.SUBSCRIPTION_CREATED if immediate else AuditAction.SUBSCRIPTION_REQUESTED,
        target_user=user,
        space=space,
        mode=mode,
    )
    if not immediate:
        _notify("subscription_requested", subscription.pk)
    return subscription


@transaction.atomic
def decide_subscription(
    *, actor, structure_id: int, subscription_id: int, approve: bool
) -> SpaceSubscription:
    structure = _lock_structure(structure_id)
    _require_manager(actor, structure)
    _require_active(structure)
    subscription = (
        SpaceSubscription.objects.select_for_update()
        .select_related("user")
        .get(pk=subscription_id, structure=structure)
    )
    if subscription.status != SubscriptionStatus.PENDING:
        raise StructureError(_("Cette demande a déjà été traitée."))
    subscription.status = SubscriptionStatus.ACTIVE if approve else SubscriptionStatus.REFUSED
    subscription.decided_at = timezone.now()
    subscription.decided_by = actor
    subscription.save()
    cache.forget_navigation(subscription.user_id)
    _audit(
        actor=actor,
        structure=structure,
        action=AuditAction.SUBSCRIPTION_APPROVED if approve else AuditAction.SUBSCRIPTION_REFUSED,
        target_user=subscription.user,
        space=subscription.space,
    )
    _notify("subscription_decided", subscription.pk)
    return subscription


@transaction.atomic
def end_subscription(*, user, subscription_id: int) -> None:
    subscription = SpaceSubscription.objects.select_for_update().get(pk=subscription_id, user=user)
    if not permissions.can_end_subscription(subscription):
        raise StructureError(_("Cet abonnement ne peut pas être résilié."))
    subscription.status = SubscriptionStatus.INACTIVE
    subscription.decided_at = timezone.now()
    subscription.save()
    cache.forget_navigation(user.pk)
    _audit(
        actor=user,
        structure=subscription.structure,
        action=AuditAction.SUBSCRIPTION_ENDED,
        target_user=user,
        space=subscription.space,
    )


# --- Billing mandate --------------------------------------------------------------------------


@transaction.atomic
def subscribe_mandate(
    *,
    actor,
    structure_id: int,
    libelle: str,
    signatory_nom: str,
    signatory_prenom: str,
    signatory_qualite: str,
) -> BillingMandate:
    """A manager subscribes a billing mandate; its signature link is e-mailed (§7.6)."""
    structure = _lock_structure(structure_id)
    _require_manager(actor, structure)
    _require_active(structure)
    if BillingMandate.objects.filter(
        structure=structure, status__in=[MandateStatus.PENDING, MandateStatus.ACTIVE]
    ).exists():
        raise StructureError(_("Un mandat actif ou en cours de validation existe déjà pour cette structure."))
    mandate = BillingMandate.objects.create(
        structure=structure,
        libelle=libelle.strip(),
        signatory_nom=signatory_nom.strip(),
        signatory_prenom=signatory_prenom.strip(),
        signatory_qualite=signatory_qualite.strip(),
        created_by=actor,
    )
    _audit(
        actor=actor, structure=structure, action=AuditAction.MANDATE_SUBSCRIBED, description=mandate.libelle
    )
    _notify("mandate_subscribed", mandate.pk)
    return mandate


@transaction.atomic
def sign_mandate(*, actor, mandate_id: int) -> BillingMandate:
    """Signing (accepting the terms) through the e-mailed link makes the mandate active."""
    mandate = BillingMandate.objects.select_for_update().select_related("structure").get(pk=mandate_id)
    _require_manager(actor, mandate.structure)
    _require_active(mandate.structure)
    if mandate.status != MandateStatus.PENDING:
        raise StructureError(
            _("Ce mandat est déjà signé.")
            if mandate.status == MandateStatus.ACTIVE
            else _("Ce mandat a été révoqué.")
        )
    mandate.status = MandateStatus.ACTIVE
    mandate.signed_by = actor
    mandate.signed_at = timezone.now()
    mandate.save()
    _audit(
        actor=actor,
        structure=mandate.structure,
        action=AuditAction.MANDATE_SIGNED,
        description=mandate.libelle,
    )
    return mandate


@transaction.atomic
def revoke_mandate(*, actor, structure_id: int, mandate_id: int) -> BillingMandate:
    structure = _lock_structure(structure_id)
    _require_manager(actor, structure)
    mandate = BillingMandate.objects.select_for_update().get(pk=mandate_id, structure=structure)
    if mandate.status == MandateStatus.REVOKED:
        raise StructureError(_("Ce mandat est déjà révoqué."))
    mandate.status = MandateStatus.REVOKED
    mandate.revoked_at = timezone.now()
    mandate.save()
    _audit(actor=actor, structure=structure, action=AuditAction.MANDATE_REVOKED, description=mandate.libelle)
    return mandate
