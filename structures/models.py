from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from choruspro.history import AppendOnlyModel
from choruspro.text import search_key, single_line
from structures.enums import (
    AuditAction,
    BankAccountStatus,
    IdentifierType,
    MandateStatus,
    MembershipStatus,
    Role,
    Space,
    StructureKind,
    StructureStatus,
    SubscriptionMode,
    SubscriptionStatus,
)


def _single_line_fields(instance, *names):
    errors = {}
    for name in names:
        try:
            single_line(getattr(instance, name))
        except ValidationError as error:
            errors[name] = error
    if errors:
        raise ValidationError(errors)


class StructureQuerySet(models.QuerySet):
    def public(self):
        return self.filter(kind=StructureKind.PUBLIC)

    def active(self):
        return self.filter(status=StructureStatus.ACTIVE)


class Structure(models.Model):
    """A legal entity (supplier or public recipient), identified by type + identifier (§7.1–§7.2)."""

    identifier_type = models.CharField(
        _("type d'identifiant"), max_length=20, choices=IdentifierType.choices, default=IdentifierType.SIRET
    )
    identifier = models.CharField(_("identifiant"), max_length=80)
    raison_sociale = models.CharField(_("raison sociale"), max_length=255)
    libelle = models.CharField(_("libellé"), max_length=255, blank=True)
    email = models.EmailField(_("adresse électronique"), blank=True)
    numero_tva = models.CharField(_("numéro de TVA intracommunautaire"), max_length=20, blank=True)
    kind = models.CharField(
        _("type de structure"), max_length=10, choices=StructureKind.choices, default=StructureKind.PRIVATE
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=StructureStatus.choices, default=StructureStatus.ACTIVE
    )
    # Head-office address (adressePostaleDuSiege)
    adresse = models.CharField(_("adresse"), max_length=255, blank=True)
    complement_adresse_1 = models.CharField(_("complément d'adresse 1"), max_length=255, blank=True)
    complement_adresse_2 = models.CharField(_("complément d'adresse 2"), max_length=255, blank=True)
    code_postal = models.CharField(_("code postal"), max_length=10, blank=True)
    ville = models.CharField(_("ville"), max_length=100, blank=True)
    # raison_sociale and ville as search_key() writes them, kept by save() and the annuaire
    # import: the annuaire finds « DEMOVILLE » and « saint etienne » through an index.
    search_name = models.CharField(max_length=255, blank=True, editable=False)
    search_city = models.CharField(max_length=100, blank=True, editable=False)
    pays = models.CharField(_("pays"), max_length=2, default="FR")
    telephone = models.CharField(_("téléphone"), max_length=30, blank=True)
    # Recipient parameters (parametres, §7.2 / §8.2); meaningful for public structures.
    code_service_required = models.BooleanField(_("code service obligatoire"), default=False)
    engagement_required = models.BooleanField(_("numéro d'engagement obligatoire"), default=False)
    service_or_engagement_required = models.BooleanField(
        _("code service ou numéro d'engagement obligatoire"), default=False
    )
    reports_mise_en_paiement = models.BooleanField(_("remonte le statut mise en paiement"), default=True)
    emetteur_edi = models.BooleanField(_("émetteur EDI"), default=False)
    recepteur_edi = models.BooleanField(_("récepteur EDI"), default=False)
    is_moa = models.BooleanField(_("maîtrise d'ouvrage"), default=False)
    is_moa_only = models.BooleanField(_("maîtrise d'ouvrage uniquement"), default=False)
    # Set when the structure is inactivated because another one absorbed it (§7.5).
    absorbed_by = models.ForeignKey(
        "self",
        verbose_name=_("absorbée par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="absorbed_structures",
    )
    # Set by the self-service sign-up, which now creates private structures only: a public one with
    # this flag predates that rule and is for the operators to check against the official annuaire.
    created_by_signup = models.BooleanField(_("créée à l'inscription"), default=False)
    created_at = models.DateTimeField(_("date de création"), auto_now_add=True)
    updated_at = models.DateTimeField(_("date de modification"), auto_now=True)

    objects = StructureQuerySet.as_manager()

    class Meta:
        verbose_name = _("structure")
        verbose_name_plural = _("structures")
        ordering = ["raison_sociale"]
        constraints = [
            models.UniqueConstraint(
                fields=["identifier_type", "identifier"], name="structure_identifier_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "status"]),
            models.Index(fields=["identifier"]),
            models.Index(fields=["code_postal"]),
            # The annuaire reads its results in name order, and `mair*` as a range, off this index.
            models.Index(fields=["kind", "search_name", "id"], name="structure_kind_name_order"),
        ]

    def __str__(self):
        return f"{self.raison_sociale} ({self.identifier})"

    def save(self, *args, **kwargs):
        self.search_name, self.search_city = search_key(self.raison_sociale), search_key(self.ville)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"raison_sociale", "ville"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_name", "search_city"}
        super().save(*args, **kwargs)

    def clean(self):
        # Not a field validator: that would be a migration; forms and services check it too.
        _single_line_fields(self, "raison_sociale", "libelle")

    @property
    def is_public(self):
        return self.kind == StructureKind.PUBLIC

    @property
    def is_active(self):
        return self.status == StructureStatus.ACTIVE


class StructureService(models.Model):
    """A service of a structure (§7.3): invoices can be addressed to it by its code."""

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="services")
    code = models.CharField(_("code service"), max_length=100)
    libelle = models.CharField(_("libellé"), max_length=255)
    is_active = models.BooleanField(_("actif"), default=True)
    engagement_required = models.BooleanField(_("numéro d'engagement obligatoire"), default=False)
    created_at = models.DateTimeField(_("date de création"), auto_now_add=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["structure", "code"], name="service_code_unique")]

    def __str__(self):
        return f"{self.code} — {self.libelle}"

    def clean(self):
        _single_line_fields(self, "libelle")


