"""Every write of the api app: the Raccordement space's actions (audited, managers only) and the
few writes the /cpro/ layer needs besides the apps' own services (the call log, a flux's record)."""

import datetime
import hashlib
import io
import zipfile

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.generators import generate_client_id, generate_client_secret
from oauth2_provider.models import AccessToken, Application

from accounts.enums import UserStatus
from api import permissions, selectors
from api.enums import AccountStatus, ApiAuditAction, ConnectionStatus, FluxSyntax
from api.exceptions import ApiSpaceError
from api.models import ApiAuditLog, ApiCall, ApiConnection, ApiFlux, ApiPiece, EdiConnection, TechnicalAccount
from deposits import services as deposit_services
from deposits.enums import DepositFormat, DepositKind
from deposits.exceptions import DepositError
from deposits.services import LOT_EXTENSIONS
from invoices import attachments as attachment_rules
from invoices import services as invoice_services
from invoices.enums import Cadre, DepositMode
from invoices.exceptions import InvoiceError
from structures.enums import MembershipStatus, Role, Space, SubscriptionMode, SubscriptionStatus
from structures.models import Membership, OpenedSpace, SpaceSubscription

# The spaces a technical account works in, when they are opened on its structure.
ACCOUNT_SPACES = (Space.FACTURES_EMISES, Space.FACTURES_RECUES, Space.FACTURES_A_VALIDER)
# A checked login/password pair is remembered this long: password hashing is slow by design and
# a software calls many times a minute.
CREDENTIALS_CACHE_SECONDS = 300


def _audit(*, actor, structure, action, description=""):
    ApiAuditLog.objects.create(
        actor=actor, structure=structure, action=action, description=str(description)[:255]
    )


def _require_manager(actor, structure) -> None:
    if not permissions.can_manage(actor, structure):
        raise ApiSpaceError(
            _(
                "Seul un gestionnaire de la structure peut faire cette action, "
                "une fois l'espace Raccordement EDI et API ouvert."
            )
        )


def _password_expiry() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=settings.API_PASSWORD_VALIDITY_DAYS)


# --- Raccordements --------------------------------------------------------------------------------


@transaction.atomic
def declare_connection(
    *,
    actor,
    structure,
    name: str,
    usage_type: str,
    contact_name: str,
    contact_email: str,
    contact_phone: str = "",
    client_id: str = "",
    credentials: tuple[str, str] | None = None,
) -> tuple[ApiConnection, str]:
    """Déclarer un raccordement. Without `client_id`, a new application gets its client id and
    secret, returned once and stored hashed (`credentials` fixes both, for the demo only); with
    it, the structure connects an application another structure declared (secret "")."""
    _require_manager(actor, structure)
    secret = ""
    if client_id:
        application = Application.objects.filter(client_id=client_id.strip()).first()
        if application is None:
            raise ApiSpaceError(_("Aucune application n'a cet identifiant client."))
        if ApiConnection.objects.filter(structure=structure, application=application).exists():
            raise ApiSpaceError(_("Cette application est déjà raccordée à la structure."))
    else:
        client_id, secret = credentials or (generate_client_id(), generate_client_secret())
        application = Application.objects.create(
            name=name[:255],
            client_id=client_id,
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
            client_secret=secret,
        )
    connection = ApiConnection.objects.create(
        structure=structure,
        application=application,
        owns_application=bool(secret),
        name=name,
        usage_type=usage_type,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
        created_by=actor,
    )
    _audit(actor=actor, structure=structure, action=ApiAuditAction.CONNECTION_DECLARED, description=name)
    return connection, secret


def _lock_connection(structure, connection_id) -> ApiConnection:
    connection = (
        ApiConnection.objects.select_for_update(of=("self",))
        .select_related("application")
        .filter(pk=connection_id, structure=structure)
        .first()
    )
    if connection is None:
        raise ApiSpaceError(_("Raccordement introuvable."))
    return connection


