"""Every read of structures data, scoped to what the acting user may see."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext as _

from structures import cache
from structures.enums import (
    MANAGER_ROLES,
    MANAGER_SPACES,
    MembershipStatus,
    Role,
    Space,
    SubscriptionStatus,
)
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

# Order of the spaces in the horizontal menu.
SPACE_MENU_ORDER = (
    Space.FACTURES_EMISES,
    Space.FACTURES_RECUES,
    Space.FACTURES_A_VALIDER,
    Space.FACTURES_TRAVAUX,
    Space.SOLLICITATIONS_EMISES,
    Space.SOLLICITATIONS_RECUES,
    Space.ACTIVITES_GESTIONNAIRE,
    Space.RACCORDEMENT,
    Space.MON_COMPTE,
)


def active_memberships(user):
    """The user's active memberships; an inactivated structure stays listed (read only)."""
    return (
        Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE)
        .select_related("structure")
        .order_by("structure__raison_sociale")
    )


def memberships_of(user):
    """Every membership of the user, whatever its status (Mon compte)."""
    return (
        Membership.objects.filter(user=user)
        .select_related("structure")
        .prefetch_related("services")
        .order_by("structure__raison_sociale")
    )


def pending_memberships_of(user):
    """The user's own requests to join a structure, still waiting for its managers."""
    return memberships_of(user).filter(status=MembershipStatus.PENDING)


def subscriptions_of(user):
    return (
        SpaceSubscription.objects.filter(user=user)
        .select_related("structure")
        .order_by("structure__raison_sociale", "space")
    )


def opened_spaces(structure) -> set[str]:
    return set(OpenedSpace.objects.filter(structure=structure).values_list("space", flat=True))


def space_rights(membership) -> tuple[set[str], dict[str, str]]:
    """The spaces opened on the member's structure and the member's active subscriptions there
    (space → mode). Read once per membership object, that is once per request for the current
    one: the menu and the page's access check both ask."""
    if not hasattr(membership, "_space_rights"):
        subscriptions = SpaceSubscription.objects.filter(
            user_id=membership.user_id, structure_id=membership.structure_id, status=SubscriptionStatus.ACTIVE
        )
        membership._space_rights = (
            opened_spaces(membership.structure_id),
            dict(subscriptions.values_list("space", "mode")),
        )
    return membership._space_rights


def header_memberships(user) -> list[Membership]:
    """active_memberships with each one's space_rights already read: three queries for all the
    user's structures, then none while the cache keeps them (structures.cache)."""

    def read():
        memberships = list(active_memberships(user))
        rights = {m.structure_id: (set(), {}) for m in memberships}
        for structure_id, space in OpenedSpace.objects.filter(structure_id__in=rights).values_list(
            "structure_id", "space"
        ):
            rights[structure_id][0].add(space)
        subscriptions = SpaceSubscription.objects.filter(
            user=user, structure_id__in=rights, status=SubscriptionStatus.ACTIVE
        ).values_list("structure_id", "space", "mode")
        for structure_id, space, mode in subscriptions:
            rights[structure_id][1][space] = mode
        for membership in memberships:
            membership._space_rights = rights[membership.structure_id]
        return memberships

    return cache.navigation(user.pk, read)


def usable_spaces(membership) -> list[str]:
    """Spaces the member may use for the structure: opened on it and subscribed (or the role's)."""
    if membership is None:
        return [Space.MON_COMPTE]
    opened, subscriptions = space_rights(membership)
    subscribed = set(subscriptions)
    if membership.role in MANAGER_ROLES:
        subscribed |= MANAGER_SPACES
    allowed = (opened & subscribed) | {Space.MON_COMPTE}
    return [space for space in SPACE_MENU_ORDER if space in allowed]


def managed_structures(user):
    """Structures where the user is an active principal or secondary manager."""
    return Structure.objects.filter(
        memberships__user=user,
        memberships__status=MembershipStatus.ACTIVE,
        memberships__role__in=MANAGER_ROLES,
    ).order_by("raison_sociale")


