"""Every read of Factures de travaux, scoped to the acting structure: a structure sees only the
contracts it is a party to, and their dossiers (another contract's → 404)."""

from django.db.models import Prefetch, QuerySet

from works import workflow
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


def dossiers_of(structure) -> QuerySet[Dossier]:
    return (
        Dossier.objects.filter(
            contract__in=ContractParty.objects.filter(structure=structure).values("contract_id")
        )
        .select_related("contract", "invoice")
        .prefetch_related(
            Prefetch("contract__parties", queryset=ContractParty.objects.select_related("structure"))
        )
    )


def to_handle(structure, role) -> QuerySet[Dossier]:
    """The dossiers waiting for the structure in that role (« À traiter »), oldest first."""
    return (
        dossiers_of(structure)
        .filter(
            contract__in=ContractParty.objects.filter(structure=structure, role=role).values("contract_id")
        )
        .filter(status__in=workflow.TO_HANDLE[role])
        .order_by("status_changed_at", "pk")
    )


def pieces_of(dossier) -> QuerySet[Piece]:
    return dossier.pieces.select_related("structure", "deposited_by")


def events_of(dossier) -> QuerySet[DossierEvent]:
    return dossier.events.select_related("actor", "structure", "piece")


def piece_of(structure, piece_id) -> Piece | None:
    return Piece.objects.filter(pk=piece_id, dossier__in=dossiers_of(structure)).first()


def moe_overdue(now) -> QuerySet[Dossier]:
    """Dossiers whose MOE let its seven days pass (the sweep's work)."""
    return Dossier.objects.filter(status__in=workflow.MOE_DEADLINE_STATUSES, moe_deadline__lt=now)


def unread_notifications(user) -> QuerySet[WorksNotification]:
    return user.works_notifications.filter(read_at__isnull=True).select_related(
        "event", "event__dossier__contract"
    )