@transaction.atomic
def renew_secret(*, actor, structure, connection_id: int) -> tuple[ApiConnection, str]:
    """A new client secret; the old one and its tokens stop working at once."""
    _require_manager(actor, structure)
    connection = _lock_connection(structure, connection_id)
    if connection.status != ConnectionStatus.ACTIVE:
        raise ApiSpaceError(_("Ce raccordement est clos."))
    if not connection.owns_application:
        raise ApiSpaceError(_("Seule la structure qui a créé l'application peut renouveler son secret."))
    secret = generate_client_secret()
    connection.application.client_secret = secret
    connection.application.save(update_fields=["client_secret"])
    AccessToken.objects.filter(application=connection.application).delete()
    _audit(
        actor=actor, structure=structure, action=ApiAuditAction.SECRET_RENEWED, description=connection.name
    )
    return connection, secret


@transaction.atomic
def close_connection(*, actor, structure, connection_id: int) -> ApiConnection:
    """Clore: the application's calls for this structure are refused from now on (403); other
    structures connected to the same application keep theirs."""
    _require_manager(actor, structure)
    connection = _lock_connection(structure, connection_id)
    if connection.status == ConnectionStatus.CLOSED:
        raise ApiSpaceError(_("Ce raccordement est déjà clos."))
    connection.status = ConnectionStatus.CLOSED
    connection.save(update_fields=["status"])
    _audit(
        actor=actor, structure=structure, action=ApiAuditAction.CONNECTION_CLOSED, description=connection.name
    )
    return connection


@transaction.atomic
def declare_edi_connection(*, actor, structure, account_id: int, ssh_public_key: str = "") -> EdiConnection:
    """Raccordement EDI: the account's inbound and outbound folders are created at once, with
    the SFTP login of the software's key if one is given."""
    from api import edi

    _require_manager(actor, structure)
    account = selectors.active_accounts_of(structure).filter(pk=account_id).first()
    if account is None:
        raise ApiSpaceError(_("Compte technique introuvable."))
    connection = EdiConnection.objects.create(
        structure=structure, account=account, ssh_public_key=ssh_public_key, created_by=actor
    )
    edi.create_folders(connection)
    _audit(actor=actor, structure=structure, action=ApiAuditAction.EDI_DECLARED, description=account.login)
    return connection


# --- Comptes techniques ---------------------------------------------------------------------------


def _give_spaces(user, structure) -> None:
    """The account works in the structure's invoice spaces, in modification mode."""
    opened = set(
        OpenedSpace.objects.filter(structure=structure, space__in=ACCOUNT_SPACES).values_list(
            "space", flat=True
        )
    )
    for space in opened:
        SpaceSubscription.objects.update_or_create(
            user=user,
            structure=structure,
            space=space,
            defaults={
                "mode": SubscriptionMode.MODIFICATION,
                "status": SubscriptionStatus.ACTIVE,
                "decided_at": timezone.now(),
            },
        )


@transaction.atomic
def create_technical_account(*, actor, structure, login: str, password: str) -> TechnicalAccount:
    """Créer un compte technique. Its portal user cannot log in (no usable password, not active)
    and is attached to the structure as a plain user, with the invoice spaces opened on it."""
    _require_manager(actor, structure)
    user_model = get_user_model()
    login = user_model.objects.normalize_email(login).lower()
    if user_model.objects.filter(email__iexact=login).exists():
        raise ApiSpaceError(_("Cet identifiant est déjà utilisé par un compte du portail."))
    user = user_model.objects.create_user(
        login, nom=_("Compte technique"), prenom=structure.raison_sociale[:100], status=UserStatus.INACTIVE
    )
    Membership.objects.create(
        user=user,
        structure=structure,
        role=Role.USER,
        status=MembershipStatus.ACTIVE,
        decided_at=timezone.now(),
        decided_by=actor,
    )
    _give_spaces(user, structure)
    account = TechnicalAccount.objects.create(
        structure=structure,
        user=user,
        login=login,
        password=make_password(password),
        password_expires_at=_password_expiry(),
    )
    _audit(actor=actor, structure=structure, action=ApiAuditAction.ACCOUNT_CREATED, description=login)
    return account


def _lock_account(structure, account_id) -> TechnicalAccount:
    account = TechnicalAccount.objects.select_for_update().filter(pk=account_id, structure=structure).first()
    if account is None:
        raise ApiSpaceError(_("Compte technique introuvable."))
    return account


