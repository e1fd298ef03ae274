"""Every read of invoices, scoped to the structure the user acts for."""

import datetime

from django.db.models import Case, Count, DateField, F, Q, QuerySet, Sum, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from choruspro import history
from invoices import workflow
from invoices.enums import InvoiceStatus
from invoices.models import Invoice, InvoiceEvent, InvoiceStatusChange, InvoiceUserAction, Notification
from structures import permissions


def issued_by(structure) -> QuerySet[Invoice]:
    """Invoices of the supplier structure (deleted drafts excluded)."""
    return (
        Invoice.objects.filter(supplier=structure)
        .exclude(status__in=workflow.DISCARDED)
        .select_related("recipient", "recipient_service", "supplier", "supplier_service")
    )


def sent_by(structure) -> QuerySet[Invoice]:
    """Issued invoices that left the drafts (the supplier's dashboard)."""
    return issued_by(structure).exclude(status__in=workflow.UNSENT)


def received_by(structure, user=None, membership=None) -> QuerySet[Invoice]:
    """Invoices made available to the recipient structure; a user attached to services sees only
    those services' invoices (`membership`: the user's, when already read)."""
    queryset = Invoice.objects.filter(
        recipient=structure, status__in=workflow.VISIBLE_TO_RECIPIENT
    ).select_related("supplier", "recipient", "recipient_service", "supplier_service")
    if user is not None:
        services = permissions.service_scope(user, structure, membership)
        if services is not None:
            queryset = queryset.filter(recipient_service__in=services)
    return queryset


def supplier_to_handle(structure) -> QuerySet[Invoice]:
    return issued_by(structure).filter(status__in=workflow.SUPPLIER_TO_HANDLE)


def returned_unacknowledged(structure) -> QuerySet[Invoice]:
    return issued_by(structure).filter(status__in=workflow.RETURNED_TO_SUPPLIER, return_acknowledged=False)


# After seven days, taking note of a returned invoice becomes mandatory (domain §1.2, W4).
ACKNOWLEDGEMENT_DELAY = datetime.timedelta(days=7)


def returned_overdue(structure) -> QuerySet[Invoice]:
    return returned_unacknowledged(structure).filter(
        status_changed_at__lt=timezone.now() - ACKNOWLEDGEMENT_DELAY
    )


def recipient_to_handle(structure, user=None, membership=None) -> QuerySet[Invoice]:
    return received_by(structure, user, membership).filter(status__in=workflow.RECIPIENT_TO_HANDLE)


def validated_by(structure) -> QuerySet[Invoice]:
    """Factures à valider: the invoices the structure validates, first or second (domain §9.6),
    once sent to it."""
    return (
        Invoice.objects.filter(Q(validator=structure) | Q(second_validator=structure))
        .exclude(status__in=workflow.NOT_SENT_TO_VALIDATOR)
        .select_related("supplier", "recipient", "recipient_service", "validator", "second_validator")
    )


def awaiting_decision_of(structure) -> QuerySet[Invoice]:
    """The invoices waiting for this structure's decision, oldest first (the deadline nearest)."""
    return (
        validated_by(structure)
        .filter(
            Q(status=InvoiceStatus.TO_VALIDATE_1, validator=structure)
            | Q(status=InvoiceStatus.TO_VALIDATE_2, second_validator=structure)
        )
        .order_by("status_changed_at", "pk")
    )


def overdue_validations(now=None) -> QuerySet[Invoice]:
    """Invoices whose validator let the delay pass: to be validated tacitly."""
    limit = (now or timezone.now()) - datetime.timedelta(days=workflow.VALIDATION_DAYS)
    return Invoice.objects.filter(status__in=workflow.TO_VALIDATE, status_changed_at__lte=limit).order_by(
        "pk"
    )


# --- Search (domain §11.2 rechercherFactureParFournisseur / ParRecipiendaire) ---------------------