class BankAccount(models.Model):
    """Coordonnées bancaires of a structure (§7.4); only valid ones go on invoices."""

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="bank_accounts")
    libelle = models.CharField(_("libellé"), max_length=100)
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    is_factor = models.BooleanField(_("affactureur"), default=False)
    status = models.CharField(
        _("statut"), max_length=25, choices=BankAccountStatus.choices, default=BankAccountStatus.VALID
    )
    created_at = models.DateTimeField(_("date de création"), auto_now_add=True)

    class Meta:
        verbose_name = _("coordonnées bancaires")
        verbose_name_plural = _("coordonnées bancaires")
        ordering = ["libelle"]
        constraints = [models.UniqueConstraint(fields=["structure", "iban"], name="bank_account_iban_unique")]

    def __str__(self):
        return f"{self.libelle} ({self.iban})"


class OpenedSpace(models.Model):
    """A space opened on a structure, or on one of its services only (§5.2)."""

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="opened_spaces")
    service = models.ForeignKey(StructureService, null=True, blank=True, on_delete=models.CASCADE)
    space = models.CharField(_("espace"), max_length=30, choices=Space.choices)
    opened_at = models.DateTimeField(_("date d'ouverture"), auto_now_add=True)

    class Meta:
        verbose_name = _("espace ouvert")
        verbose_name_plural = _("espaces ouverts")
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "space"], condition=Q(service=None), name="opened_space_structure_unique"
            ),
            models.UniqueConstraint(
                fields=["structure", "service", "space"], name="opened_space_service_unique"
            ),
        ]

    def __str__(self):
        return f"{self.get_space_display()} — {self.service.code if self.service_id else self.structure}"