@transaction.atomic
def reset_account_password(*, actor, structure, account_id: int, password: str) -> TechnicalAccount:
    """A new password, valid for another `API_PASSWORD_VALIDITY_DAYS`; the old one stops at once."""
    _require_manager(actor, structure)
    account = _lock_account(structure, account_id)
    if account.status == AccountStatus.REVOKED:
        raise ApiSpaceError(_("Ce compte technique est révoqué."))
    account.password = make_password(password)
    account.password_expires_at = _password_expiry()
    account.save(update_fields=["password", "password_expires_at"])
    _audit(actor=actor, structure=structure, action=ApiAuditAction.PASSWORD_RESET, description=account.login)
    return account


@transaction.atomic
def revoke_account(*, actor, structure, account_id: int) -> TechnicalAccount:
    _require_manager(actor, structure)
    account = _lock_account(structure, account_id)
    if account.status == AccountStatus.REVOKED:
        raise ApiSpaceError(_("Ce compte technique est déjà révoqué."))
    account.status = AccountStatus.REVOKED
    account.save(update_fields=["status"])
    Membership.objects.filter(user=account.user, structure=structure).update(status=MembershipStatus.INACTIVE)
    _audit(actor=actor, structure=structure, action=ApiAuditAction.ACCOUNT_REVOKED, description=account.login)
    return account


def authenticate_account(login: str, password: str) -> TechnicalAccount | None:
    """The usable account with this login and password, or None. A pair checked once is
    remembered (keyed on the stored hash too, so that a reset or revocation ends it)."""
    account = TechnicalAccount.objects.select_related("structure", "user").filter(login__iexact=login).first()
    if account is None or not account.is_usable:
        return None
    key = "api:account:" + hashlib.sha256(f"{account.pk}:{account.password}:{password}".encode()).hexdigest()
    if cache.get(key):
        return account
    if not check_password(password, account.password):
        return None
    cache.set(key, True, CREDENTIALS_CACHE_SECONDS)
    return account


# --- /cpro/ calls ---------------------------------------------------------------------------------


def record_call(
    *, application, account, method: str, path: str, http_status: int, code_retour, duration_ms: int
):
    """The call log; an account's last call date is written at most once a minute."""
    now = timezone.now()
    ApiCall.objects.create(
        application=application,
        account=account,
        structure_id=account.structure_id if account else None,
        method=method[:10],
        path=path[:200],
        http_status=http_status,
        code_retour=code_retour,
        duration_ms=duration_ms,
        created_at=now,
    )
    if account and (
        account.last_used_at is None or now - account.last_used_at > datetime.timedelta(minutes=1)
    ):
        TechnicalAccount.objects.filter(pk=account.pk).update(last_used_at=now)


def _single_file_lot(name: str, data: bytes) -> bytes:
    """A unit file goes through the lot path, the one that integrates straight to DEPOSEE or
    rejects with its reason (api.md §10.2: a flux never leaves drafts behind)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


@transaction.atomic
def deposit_flux(*, account: TechnicalAccount, syntax: str, name: str, data: bytes) -> ApiFlux:
    """deposer/flux: the file is deposited as the screens' Dépôt does (same checks, same worker),
    by the account's user for its structure."""
    declared_format = DepositFormat.MIXED if syntax == FluxSyntax.FACTURX else DepositFormat.STRUCTURED
    if name.lower().endswith(LOT_EXTENSIONS):
        lot_name, lot = name, data
    else:
        # The envelope of a single file is checked now, as the screens' unit deposit does.
        problem = deposit_services.upload_problem(
            kind=DepositKind.UNIT, declared_format=declared_format, name=name, data=data
        )
        if problem:
            raise DepositError(problem)
        lot_name, lot = f"{name}.zip", _single_file_lot(name, data)
    deposit = deposit_services.create_deposit(
        actor=account.user,
        structure=account.structure,
        kind=DepositKind.LOT,
        declared_format=declared_format,
        cadre=Cadre.A1,
        validator=None,
        upload=SimpleUploadedFile(lot_name, lot),
    )
    return ApiFlux.objects.create(deposit=deposit, account=account, syntax=syntax, file_name=name[:200])


