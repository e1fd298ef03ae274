from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from choruspro.history import AppendOnlyModel
from invoices.models import Invoice
from structures.models import Structure, StructureService
from works.enums import DossierKind, DossierStatus, PartyRole, RefusalMotif, WorksCadre


class Contract(models.Model):
    """A marché de travaux and its fiche d'identité (domain §9.1, W33)."""

    number = models.CharField(_("numéro de marché"), max_length=50)
    engagement_number = models.CharField(_("numéro d'engagement"), max_length=50)
    title = models.CharField(_("objet du marché"), max_length=200)
    financial_service = models.ForeignKey(
        StructureService,
        verbose_name=_("service du service financier"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    declared_by_structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("date de déclaration"), auto_now_add=True)

    class Meta:
        verbose_name = _("marché de travaux")
        verbose_name_plural = _("marchés de travaux")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.number} — {self.title}"

    def party(self, role):
        """The structure holding a single role (titulaire, MOE, MOA, service financier), or None."""
        return next((p.structure for p in self.parties.all() if p.role == role), None)


class ContractParty(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="parties")
    structure = models.ForeignKey(
        Structure, verbose_name=_("structure"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("rôle"), max_length=20, choices=PartyRole.choices)
    is_mandataire = models.BooleanField(_("mandataire du groupement"), default=False)
    # A sous-traitant of a cotraitant: that cotraitant validates its pieces first (domain §9.6).
    contractor = models.ForeignKey(
        Structure,
        verbose_name=_("cotraitant donneur d'ordre"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("partie au marché")
        verbose_name_plural = _("parties au marché")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "structure", "role"], name="one_role_per_structure"),
        ]
        indexes = [models.Index(fields=["structure", "role"])]

    def __str__(self):
        return f"{self.get_role_display()} : {self.structure}"

    @property
    def is_financial_service(self) -> bool:
        return self.role == PartyRole.SERVICE_FINANCIER


class Dossier(models.Model):
    """A dossier de facturation: one payment request, its pieces in order (domain §9.1)."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="dossiers")
    number = models.PositiveIntegerField(_("numéro du dossier"))
    kind = models.CharField(
        _("nature du dossier"), max_length=10, choices=DossierKind.choices, default=DossierKind.MONTHLY
    )
    status = models.CharField(_("statut"), max_length=50, choices=DossierStatus.choices)
    status_changed_at = models.DateTimeField(_("date du statut"), default=timezone.now)
    # The structure that deposited the first piece, paid by the payable piece (a sous-traitant is
    # paid directly).
    supplier = models.ForeignKey(
        Structure, verbose_name=_("fournisseur"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    # The sub-/co-contractor's validators: the one deciding now, and the mandataire after a
    # cotraitant (domain §9.6).
    validator = models.ForeignKey(
        Structure,
        verbose_name=_("valideur"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    second_validator = models.ForeignKey(
        Structure,
        verbose_name=_("second valideur"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The deadline running in the current status (workflow.DEADLINES), and what the sweep did.
    deadline = models.DateTimeField(_("date limite"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("relance envoyée le"), null=True, blank=True)
    deadline_recorded_at = models.DateTimeField(_("dépassement constaté le"), null=True, blank=True)
    invoice = models.OneToOneField(
        Invoice,
        verbose_name=_("facture du service financier"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="works_dossier",
    )
    created_at = models.DateTimeField(_("date de création"), auto_now_add=True)

    class Meta:
        verbose_name = _("dossier de facturation")
        verbose_name_plural = _("dossiers de facturation")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["contract", "number"], name="one_dossier_number")]

    def __str__(self):
        return f"{self.contract.number} / {self.number}"

    @property
    def days_left(self) -> int | None:
        """Whole days before the deadline (negative once passed), None without one."""
        if self.deadline is None:
            return None
        return (timezone.localdate(self.deadline) - timezone.localdate()).days

    @property
    def is_overdue(self) -> bool:
        return self.deadline is not None and timezone.now() > self.deadline


def piece_path(instance, filename):
    return f"works/{instance.dossier_id}/{filename}"


class Piece(models.Model):
    """A deposited piece of a dossier: the file, its cadre and the amount its depositor states."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="pieces")
    # Association (« Déposer la pièce de facturation suivante »): the piece it follows.
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_piece"
    )
    cadre = models.CharField(_("cadre de facturation"), max_length=60, choices=WorksCadre.choices)
    number = models.CharField(_("numéro de la pièce"), max_length=20)
    amount_ht = models.DecimalField(_("montant HT"), max_digits=14, decimal_places=2)
    vat_rate = models.DecimalField(_("taux de TVA"), max_digits=5, decimal_places=2)
    role = models.CharField(_("rôle du déposant"), max_length=20, choices=PartyRole.choices)
    structure = models.ForeignKey(
        Structure, verbose_name=_("déposée par"), on_delete=models.PROTECT, related_name="+"
    )
    deposited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(_("fichier"), upload_to=piece_path, max_length=255)
    name = models.CharField(_("nom du fichier"), max_length=255)
    size = models.PositiveIntegerField(_("taille"))
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    content_type = models.CharField(_("type de contenu"), max_length=255)
    comment = models.TextField(_("commentaire"), blank=True)
    deposited_at = models.DateTimeField(_("date de dépôt"), default=timezone.now)

    class Meta:
        verbose_name = _("pièce de facturation")
        verbose_name_plural = _("pièces de facturation")
        ordering = ["deposited_at", "pk"]

    def __str__(self):
        return f"{self.get_cadre_display()} {self.number}"