class Membership(models.Model):
    """Rattachement: a user attached to a structure with a role, possibly to some services only."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="memberships")
    services = models.ManyToManyField(StructureService, blank=True, related_name="memberships")
    role = models.CharField(_("rôle"), max_length=25, choices=Role.choices, default=Role.USER)
    status = models.CharField(
        _("statut"), max_length=25, choices=MembershipStatus.choices, default=MembershipStatus.PENDING
    )
    message = models.TextField(_("message de la demande"), blank=True)
    requested_at = models.DateTimeField(_("date de la demande"), auto_now_add=True)
    decided_at = models.DateTimeField(_("date de la décision"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("rattachement")
        verbose_name_plural = _("rattachements")
        constraints = [
            models.UniqueConstraint(fields=["user", "structure"], name="membership_unique"),
            # At most one principal manager per structure.
            models.UniqueConstraint(
                fields=["structure"],
                condition=Q(role=Role.PRINCIPAL_MANAGER, status=MembershipStatus.ACTIVE),
                name="one_active_principal_manager",
            ),
        ]

    def __str__(self):
        return f"{self.user} → {self.structure} ({self.role})"

    @property
    def is_manager(self):
        return self.role in (Role.PRINCIPAL_MANAGER, Role.SECONDARY_MANAGER)


class SpaceSubscription(models.Model):
    """Abonnement: a user's use of a space for a structure, in consultation or modification mode."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions")
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="subscriptions")
    space = models.CharField(_("espace"), max_length=30, choices=Space.choices)
    mode = models.CharField(
        _("mode"), max_length=15, choices=SubscriptionMode.choices, default=SubscriptionMode.MODIFICATION
    )
    status = models.CharField(
        _("statut"), max_length=25, choices=SubscriptionStatus.choices, default=SubscriptionStatus.PENDING
    )
    requested_at = models.DateTimeField(_("date de la demande"), auto_now_add=True)
    decided_at = models.DateTimeField(_("date de la décision"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("abonnement à un espace")
        verbose_name_plural = _("abonnements aux espaces")
        constraints = [
            models.UniqueConstraint(fields=["user", "structure", "space"], name="subscription_unique"),
        ]

    def __str__(self):
        return f"{self.user} → {self.get_space_display()} ({self.structure})"


class BillingMandate(models.Model):
    """Mandat de facturation (§7.6): authorises the portal to issue invoices for the structure."""

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="mandates")
    libelle = models.CharField(_("libellé du mandat"), max_length=100)
    signatory_nom = models.CharField(_("nom du signataire"), max_length=100)
    signatory_prenom = models.CharField(_("prénom du signataire"), max_length=100)
    signatory_qualite = models.CharField(_("qualité du signataire"), max_length=100)
    status = models.CharField(
        _("statut"), max_length=25, choices=MandateStatus.choices, default=MandateStatus.PENDING
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("date de création"), auto_now_add=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("date de signature"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("date de révocation"), null=True, blank=True)

    class Meta:
        verbose_name = _("mandat de facturation")
        verbose_name_plural = _("mandats de facturation")
        ordering = ["-created_at"]
        constraints = [
            # One live mandate (pending or active) per structure, as Chorus Pro warns.
            models.UniqueConstraint(
                fields=["structure"],
                condition=Q(status__in=[MandateStatus.PENDING, MandateStatus.ACTIVE]),
                name="one_live_mandate",
            ),
        ]

    def __str__(self):
        return self.libelle


class AuditLog(AppendOnlyModel):
    """Append-only trace of every write on structures: who, for which structure, what, when.
    Chained per structure; rows without a structure form one chain of their own."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.RESTRICT, related_name="+"
    )
    structure = models.ForeignKey(Structure, null=True, on_delete=models.RESTRICT, related_name="audit_logs")
    action = models.CharField(_("action"), max_length=40, choices=AuditAction.choices)
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.RESTRICT, related_name="+"
    )
    description = models.CharField(_("description"), max_length=255, blank=True)
    payload = models.JSONField(_("détails"), default=dict, blank=True)
    created_at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)

    chain_key = "structure"
    hashed_fields = ("actor", "structure", "action", "target_user", "description", "payload", "created_at")

    class Meta(AppendOnlyModel.Meta):
        verbose_name = _("action tracée")
        verbose_name_plural = _("historique des actions")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()}"