# --- deposer/pdf, soumettre -----------------------------------------------------------------------


@transaction.atomic
def store_piece(*, account: TechnicalAccount, name: str, data: bytes, signed: bool) -> ApiPiece:
    """deposer/pdf: the PDF is checked as the screens' Dépôt checks it and kept for soumettre."""
    refusal = invoice_services.new_invoice_refusal(account.user, account.structure)
    if refusal:
        raise DepositError(refusal)
    declared = DepositFormat.PDF_SIGNED if signed else DepositFormat.PDF
    problem = deposit_services.upload_problem(
        kind=DepositKind.UNIT, declared_format=declared, name=name, data=data
    )
    if problem:
        raise DepositError(problem)
    piece = ApiPiece(structure=account.structure, account=account, name=name[:200])
    piece.file.save(attachment_rules.clean_name(name)[-100:] or "facture.pdf", ContentFile(data), save=False)
    piece.save()
    return piece


@transaction.atomic
def store_attachment(*, account: TechnicalAccount, name: str, data: bytes) -> ApiPiece:
    """ajouter/fichier: a file checked by the attachment rules of the screens (domain §4.3), kept
    for the completer (or soumettre) that attaches it to an invoice."""
    problem = attachment_rules.attachment_problem(name, data)
    if problem:
        raise InvoiceError(problem)
    piece = ApiPiece(structure=account.structure, account=account, name=name)
    piece.file.save(name, ContentFile(data), save=False)
    piece.save()
    return piece


def _pieces(account: TechnicalAccount, piece_ids: list[int]) -> list[ApiPiece]:
    pieces = {
        piece.pk: piece
        for piece in ApiPiece.objects.select_for_update().filter(
            pk__in=piece_ids, structure=account.structure
        )
    }
    missing = [str(piece_id) for piece_id in piece_ids if piece_id not in pieces]
    if missing:
        raise InvoiceError(
            _("Pièce jointe introuvable : %(ids)s (ajoutez-la avec ajouter/fichier).")
            % {"ids": ", ".join(missing)}
        )
    return [pieces[piece_id] for piece_id in piece_ids]


def _used(pieces: list[ApiPiece]) -> None:
    """Once attached (copied to the invoice), a piece is not kept twice."""
    transaction.on_commit(lambda: [piece.file.delete(save=False) for piece in pieces])
    ApiPiece.objects.filter(pk__in=[piece.pk for piece in pieces]).delete()


@transaction.atomic
def complete_with_pieces(*, account: TechnicalAccount, invoice_id: int, comment: str, piece_ids: list[int]):
    """completer: the suspended invoice completed with the comment and the files of ajouter/fichier,
    through the screens' Compléter."""
    pieces = _pieces(account, piece_ids)
    uploads = []
    for piece in pieces:
        with piece.file.open("rb") as handle:
            uploads.append(SimpleUploadedFile(piece.name, handle.read()))
    invoice = invoice_services.complete_invoice(
        actor=account.user, structure=account.structure, invoice_id=invoice_id, comment=comment, files=uploads
    )
    _used(pieces)
    return invoice


@transaction.atomic
def submit_pdf_invoice(
    *, account: TechnicalAccount, piece_id: int, data: dict, lines: list[dict], amount_due
):
    """soumettre: the invoice is made from its data and the deposited PDF, then sent with the checks
    of *Valider et envoyer*; refused, nothing is left behind."""
    piece = ApiPiece.objects.select_for_update().filter(pk=piece_id, structure=account.structure).first()
    if piece is None:
        raise InvoiceError(_("Pièce jointe introuvable : déposez le PDF avec deposer/pdf."))
    with piece.file.open("rb") as handle:
        original = handle.read()
    invoice = invoice_services.create_deposited_draft(
        actor=account.user,
        structure=account.structure,
        data=data,
        lines=lines,
        amount_due=amount_due,
        deposit_mode=DepositMode.PDF,
        original_name=attachment_rules.clean_name(piece.name)[-50:],
        original_data=original,
    )
    invoice = invoice_services.submit_invoice(
        actor=account.user, structure=account.structure, invoice_id=invoice.pk
    )
    piece.file.delete(save=False)
    piece.delete()
    return invoice