class DossierEvent(AppendOnlyModel):
    """The dossier's history: every status change, written by the one status service."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events")
    transition = models.CharField(_("transition"), max_length=40)
    from_status = models.CharField(_("statut précédent"), max_length=50, blank=True)
    to_status = models.CharField(_("statut"), max_length=50, choices=DossierStatus.choices)
    role = models.CharField(_("rôle"), max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.RESTRICT, related_name="+"
    )
    structure = models.ForeignKey(Structure, null=True, on_delete=models.RESTRICT, related_name="+")
    piece = models.ForeignKey(Piece, null=True, on_delete=models.RESTRICT, related_name="+")
    motif = models.CharField(_("motif"), max_length=30, choices=RefusalMotif.choices, blank=True)
    comment = models.TextField(_("commentaire"), blank=True)
    created_at = models.DateTimeField(_("date"), default=timezone.now)

    chain_key = "dossier"
    chain_parent_locked = True
    hashed_fields = (
        "dossier",
        "transition",
        "from_status",
        "to_status",
        "role",
        "actor",
        "structure",
        "piece",
        "motif",
        "comment",
        "created_at",
    )

    class Meta(AppendOnlyModel.Meta):
        verbose_name = _("événement du dossier")
        verbose_name_plural = _("historique des dossiers de facturation")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.from_status} → {self.to_status}"

    @property
    def is_reminder(self) -> bool:
        from works.workflow import REMINDER

        return self.transition == REMINDER

    @property
    def label(self) -> str:
        """What happened: the new status, or the sweep's notice (reminder, deadline passed)."""
        from works.workflow import NOTICE_LABELS

        notice = NOTICE_LABELS.get(self.transition)
        return f"{notice} ({self.get_to_status_display()})" if notice else self.get_to_status_display()


class WorksNotification(models.Model):
    """In-portal notice of a dossier event for a user of a party expected to act or following it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="works_notifications"
    )
    event = models.ForeignKey(DossierEvent, on_delete=models.PROTECT, related_name="notifications")
    created_at = models.DateTimeField(_("date"), auto_now_add=True)
    read_at = models.DateTimeField(_("lue le"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification de travaux")
        verbose_name_plural = _("notifications de travaux")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "event"], name="one_works_notice_per_event")]

    def __str__(self):
        return f"{self.user} — {self.event}"
