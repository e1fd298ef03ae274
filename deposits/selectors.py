"""Every read of deposits, scoped to the structure the user acts for."""

from django.db.models import Count, Q, QuerySet

from deposits.enums import ItemOutcome
from deposits.models import Deposit, DepositItem


def deposits_of(structure) -> QuerySet[Deposit]:
    return Deposit.objects.filter(structure=structure).select_related("created_by", "duplicate_of")


def with_counts(queryset: QuerySet[Deposit]) -> QuerySet[Deposit]:
    return queryset.order_by("-created_at", "-pk").annotate(
        item_count=Count("items"),
        sent_count=Count("items", filter=Q(items__outcome=ItemOutcome.SENT)),
        draft_count=Count("items", filter=Q(items__outcome=ItemOutcome.DRAFT)),
        rejected_count=Count("items", filter=Q(items__outcome=ItemOutcome.REJECTED)),
        # Files with something to point out: validation findings, or a draft's messages to check.
        flagged_count=Count(
            "items",
            filter=~Q(items__errors=[])
            | ~Q(items__warnings=[])
            | (Q(items__outcome=ItemOutcome.DRAFT) & ~Q(items__message="")),
        ),
    )


def items_of(deposit) -> QuerySet[DepositItem]:
    return deposit.items.select_related("invoice").order_by("position")


def progress(deposit) -> dict:
    """How many of the deposit's files are read, out of how many: one query, for the poll."""
    return deposit.items.aggregate(
        total=Count("pk"), done=Count("pk", filter=~Q(outcome=ItemOutcome.PENDING))
    )


def item_of_invoice(invoice) -> DepositItem | None:
    """The deposited file an invoice was made from, if any."""
    return DepositItem.objects.filter(invoice=invoice).select_related("deposit").first()
