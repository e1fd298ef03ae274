import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from choruspro.history import AppendOnlyModel
from choruspro.translatable import TranslatableTextField
from deposits import workflow
from deposits.enums import DepositFormat, DepositKind, FluxStatus, ItemOutcome, ReadFormat
from invoices.enums import Cadre
from invoices.models import Invoice
from structures.models import Structure


def deposit_path(instance, filename):
    # A folder per deposit keeps the user's file name without any collision.
    return f"deposits/{instance.structure_id}/{instance.folder}/{filename}"


def item_path(instance, filename):
    deposit = instance.deposit
    return f"deposits/{deposit.structure_id}/{deposit.folder}/{instance.position:04d}/{filename}"


class Deposit(models.Model):
    """A file deposited in Factures émises: one invoice, or a lot (a flux, domain §4.2)."""

    structure = models.ForeignKey(
        Structure, verbose_name=_("fournisseur"), on_delete=models.PROTECT, related_name="deposits"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("type de dépôt"), max_length=10, choices=DepositKind.choices)
    format = models.CharField(_("format de dépôt"), max_length=20, choices=DepositFormat.choices)
    cadre = models.CharField(_("cadre de facturation"), max_length=40, choices=Cadre.choices)
    validator = models.ForeignKey(
        Structure,
        verbose_name=_("structure valideur"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    folder = models.UUIDField(default=uuid.uuid4, editable=False)
    file = models.FileField(_("fichier"), upload_to=deposit_path, max_length=255)
    file_name = models.CharField(_("nom du fichier"), max_length=255)
    size = models.PositiveBigIntegerField(_("taille"))
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    # The same file deposited before by the structure: flagged, not refused.
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("déjà déposé dans"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(_("état"), max_length=40, choices=FluxStatus.choices, default=workflow.INITIAL)
    status_changed_at = models.DateTimeField(_("date de l'état"), auto_now_add=True)
    error = TranslatableTextField(_("motif du rejet"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("traitements lancés"), default=0)
    # Which worker process took it, so that a deposit left by a crashed worker can be told.
    processing_by = models.CharField(_("traité par"), max_length=100, blank=True)
    processing_started_at = models.DateTimeField(_("début du traitement"), null=True, blank=True)
    finished_at = models.DateTimeField(_("fin du traitement"), null=True, blank=True)
    created_at = models.DateTimeField(_("date de dépôt"), auto_now_add=True)

    class Meta:
        verbose_name = _("dépôt")
        verbose_name_plural = _("dépôts")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["structure", "-created_at"]),
            models.Index(fields=["structure", "sha256"]),
            models.Index(fields=["status", "processing_started_at"]),
        ]

    def __str__(self):
        return self.number

    @property
    def number(self) -> str:
        """Numéro de flux de dépôt."""
        return f"DEP{self.pk:09d}" if self.pk else ""


class DepositItem(models.Model):
    """One invoice file of a deposit (the file itself for a unit deposit, a member for a lot),
    with what was read from it and what became of it."""

    deposit = models.ForeignKey(Deposit, on_delete=models.PROTECT, related_name="items")
    position = models.PositiveIntegerField(_("position"))
    file_name = models.CharField(_("nom du fichier"), max_length=255)
    file = models.FileField(_("fichier"), upload_to=item_path, max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("taille"), default=0)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, blank=True)
    format = models.CharField(_("format reconnu"), max_length=10, blank=True, choices=ReadFormat.choices)
    profile = models.CharField(_("profil"), max_length=100, blank=True)
    outcome = models.CharField(
        _("résultat"), max_length=15, choices=ItemOutcome.choices, default=ItemOutcome.PENDING
    )
    message = TranslatableTextField(_("message"), blank=True)
    invoice = models.OneToOneField(
        Invoice,
        verbose_name=_("facture"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deposit_item",
    )
    fields = models.JSONField(_("données reconnues"), default=dict, blank=True)
    sources = models.JSONField(_("textes lus"), default=dict, blank=True)
    # Names of the pre-filled values read in the file, and of those deduced from what was read.
    recognised = models.JSONField(_("données lues"), default=list, blank=True)
    derived = models.JSONField(_("données déduites"), default=list, blank=True)
    # PDF recognition: values read but too unsure to pre-fill ({field: {"value", "source"}}), and
    # whether they were read by OCR from a scan.
    to_check = models.JSONField(_("données à vérifier"), default=dict, blank=True)
    read_by_ocr = models.BooleanField(_("lu par OCR"), default=False)
    errors = models.JSONField(_("erreurs"), default=list, blank=True)
    warnings = models.JSONField(_("avertissements"), default=list, blank=True)
    processed_at = models.DateTimeField(_("traité le"), null=True, blank=True)

    class Meta:
        verbose_name = _("fichier déposé")
        verbose_name_plural = _("fichiers déposés")
        ordering = ["position"]
        constraints = [
            # A re-delivered task finds the item and does not read it twice.
            models.UniqueConstraint(fields=["deposit", "position"], name="deposit_item_position_unique"),
        ]
        indexes = [
            # « Is a file of this lot still to read? », asked after each file: answered from the
            # few pending rows, not by scanning a 1,000-file lot's items each time.
            models.Index(
                fields=["deposit"],
                condition=models.Q(outcome=ItemOutcome.PENDING),
                name="deposit_item_pending",
            ),
        ]

    def __str__(self):
        return self.file_name


class DepositStatusChange(AppendOnlyModel):
    """History of a deposit's states, written with each change."""

    deposit = models.ForeignKey(Deposit, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(_("état précédent"), max_length=40, blank=True)
    to_status = models.CharField(_("état"), max_length=40, choices=FluxStatus.choices)
    note = TranslatableTextField(_("précision"), blank=True)
    created_at = models.DateTimeField(_("date"), default=timezone.now)

    chain_key = "deposit"
    hashed_fields = ("deposit", "from_status", "to_status", "note", "created_at")

    class Meta(AppendOnlyModel.Meta):
        verbose_name = _("changement d'état d'un dépôt")
        verbose_name_plural = _("historique des dépôts")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.from_status} → {self.to_status}"
