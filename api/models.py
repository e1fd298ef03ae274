import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import Application

from api.enums import AccountStatus, ApiAuditAction, ConnectionStatus, FluxSyntax, UsageType
from choruspro.history import AppendOnlyModel
from deposits.models import Deposit
from structures.models import Structure


class ApiConnection(models.Model):
    """Raccordement API: a structure's software, known by its OAuth2 application (client id and
    secret issued here, the portal playing PISTE's part). One application may be connected to
    several structures, as a PISTE application is: each declares its own raccordement."""

    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="api_connections")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="connections")
    # The connection that created the application: only it may renew the shared secret.
    owns_application = models.BooleanField(_("application créée par ce raccordement"), default=True)
    name = models.CharField(_("nom de l'application"), max_length=100)
    usage_type = models.CharField(_("type d'utilisation"), max_length=20, choices=UsageType.choices)
    contact_name = models.CharField(_("nom du contact technique"), max_length=100)
    contact_email = models.EmailField(_("adresse électronique du contact technique"))
    contact_phone = models.CharField(_("téléphone du contact technique"), max_length=30, blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=ConnectionStatus.choices, default=ConnectionStatus.ACTIVE
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("date de déclaration"), auto_now_add=True)

    class Meta:
        verbose_name = _("raccordement API")
        verbose_name_plural = _("raccordements API")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["structure", "application"], name="api_connection_unique"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.status == ConnectionStatus.CLOSED


class TechnicalAccount(models.Model):
    """Compte technique: the login/password a software puts in `cpro-account`. It acts for its
    structure through a portal user of its own (`user`, who cannot log in to the screens), so that
    every call goes through the same rights and services as a person's."""

    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="technical_accounts")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    login = models.EmailField(_("identifiant"), unique=True)
    password = models.CharField(_("mot de passe"), max_length=128)
    password_expires_at = models.DateTimeField(_("expiration du mot de passe"))
    status = models.CharField(
        _("statut"), max_length=10, choices=AccountStatus.choices, default=AccountStatus.ACTIVE
    )
    last_used_at = models.DateTimeField(_("dernier appel"), null=True, blank=True)
    created_at = models.DateTimeField(_("date de création"), auto_now_add=True)

    class Meta:
        verbose_name = _("compte technique")
        verbose_name_plural = _("comptes techniques")
        ordering = ["login"]

    def __str__(self):
        return self.login

    @property
    def is_revoked(self) -> bool:
        return self.status == AccountStatus.REVOKED

    @property
    def is_usable(self) -> bool:
        return self.status == AccountStatus.ACTIVE and self.password_expires_at > timezone.now()


class ApiCall(models.Model):
    """One /cpro/ call: who, what, the answer and how long it took (shown in the space)."""

    application = models.ForeignKey(Application, null=True, on_delete=models.SET_NULL, related_name="+")
    account = models.ForeignKey(TechnicalAccount, null=True, on_delete=models.SET_NULL, related_name="calls")
    structure = models.ForeignKey(Structure, null=True, on_delete=models.SET_NULL, related_name="+")
    method = models.CharField(_("méthode"), max_length=10)
    path = models.CharField(_("opération"), max_length=200)
    http_status = models.PositiveSmallIntegerField(_("statut HTTP"))
    code_retour = models.IntegerField(_("code retour"), null=True)
    duration_ms = models.PositiveIntegerField(_("durée (ms)"))
    created_at = models.DateTimeField(_("date"), default=timezone.now)

    class Meta:
        verbose_name = _("appel de l'API")
        verbose_name_plural = _("appels de l'API")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["account", "-created_at"]),
            models.Index(fields=["structure", "-created_at"]),
        ]

    def __str__(self):
        return f"{self.method} {self.path} {self.http_status}"


class EdiConnection(models.Model):
    """Raccordement EDI: an inbound folder whose files are deposited as deposer/flux deposits them,
    by a technical account, and an outbound folder where their reports and the status changes of
    the structure's invoices are written (served over SFTP, docker-compose.yml)."""

    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="edi_connections")
    account = models.ForeignKey(TechnicalAccount, on_delete=models.PROTECT, related_name="edi_connections")
    folder = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(
        _("statut"), max_length=10, choices=ConnectionStatus.choices, default=ConnectionStatus.ACTIVE
    )
    # The SFTP login's key (docker-compose `sftp`): the login sees this connection's folders only.
    ssh_public_key = models.TextField(_("clé publique SSH"), blank=True)
    # The last status change written outbound: the next scan writes those after it.
    last_status_change_id = models.BigIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("date de déclaration"), auto_now_add=True)

    class Meta:
        verbose_name = _("raccordement EDI")
        verbose_name_plural = _("raccordements EDI")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return str(self.folder)

    @property
    def sftp_login(self) -> str:
        return f"edi-{self.folder.hex[:12]}"


class ApiFlux(models.Model):
    """A flux deposited through deposer/flux: its Chorus Pro number is derived from the deposit,
    its declared syntax and file name kept as sent."""

    deposit = models.OneToOneField(Deposit, on_delete=models.PROTECT, related_name="api_flux")
    account = models.ForeignKey(TechnicalAccount, on_delete=models.PROTECT, related_name="fluxes")
    syntax = models.CharField(_("syntaxe du flux"), max_length=40, choices=FluxSyntax.choices)
    file_name = models.CharField(_("nom du fichier"), max_length=200)
    # Dropped in an EDI inbound folder: its report goes to the outbound one once written.
    edi_connection = models.ForeignKey(
        EdiConnection, null=True, blank=True, on_delete=models.PROTECT, related_name="fluxes"
    )
    report_written_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("date de dépôt"), auto_now_add=True)

    class Meta:
        verbose_name = _("flux déposé par l'API")
        verbose_name_plural = _("flux déposés par l'API")

    def __str__(self):
        return self.file_name


def piece_path(instance, filename):
    return f"api/{instance.structure_id}/{instance.folder}/{filename}"


class ApiPiece(models.Model):
    """A PDF sent with deposer/pdf (`pieceJointeId`), waiting for the soumettre that makes it an
    invoice's original."""

    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey(TechnicalAccount, on_delete=models.PROTECT, related_name="pieces")
    folder = models.UUIDField(default=uuid.uuid4, editable=False)
    name = models.CharField(_("nom du fichier"), max_length=200)
    file = models.FileField(_("fichier"), upload_to=piece_path, max_length=255)
    created_at = models.DateTimeField(_("date de dépôt"), auto_now_add=True)

    class Meta:
        verbose_name = _("pièce déposée par l'API")
        verbose_name_plural = _("pièces déposées par l'API")

    def __str__(self):
        return self.name


class ApiAuditLog(AppendOnlyModel):
    """Append-only trace of every write in Raccordement EDI et API, chained per structure."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.RESTRICT, related_name="+")
    structure = models.ForeignKey(Structure, on_delete=models.RESTRICT, related_name="+")
    action = models.CharField(_("action"), max_length=40, choices=ApiAuditAction.choices)
    description = models.CharField(_("description"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("date"), default=timezone.now)

    chain_key = "structure"
    hashed_fields = ("actor", "structure", "action", "description", "created_at")

    class Meta(AppendOnlyModel.Meta):
        verbose_name = _("action tracée du raccordement")
        verbose_name_plural = _("historique des raccordements")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()}"
