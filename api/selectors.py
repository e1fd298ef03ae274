"""Every read of the api app, scoped to the acting structure (the manager's in the space, the
technical account's in /cpro/)."""

from django.db.models import QuerySet

from api.enums import AccountStatus, ConnectionStatus
from api.models import ApiAuditLog, ApiCall, ApiConnection, ApiFlux, ApiPiece, EdiConnection, TechnicalAccount
from deposits.models import Deposit

# A flux number: `CPP001` + 4 interface digits + the deposit's id on 15 digits (api.md §8.1).
FLUX_PREFIX = "CPP001"
# The interface digits per syntax; a deposit made in the screens reads as the portal's interface.
INTERFACE_CODES = {"IN_DP_E2_CII_FACTURX": "1110", "IN_DP_E1_CII_16B": "1111", "IN_DP_E1_UBL_INVOICE": "1112"}
PORTAL_INTERFACE = "1000"


def connections_of(structure) -> QuerySet[ApiConnection]:
    return ApiConnection.objects.filter(structure=structure).select_related("application")


def is_connected(application, structure) -> bool:
    """The application has an active raccordement to the structure."""
    return ApiConnection.objects.filter(
        application=application, structure=structure, status=ConnectionStatus.ACTIVE
    ).exists()


def edi_connections_of(structure) -> QuerySet[EdiConnection]:
    return EdiConnection.objects.filter(structure=structure).select_related("account")


def accounts_of(structure) -> QuerySet[TechnicalAccount]:
    return TechnicalAccount.objects.filter(structure=structure)


def active_accounts_of(structure) -> QuerySet[TechnicalAccount]:
    return accounts_of(structure).filter(status=AccountStatus.ACTIVE)


def pieces_of(structure) -> QuerySet[ApiPiece]:
    """The files sent with ajouter/fichier or deposer/pdf and not attached yet."""
    return ApiPiece.objects.filter(structure=structure).order_by("-created_at", "-pk")


def calls_of(structure, *, limit: int = 50) -> QuerySet[ApiCall]:
    return ApiCall.objects.filter(structure=structure).select_related("account")[:limit]


def audit_of(structure, *, limit: int = 50) -> QuerySet[ApiAuditLog]:
    return ApiAuditLog.objects.filter(structure=structure).select_related("actor")[:limit]


def flux_number(deposit: Deposit, syntax: str = "") -> str:
    return f"{FLUX_PREFIX}{INTERFACE_CODES.get(syntax, PORTAL_INTERFACE)}{deposit.pk:015d}"


def deposit_of_flux(structure, number) -> Deposit | None:
    """The structure's deposit that a flux number names; None for another structure's or a
    malformed number."""
    number = str(number or "").strip()
    if len(number) != 25 or not number.startswith(FLUX_PREFIX) or not number[6:].isdigit():
        return None
    deposit = (
        Deposit.objects.filter(structure=structure, pk=int(number[10:]))
        .select_related("api_flux")
        .prefetch_related("items")
        .first()
    )
    if deposit is None or flux_number(deposit, flux_syntax(deposit)) != number:
        return None
    return deposit


def flux_syntax(deposit: Deposit) -> str:
    """The syntax declared at deposer/flux; empty for a deposit made in the screens."""
    try:
        return deposit.api_flux.syntax
    except ApiFlux.DoesNotExist:
        return ""