# Sortable columns: URL key → ordering field. The portal's default is the deposit date, newest first.
SORTS = {
    "date_depot": "deposited_at",
    "numero": "number",
    "date_facture": "invoice_date",
    "fournisseur": "supplier__raison_sociale",
    "destinataire": "recipient__raison_sociale",
    "service": "recipient_service__code",
    "type": "invoice_type",
    "statut": "status",
    "date_statut": "status_changed_at",
    "montant_ht": "total_ht",
    "montant_ttc": "total_ttc",
    "net_a_payer": "amount_due",
    "engagement": "numero_engagement",
    "marche": "contract_number",
}
DEFAULT_SORT = "-date_depot"

_AMOUNT_FIELDS = {"HT": "total_ht", "TTC": "total_ttc", "A_PAYER": "amount_due"}


def _contains_party(prefix: str, term: str) -> Q:
    """A party by identifier (SIRET typed with or without spaces) or by name."""
    compact = term.replace(" ", "")
    return Q(**{f"{prefix}__identifier__startswith": compact}) | Q(
        **{f"{prefix}__raison_sociale__icontains": term}
    )


def search(queryset: QuerySet[Invoice], criteria: dict) -> QuerySet[Invoice]:
    """Applies the cleaned criteria of an invoice search form (empty ones are ignored)."""
    c = {key: value for key, value in criteria.items() if value not in (None, "", [], ())}
    filters = Q()
    if "statuses" in c:
        filters &= Q(status__in=c["statuses"])
    if "invoice_type" in c:
        filters &= Q(invoice_type=c["invoice_type"])
    if "cadre" in c:
        filters &= Q(cadre=c["cadre"])
    if "deposit_mode" in c:
        filters &= Q(deposit_mode=c["deposit_mode"])
    if "number" in c:
        # A prefix, as users type a number from its start: served by an index at any volume.
        filters &= Q(number__istartswith=c["number"])
    if "numero_engagement" in c:
        filters &= Q(numero_engagement__icontains=c["numero_engagement"])
    if "contract_number" in c:
        filters &= Q(contract_number__icontains=c["contract_number"])
    if "origin_invoice_number" in c:
        filters &= Q(origin_invoice_number__icontains=c["origin_invoice_number"])
    if "recipient" in c:
        filters &= _contains_party("recipient", c["recipient"])
    if "supplier" in c:
        filters &= _contains_party("supplier", c["supplier"])
    if "recipient_service" in c:
        filters &= Q(recipient_service=c["recipient_service"])
    if "supplier_service" in c:
        filters &= Q(supplier_service=c["supplier_service"])
    if "downloaded" in c:
        filters &= Q(downloaded_by_recipient=c["downloaded"] == "OUI")
    if "acknowledged" in c:
        filters &= Q(return_acknowledged=c["acknowledged"] == "OUI")
    amount_field = _AMOUNT_FIELDS.get(c.get("amount_kind"), "total_ttc")
    if "amount_min" in c:
        filters &= Q(**{f"{amount_field}__gte": c["amount_min"]})
    if "amount_max" in c:
        filters &= Q(**{f"{amount_field}__lte": c["amount_max"]})
    if "invoice_date_from" in c:
        filters &= Q(invoice_date__gte=c["invoice_date_from"])
    if "invoice_date_to" in c:
        filters &= Q(invoice_date__lte=c["invoice_date_to"])
    for key, field in (("deposited", "deposited_at"), ("status_date", "status_changed_at")):
        if f"{key}_from" in c:
            filters &= Q(**{f"{field}__gte": _start_of(c[f"{key}_from"])})
        if f"{key}_to" in c:
            filters &= Q(**{f"{field}__lt": _start_of(c[f"{key}_to"] + datetime.timedelta(days=1))})
    return queryset.filter(filters)


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


# What a list row shows (domain §11.2) and what its CSV export adds: a list loads these columns,
# not the hundred of an invoice and its two parties, which cost a list page a third of its time.
LIST_FIELDS = (
    "number",
    "status",
    "status_changed_at",
    "invoice_type",
    "deposited_at",
    "invoice_date",
    "total_ttc",
    "amount_due",
    "currency",
    "numero_engagement",
    "supplier__identifier",
    "supplier__raison_sociale",
    "recipient__identifier",
    "recipient__raison_sociale",
    "recipient_service__code",
)
EXPORT_FIELDS = (
    *LIST_FIELDS,
    "cadre",
    "supplier_service__code",
    "total_ht",
    "total_vat",
    "contract_number",
    "deposit_mode",
    "downloaded_by_recipient",
)


