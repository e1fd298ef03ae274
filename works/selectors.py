"""Every read of Factures de travaux, scoped to the acting structure: a structure sees only the
contracts it is a party to, and their dossiers (another contract's → 404)."""

import datetime
import functools
import operator

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from works import workflow
from works.enums import PartyRole
from works.models import Contract, ContractParty, Dossier, DossierEvent, Piece, WorksNotification


def contracts_of(structure) -> QuerySet[Contract]:
    return (
        # A subquery rather than a join + DISTINCT: the services lock these rows, and PostgreSQL
        # refuses FOR UPDATE with DISTINCT.
        Contract.objects.filter(
            pk__in=ContractParty.objects.filter(structure=structure).values("contract_id")
        )
        .prefetch_related(Prefetch("parties", queryset=ContractParty.objects.select_related("structure")))
        .select_related("financial_service")
    )


def roles_in(contract, structure) -> frozenset:
    """The roles the structure holds on the contract (read from the prefetched parties)."""
    return frozenset(p.role for p in contract.parties.all() if p.structure_id == structure.pk)


def roles_on(dossier, structure) -> frozenset:
    """The contract's roles, plus the dossier's own: its current validator, its supplier."""
    roles = set(roles_in(dossier.contract, structure))
    if dossier.validator_id == structure.pk:
        roles.add(workflow.VALIDATOR)
    if dossier.supplier_id == structure.pk:
        roles.add(workflow.SUPPLIER)
    return frozenset(roles)


# The contract roles a supplier may hold, the one its pieces are filed under first.
SUPPLIER_ROLES = (PartyRole.TITULAIRE, PartyRole.COTRAITANT, PartyRole.SOUS_TRAITANT)


def contract_role(contract, structure, role) -> str:
    """The contract role a piece is filed under when taken as validator or supplier."""
    if role in PartyRole.values:
        return role
    held = roles_in(contract, structure)
    return next((r for r in SUPPLIER_ROLES if r in held), next(iter(sorted(held)), ""))


def dossiers_of(structure) -> QuerySet[Dossier]:
    return (
        Dossier.objects.filter(
            contract__in=ContractParty.objects.filter(structure=structure).values("contract_id")
        )
        .select_related("contract", "invoice", "supplier", "validator")
        .prefetch_related(
            Prefetch("contract__parties", queryset=ContractParty.objects.select_related("structure"))
        )
    )


def _held(structure, role) -> Q:
    """The dossiers where the structure holds that role (the contract's, or the dossier's own)."""
    if role == workflow.VALIDATOR:
        return Q(validator=structure)
    if role == workflow.SUPPLIER:
        return Q(supplier=structure)
    return Q(contract__in=ContractParty.objects.filter(structure=structure, role=role).values("contract_id"))


def _waiting(transition, now) -> Q:
    condition = Q(status__in=transition.sources)
    if transition.kind:
        condition &= Q(kind=transition.kind)
    if transition.timing == workflow.AFTER:
        condition &= Q(deadline__lt=now)
    elif transition.timing == workflow.BEFORE:
        condition &= Q(deadline__isnull=True) | Q(deadline__gte=now)
    return condition


def to_handle(structure, role, now=None) -> QuerySet[Dossier]:
    """The dossiers waiting for the structure in that role (« À traiter »), oldest first: those
    where the table offers it a transition now (and, to its supplier, what was refused)."""
    now = now or timezone.now()
    conditions = [_waiting(t, now) for t in workflow.to_handle(role)]
    if role == workflow.SUPPLIER:
        conditions.append(Q(status__in=workflow.REFUSED))
    if not conditions:
        return Dossier.objects.none()
    return (
        dossiers_of(structure)
        .filter(_held(structure, role))
        .filter(functools.reduce(operator.or_, conditions))
        .order_by("status_changed_at", "pk")
    )


def search(structure, *, text="", status="", kind="", role="", overdue=False) -> QuerySet[Dossier]:
    """« Rechercher »: the structure's dossiers by contract (number or object), status, kind, its
    role, and late ones only."""
    found = dossiers_of(structure)
    if text:
        found = found.filter(Q(contract__number__icontains=text) | Q(contract__title__icontains=text))
    if status:
        found = found.filter(status=status)
    if kind:
        found = found.filter(kind=kind)
    if role:
        found = found.filter(_held(structure, role))
    if overdue:
        found = found.filter(deadline__lt=timezone.now())
    return found.order_by("-status_changed_at", "-pk")


def pieces_of(dossier) -> QuerySet[Piece]:
    return dossier.pieces.select_related("structure", "deposited_by")


def events_of(dossier) -> QuerySet[DossierEvent]:
    return dossier.events.select_related("actor", "structure", "piece")


def piece_of(structure, piece_id) -> Piece | None:
    return Piece.objects.filter(pk=piece_id, dossier__in=dossiers_of(structure)).first()


def deadline_near(now, before: datetime.timedelta) -> QuerySet[Dossier]:
    """Dossiers whose deadline comes within `before` and whose actor has had no notice yet."""
    return Dossier.objects.filter(
        deadline__gte=now, deadline__lte=now + before, reminder_sent_at__isnull=True
    )


def deadline_passed(now) -> QuerySet[Dossier]:
    """Dossiers whose deadline passed and is not recorded yet (the sweep's work)."""
    return Dossier.objects.filter(deadline__lt=now, deadline_recorded_at__isnull=True)


def acting_structures(dossier) -> set:
    """The structures that must act before the dossier's deadline."""
    rule = workflow.deadline_rule(dossier.kind, dossier.status)
    if rule is None:
        return set()
    role = rule[1]
    if role == workflow.VALIDATOR:
        return {dossier.validator} if dossier.validator else set()
    if role == workflow.SUPPLIER:
        return {dossier.supplier} if dossier.supplier else set()
    return {p.structure for p in dossier.contract.parties.all() if p.role == role}


def unread_notifications(user) -> QuerySet[WorksNotification]:
    return user.works_notifications.filter(read_at__isnull=True).select_related(
        "event", "event__dossier__contract"
    )
