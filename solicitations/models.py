from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from choruspro.history import AppendOnlyModel
from invoices.models import Invoice
from solicitations import workflow
from solicitations.enums import Addressee, Side, SolicitationStatus
from structures.models import Structure, StructureService


class SolicitationCategory(models.Model):
    """Catégorie de sollicitation (reference data, `rechercherCategorieSollicitation`)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    label = models.CharField(_("libellé"), max_length=255)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("date de création"), auto_now_add=True)
    updated_at = models.DateTimeField(_("date de dernière modification"), auto_now=True)

    class Meta:
        verbose_name = _("catégorie de sollicitation")
        verbose_name_plural = _("catégories de sollicitation")
        ordering = ["label"]

    def __str__(self):
        return self.label


class SolicitationSubcategory(models.Model):
    """Sous-catégorie (`rechercherSousCategorieSollicitation`)."""

    category = models.ForeignKey(SolicitationCategory, on_delete=models.PROTECT, related_name="subcategories")
    code = models.CharField(_("code"), max_length=40, unique=True)
    label = models.CharField(_("libellé"), max_length=255)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("date de création"), auto_now_add=True)
    updated_at = models.DateTimeField(_("date de dernière modification"), auto_now=True)

    class Meta:
        verbose_name = _("sous-catégorie de sollicitation")
        verbose_name_plural = _("sous-catégories de sollicitation")
        ordering = ["category__label", "label"]

    def __str__(self):
        return f"{self.category.label} — {self.label}"


class Solicitation(models.Model):
    """A question to a public structure's service in charge of invoices, or to the support."""

    number = models.CharField(_("numéro"), max_length=20, unique=True, null=True, blank=True)
    status = models.CharField(
        _("statut"), max_length=30, choices=SolicitationStatus.choices, default=workflow.INITIAL
    )
    status_changed_at = models.DateTimeField(_("date du statut"), default=timezone.now)
    category = models.ForeignKey(
        SolicitationCategory, verbose_name=_("catégorie"), on_delete=models.PROTECT, related_name="+"
    )
    subcategory = models.ForeignKey(
        SolicitationSubcategory, verbose_name=_("sous-catégorie"), on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(_("objet"), max_length=200)
    message = models.TextField(_("message"))
    # Requester: a user acting for a structure, or a person who cannot log in (e-mail only).
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("émetteur"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="solicitations",
    )
    requester_email = models.EmailField(_("adresse électronique de l'émetteur"), blank=True)
    requester_structure = models.ForeignKey(
        Structure,
        verbose_name=_("structure émettrice"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sent_solicitations",
    )
    requester_service = models.ForeignKey(
        StructureService,
        verbose_name=_("service émetteur"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Addressee, decided by the catégorie (solicitations/reference.py).
    addressee = models.CharField(_("destinataire"), max_length=20, choices=Addressee.choices)
    addressee_structure = models.ForeignKey(
        Structure,
        verbose_name=_("structure destinataire"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="received_solicitations",
    )
    addressee_service = models.ForeignKey(
        StructureService,
        verbose_name=_("service destinataire"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="received_solicitations",
    )
    invoice = models.ForeignKey(
        Invoice,
        verbose_name=_("facture liée"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="solicitations",
    )
    # Set by the daily sweep when the addressee has not answered within five working days.
    overdue_since = models.DateTimeField(_("sans réponse depuis cinq jours ouvrés"), null=True, blank=True)
    created_at = models.DateTimeField(_("date de création"), auto_now_add=True)
    sent_at = models.DateTimeField(_("date de dépôt"), null=True, blank=True)
    updated_at = models.DateTimeField(_("date de modification"), auto_now=True)

    class Meta:
        verbose_name = _("sollicitation")
        verbose_name_plural = _("sollicitations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(requester__isnull=False) | ~Q(requester_email=""),
                name="solicitation_has_requester",
            ),
            models.CheckConstraint(
                condition=~Q(addressee="SERVICE_METIER") | Q(addressee_structure__isnull=False),
                name="service_solicitation_has_structure",
            ),
        ]
        indexes = [
            models.Index(fields=["requester_structure", "status"]),
            models.Index(fields=["addressee_structure", "status"]),
            models.Index(fields=["addressee", "status"]),
        ]

    def __str__(self):
        return self.number or str(_("Brouillon de sollicitation"))


class SolicitationExchange(AppendOnlyModel):
    """The thread: every status change with the message that came with it, written by the one
    status service in the same transaction."""

    solicitation = models.ForeignKey(Solicitation, on_delete=models.PROTECT, related_name="exchanges")
    transition = models.CharField(_("transition"), max_length=30)
    from_status = models.CharField(_("statut précédent"), max_length=30, blank=True)
    to_status = models.CharField(_("statut"), max_length=30, choices=SolicitationStatus.choices)
    side = models.CharField(_("auteur"), max_length=20, choices=Side.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.RESTRICT, related_name="+"
    )
    structure = models.ForeignKey(Structure, null=True, on_delete=models.RESTRICT, related_name="+")
    message = models.TextField(_("message"), blank=True)
    payload = models.JSONField(_("détails"), default=dict, blank=True)
    created_at = models.DateTimeField(_("date"), default=timezone.now)

    chain_key = "solicitation"
    chain_parent_locked = True
    hashed_fields = (
        "solicitation",
        "transition",
        "from_status",
        "to_status",
        "side",
        "actor",
        "structure",
        "message",
        "payload",
        "created_at",
    )

    class Meta(AppendOnlyModel.Meta):
        verbose_name = _("échange")
        verbose_name_plural = _("échanges de la sollicitation")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.from_status} → {self.to_status}"


def attachment_path(instance, filename):
    return f"solicitations/{instance.solicitation_id}/{filename}"


class SolicitationAttachment(models.Model):
    solicitation = models.ForeignKey(Solicitation, on_delete=models.CASCADE, related_name="attachments")
    exchange = models.ForeignKey(
        SolicitationExchange, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    name = models.CharField(_("nom"), max_length=50)
    file = models.FileField(_("fichier"), upload_to=attachment_path, max_length=255)
    size = models.PositiveIntegerField(_("taille"))
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    content_type = models.CharField(_("type de contenu"), max_length=255)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(_("date d'ajout"), auto_now_add=True)

    class Meta:
        verbose_name = _("pièce jointe de sollicitation")
        verbose_name_plural = _("pièces jointes de sollicitation")
        ordering = ["added_at", "pk"]

    def __str__(self):
        return self.name


class SupportAgent(models.Model):
    """An operator of the portal's support, given the role by `manage.py grant_support_role`."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="support_agent"
    )
    granted_at = models.DateTimeField(_("date d'attribution"), auto_now_add=True)

    class Meta:
        verbose_name = _("opérateur du support")
        verbose_name_plural = _("opérateurs du support")

    def __str__(self):
        return str(self.user)


class SolicitationNotification(models.Model):
    """In-portal notice of an exchange for one user of the other side."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="solicitation_notifications"
    )
    solicitation = models.ForeignKey(Solicitation, on_delete=models.PROTECT, related_name="+")
    exchange = models.ForeignKey(SolicitationExchange, on_delete=models.PROTECT, related_name="notifications")
    created_at = models.DateTimeField(_("date"), auto_now_add=True)
    read_at = models.DateTimeField(_("lue le"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification de sollicitation")
        verbose_name_plural = _("notifications de sollicitation")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "exchange"], name="one_solicitation_notice_per_exchange")
        ]

    def __str__(self):
        return f"{self.user} — {self.exchange}"