def listed(queryset: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """The invoices with only the LIST_FIELDS loaded, their parties joined."""
    related = {name.split("__")[0] for name in LIST_FIELDS if "__" in name}
    return queryset.select_related(None).select_related(*related).only(*LIST_FIELDS)


def exported(queryset: QuerySet[Invoice]) -> QuerySet:
    """The invoices as dicts of "id" and the EXPORT_FIELDS: an export of tens of thousands of
    invoices builds no model instance."""
    return queryset.values("id", *EXPORT_FIELDS)


def sort(queryset: QuerySet[Invoice], key: str | None) -> tuple[QuerySet[Invoice], str]:
    """A list's invoices (`listed`) ordered by a whitelisted column (`-` for descending); unknown
    keys fall back to the default."""
    queryset = listed(queryset)
    key = key if key and key.lstrip("-") in SORTS else DEFAULT_SORT
    descending = key.startswith("-")
    field = SORTS[key.lstrip("-")]
    # Empty values (a draft has no deposit date) sort as the largest, as PostgreSQL does by
    # default, so that its indexes serve the order on every backend.
    if descending:
        return queryset.order_by(F(field).desc(nulls_first=True), "-pk"), key
    return queryset.order_by(F(field).asc(nulls_last=True), "pk"), key


# --- Tableau de bord ------------------------------------------------------------------------------


def _month_shifted(month: datetime.date, delta: int) -> datetime.date:
    """The first day of the month `delta` months away from `month`'s."""
    index = month.year * 12 + month.month - 1 + delta
    return datetime.date(index // 12, index % 12 + 1, 1)


def dashboard_figures(queryset: QuerySet[Invoice], *, months: int = 12) -> tuple[list[dict], list[dict]]:
    """Count and TTC amount per status (in the lifecycle's order), and per month of invoice date
    over the last `months` months (the current one included, empty months too, oldest first).

    One query grouped by status and month, the month left empty outside the window: a single
    pass over the structure's invoices, whose number only the database sees."""
    today = timezone.localdate()
    calendar = [_month_shifted(today.replace(day=1), delta) for delta in range(1 - months, 1)]
    in_window = Q(invoice_date__gte=calendar[0], invoice_date__lte=today)
    rows = (
        queryset.order_by()
        .annotate(month=TruncMonth(Case(When(in_window, then="invoice_date"), output_field=DateField())))
        .values("status", "month")
        .annotate(count=Count("pk"), amount=Sum("total_ttc"))
    )
    per_status, per_month = {}, {month: {"count": 0, "amount": 0} for month in calendar}
    for row in rows:
        folds = [per_status.setdefault(row["status"], {"count": 0, "amount": 0})]
        if row["month"] is not None:
            folds.append(per_month[row["month"]])
        for figures in folds:
            figures["count"] += row["count"]
            figures["amount"] += row["amount"] or 0
    by_status = [
        {"status": status, "label": status.label, **per_status[status]}
        for status in InvoiceStatus
        if status in per_status
    ]
    return by_status, [{"month": month, **per_month[month]} for month in calendar]


# --- Notifications --------------------------------------------------------------------------------


def notifications_of(user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).select_related(
        "change", "invoice__supplier", "invoice__recipient"
    )


def unread_notifications_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


# --- Piste d'audit --------------------------------------------------------------------------------


def audit_trail_break(*, status_changes, user_actions, events) -> history.Break | None:
    """The earliest broken link of an invoice's three histories, checked on the rows its page has
    read; None when they are intact."""
    loaded = (
        (InvoiceStatusChange, status_changes),
        (InvoiceUserAction, user_actions),
        (InvoiceEvent, events),
    )
    breaks = [link for model, rows in loaded for link in history.verify_loaded(model, rows).breaks]
    return min(breaks, key=lambda link: (link.created_at, link.row_id), default=None)
