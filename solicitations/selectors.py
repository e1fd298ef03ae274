"""Every read of sollicitations, scoped to the side the user acts for: the requesting structure,
the addressee structure (its services, for a user restricted to some), or the support."""

from django.db.models import Q, QuerySet

from invoices import selectors as invoice_selectors
from invoices.models import Invoice
from solicitations import workflow
from solicitations.enums import Addressee
from solicitations.models import (
    Solicitation,
    SolicitationCategory,
    SolicitationNotification,
    SolicitationSubcategory,
    SupportAgent,
)
from structures import permissions
from structures.models import StructureService

_RELATED = (
    "category",
    "subcategory",
    "requester",
    "requester_structure",
    "requester_service",
    "addressee_structure",
    "addressee_service",
    "invoice",
)


def sent_by(structure) -> QuerySet[Solicitation]:
    """The structure's sollicitations, drafts included (Sollicitations émises)."""
    return Solicitation.objects.filter(requester_structure=structure).select_related(*_RELATED)


def received_by(structure, user=None, membership=None) -> QuerySet[Solicitation]:
    """Sollicitations addressed to the structure's services; a user attached to services sees
    only those services' ones (Sollicitations reçues)."""
    queryset = Solicitation.objects.filter(
        addressee=Addressee.SERVICE,
        addressee_structure=structure,
        status__in=workflow.VISIBLE_TO_ADDRESSEE,
    ).select_related(*_RELATED)
    if user is not None:
        services = permissions.service_scope(user, structure, membership)
        if services is not None:
            queryset = queryset.filter(addressee_service__in=services)
    return queryset


def for_support() -> QuerySet[Solicitation]:
    """Every sent sollicitation, across all structures (the support's space)."""
    return Solicitation.objects.filter(status__in=workflow.VISIBLE_TO_ADDRESSEE).select_related(*_RELATED)


def with_support() -> QuerySet[Solicitation]:
    """What the support has in hand (addressed or transferred to it)."""
    return for_support().filter(addressee=Addressee.SUPPORT)


def of_public_requester(email: str) -> QuerySet[Solicitation]:
    return Solicitation.objects.filter(requester__isnull=True, requester_email__iexact=email).select_related(
        *_RELATED
    )


def is_support_agent(user) -> bool:
    return user.is_authenticated and SupportAgent.objects.filter(user=user, user__is_active=True).exists()


def support_agents():
    return SupportAgent.objects.filter(user__is_active=True).select_related("user")


def active_subcategories() -> QuerySet[SolicitationSubcategory]:
    return SolicitationSubcategory.objects.filter(is_active=True, category__is_active=True).select_related(
        "category"
    )


def active_categories() -> QuerySet[SolicitationCategory]:
    return SolicitationCategory.objects.filter(is_active=True)


def linkable_invoices(structure, user, membership=None) -> QuerySet[Invoice]:
    """Invoices the requester may link: those its structure sent or received (through the
    invoices' own scoped selectors)."""
    sent = invoice_selectors.sent_by(structure).values("pk")
    received = invoice_selectors.received_by(structure, user, membership).values("pk")
    return Invoice.objects.filter(Q(pk__in=sent) | Q(pk__in=received)).select_related(
        "supplier", "recipient", "recipient_service"
    )


def requester_services(structure, user, membership=None) -> tuple[QuerySet[StructureService], bool]:
    """The services a requester may ask for, and whether he must pick one: a user attached to
    services of his structure asks for one of them; the others may name any active service."""
    attached = permissions.service_scope(user, structure, membership)
    services = StructureService.objects.filter(structure=structure, is_active=True).order_by("code")
    if attached is not None:
        return services.filter(pk__in=[service.pk for service in attached]), True
    return services, False


def of_invoice(invoice, structure, user=None, membership=None) -> QuerySet[Solicitation]:
    """The sollicitations about an invoice that the structure sent or receives."""
    mine = sent_by(structure).filter(invoice=invoice).values("pk")
    addressed = received_by(structure, user, membership).filter(invoice=invoice).values("pk")
    return (
        Solicitation.objects.filter(Q(pk__in=mine) | Q(pk__in=addressed))
        .select_related(*_RELATED)
        .order_by("-created_at", "-pk")
    )


def search(queryset: QuerySet[Solicitation], criteria: dict) -> QuerySet[Solicitation]:
    """Applies the cleaned criteria of a search form (empty ones are ignored)."""
    c = {key: value for key, value in criteria.items() if value not in (None, "", [], ())}
    filters = Q()
    if "number" in c:
        filters &= Q(number__icontains=c["number"].strip())
    if "category" in c:
        filters &= Q(category=c["category"])
    if "statuses" in c:
        filters &= Q(status__in=c["statuses"])
    if "date_from" in c:
        filters &= Q(created_at__date__gte=c["date_from"])
    if "date_to" in c:
        filters &= Q(created_at__date__lte=c["date_to"])
    if "invoice_number" in c:
        filters &= Q(invoice__number__icontains=c["invoice_number"].strip())
    return queryset.filter(filters)


def unread_notifications(user) -> QuerySet[SolicitationNotification]:
    return SolicitationNotification.objects.filter(user=user, read_at__isnull=True).select_related(
        "solicitation", "exchange"
    )


def notifications_of(user) -> QuerySet[SolicitationNotification]:
    return SolicitationNotification.objects.filter(user=user).select_related(
        "solicitation__requester_structure", "exchange"
    )