def active_membership(user, structure) -> Membership | None:
    """The user's active membership of the structure (a Structure or its id), if any."""
    return Membership.objects.filter(user=user, structure=structure, status=MembershipStatus.ACTIVE).first()


def structure_members(structure):
    return (
        Membership.objects.filter(structure=structure)
        .exclude(status__in=[MembershipStatus.PENDING, MembershipStatus.REFUSED])
        .select_related("user")
        .prefetch_related("services")
        .order_by("user__nom", "user__prenom")
    )


def pending_memberships(structures):
    return (
        Membership.objects.filter(structure__in=structures, status=MembershipStatus.PENDING)
        .select_related("user", "structure")
        .prefetch_related("services")
        .order_by("requested_at")
    )


def pending_subscriptions(structures):
    return (
        SpaceSubscription.objects.filter(structure__in=structures, status=SubscriptionStatus.PENDING)
        .select_related("user", "structure")
        .order_by("requested_at")
    )


def services_of(structure):
    return StructureService.objects.filter(structure=structure)


def bank_accounts_of(structure):
    return BankAccount.objects.filter(structure=structure)


def mandates_of(structure):
    return BillingMandate.objects.filter(structure=structure).select_related("created_by", "signed_by")


def active_mandate(structure):
    from structures.enums import MandateStatus

    return BillingMandate.objects.filter(structure=structure, status=MandateStatus.ACTIVE).first()


def audit_logs_for(structures):
    return (
        AuditLog.objects.filter(structure__in=structures)
        .select_related("actor", "structure", "target_user")
        .order_by("-created_at", "-pk")
    )


def principal_manager(structure):
    return (
        Membership.objects.filter(
            structure=structure, role=Role.PRINCIPAL_MANAGER, status=MembershipStatus.ACTIVE
        )
        .select_related("user")
        .first()
    )


def structures_for_membership_search(*, identifier="", raison_sociale=""):
    """Membership search (domain §6.3, W31): part of the identifier (≥ 3 chars) or the exact name."""
    query = Q()
    if identifier:
        query &= Q(identifier__icontains=identifier.replace(" ", ""))
    if raison_sociale:
        query &= Q(raison_sociale__iexact=raison_sociale.strip())
    if not query:
        return Structure.objects.none()
    return Structure.objects.filter(query).order_by("raison_sociale")


def saisie_blocked_reason(structure) -> str | None:
    """Why nobody may enter (saisir) an invoice for the structure, or None when it is allowed.

    Entering an invoice on the portal requires a signed billing mandate (domain §7.6).
    """
    if structure is None:
        return _("Vous n'êtes rattaché à aucune structure.")
    if not structure.is_active:
        return _("La structure est inactive : aucune facture ne peut plus être saisie pour elle.")
    if active_mandate(structure) is None:
        return _(
            "Aucun mandat actif : aucun utilisateur de la structure ne peut saisir de facture. "
            "Souscrivez un mandat de facturation."
        )
    return None


def structure_member_users(structures):
    """Users attached (active or deactivated) to any of the structures: choices for duplication."""
    return (
        get_user_model()
        .objects.filter(
            memberships__structure__in=structures,
            memberships__status__in=[MembershipStatus.ACTIVE, MembershipStatus.INACTIVE],
        )
        .distinct()
        .order_by("nom", "prenom")
    )


def active_subscriptions_by_user(structure) -> dict[int, list]:
    """Active space subscriptions of the structure's users, keyed by user id (users export)."""
    result: dict[int, list] = {}
    for subscription in SpaceSubscription.objects.filter(
        structure=structure, status=SubscriptionStatus.ACTIVE
    ):
        result.setdefault(subscription.user_id, []).append(subscription)
    return result


def opened_spaces_of(structure):
    return (
        OpenedSpace.objects.filter(structure=structure)
        .select_related("service")
        .order_by("space", "service__code")
    )
