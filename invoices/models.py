from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from choruspro.history import AppendOnlyModel
from choruspro.translatable import TranslatableCharField, TranslatableTextField
from invoices import workflow
from invoices.enums import (
    INVOICE_CADRES,
    AttachmentKind,
    Cadre,
    DepositMode,
    ExemptionReason,
    InvoiceAction,
    InvoiceStatus,
    InvoiceType,
    OperationCategory,
    PaymentMode,
    VatCategory,
    VatType,
)
from structures.models import BankAccount, Structure, StructureService

AMOUNT = {"max_digits": 19, "decimal_places": 2}


class Invoice(models.Model):
    """A payment request from a supplier structure to a public structure (domain §3.1)."""

    status = models.CharField(
        _("statut"), max_length=40, choices=InvoiceStatus.choices, default=workflow.INITIAL
    )
    status_changed_at = models.DateTimeField(_("date du statut"), auto_now_add=True)
    cadre = models.CharField(
        _("cadre de facturation"), max_length=60, choices=INVOICE_CADRES, default=Cadre.A1
    )
    validator = models.ForeignKey(
        Structure,
        verbose_name=_("structure valideur"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoices_to_validate",
    )
    # A sub-contractor of a cotraitant: the mandataire validates after the cotraitant, who names it
    # when validating (domain §9.6).
    second_validator = models.ForeignKey(
        Structure,
        verbose_name=_("second valideur"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoices_to_validate_second",
    )
    # Supplier
    supplier = models.ForeignKey(
        Structure, verbose_name=_("fournisseur"), on_delete=models.PROTECT, related_name="issued_invoices"
    )
    supplier_service = models.ForeignKey(
        StructureService,
        verbose_name=_("service fournisseur"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    bank_account = models.ForeignKey(
        BankAccount,
        verbose_name=_("coordonnées bancaires"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Recipient
    recipient = models.ForeignKey(
        Structure,
        verbose_name=_("destinataire"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="received_invoices",
    )
    recipient_service = models.ForeignKey(
        StructureService,
        verbose_name=_("service destinataire"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="received_invoices",
    )
    recipient_is_state = models.BooleanField(_("destinataire État"), default=False)
    # References
    invoice_type = models.CharField(
        _("type de facture"), max_length=10, choices=InvoiceType.choices, default=InvoiceType.INVOICE
    )
    number = models.CharField(_("numéro de facture"), max_length=20)
    origin_invoice_number = models.CharField(_("numéro de la facture d'origine"), max_length=20, blank=True)
    origin_invoice_date = models.DateField(_("date de la facture d'origine"), null=True, blank=True)
    invoice_date = models.DateField(_("date de facture"), null=True, blank=True)
    due_date = models.DateField(_("date d'échéance"), null=True, blank=True)
    currency = models.CharField(_("devise"), max_length=3, default="EUR")
    vat_type = models.CharField(
        _("type de TVA"), max_length=25, choices=VatType.choices, default=VatType.ON_DEBITS
    )
    exemption_reason = models.CharField(
        _("motif d'exonération"), max_length=40, choices=ExemptionReason.choices, blank=True
    )
    # Mandatory mentions of the 2026 reform, and what the VAT categories of the lines require.
    operation_category = models.CharField(
        _("catégorie de l'opération"),
        max_length=10,
        choices=OperationCategory.choices,
        default=OperationCategory.SERVICES,
    )
    buyer_vat_number = models.CharField(_("numéro de TVA du destinataire"), max_length=20, blank=True)
    delivery_date = models.DateField(_("date de livraison"), null=True, blank=True)
    delivery_address = models.CharField(_("adresse de livraison"), max_length=255, blank=True)
    delivery_postcode = models.CharField(_("code postal de livraison"), max_length=10, blank=True)
    delivery_city = models.CharField(_("ville de livraison"), max_length=100, blank=True)
    delivery_country = models.CharField(_("pays de livraison"), max_length=2, blank=True)
    # BT-111: the VAT total in euros of an invoice in another currency (BR-FR-CO-12).
    tax_total_eur = models.DecimalField(_("montant de la TVA en euros"), null=True, blank=True, **AMOUNT)
    payment_mode = models.CharField(
        _("mode de règlement"), max_length=15, choices=PaymentMode.choices, blank=True
    )
    contract_number = models.CharField(_("numéro de marché"), max_length=50, blank=True)
    numero_engagement = models.CharField(_("numéro d'engagement"), max_length=50, blank=True)
    comment = models.TextField(_("commentaire"), blank=True)
    # Totals (computed by the services from the lines)
    total_ht = models.DecimalField(_("montant HT"), default=0, **AMOUNT)
    total_vat = models.DecimalField(_("montant TVA"), default=0, **AMOUNT)
    total_ttc_before_discount = models.DecimalField(
        _("montant TTC avant remise globale"), default=0, **AMOUNT
    )
    global_discount = models.DecimalField(_("remise globale TTC"), default=0, **AMOUNT)
    global_discount_reason = models.CharField(_("motif de la remise globale"), max_length=255, blank=True)
    total_ttc = models.DecimalField(_("montant TTC"), default=0, **AMOUNT)
    amount_due = models.DecimalField(_("net à payer"), default=0, **AMOUNT)
    amount_due_overridden = models.BooleanField(_("net à payer saisi"), default=False)
    # The totals a deposited structured original declares (BT-109, BT-110, BT-112, BT-115): the
    # invoice's data must keep them, since the file is what the recipient receives.
    original_totals = models.JSONField(_("montants du fichier déposé"), null=True, blank=True)
    # Deposit
    deposit_mode = models.CharField(
        _("mode de dépôt"), max_length=15, choices=DepositMode.choices, default=DepositMode.ENTRY
    )
    deposited_at = models.DateTimeField(_("date de dépôt"), null=True, blank=True)
    made_available_at = models.DateTimeField(_("date de mise à disposition"), null=True, blank=True)
    downloaded_by_recipient = models.BooleanField(_("téléchargée par le destinataire"), default=False)
    return_acknowledged = models.BooleanField(_("retour pris en connaissance"), default=False)
    mandate_number = models.CharField(_("numéro de mandat"), max_length=50, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("date de création"), auto_now_add=True)
    updated_at = models.DateTimeField(_("date de modification"), auto_now=True)

    class Meta:
        verbose_name = _("facture")
        verbose_name_plural = _("factures")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # The number is unique per supplier; deleted drafts and rejected invoices free it.
            models.UniqueConstraint(
                fields=["supplier", "number"],
                condition=~models.Q(status__in=["SUPPRIMEE", "REJETEE"]),
                name="invoice_number_unique_per_supplier",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="MANDATEE") | ~models.Q(mandate_number=""),
                name="mandated_invoice_has_mandate_number",
            ),
        ]
        # Measured with `make bench-lists` (1,000,000 invoices): each one serves a list page.
        # The number prefix indexes are PostgreSQL-only (migration 0002).
        indexes = [
            models.Index(fields=["supplier", "status", "-deposited_at"]),
            models.Index(fields=["recipient", "status", "-made_available_at"]),
            models.Index(fields=["recipient_service", "status"]),
            # Rechercher: default sort (date de dépôt), date range, paging, CSV export; scanned
            # backwards they also serve the descending sorts.
            models.Index(fields=["supplier", "deposited_at", "id"], name="invoice_supplier_deposited"),
            # A recipient's lists always ask for the statuses it sees: partial, so that a count
            # over a date range reads the index alone (PostgreSQL, after VACUUM).
            models.Index(
                fields=["recipient", "deposited_at", "id"],
                condition=models.Q(status__in=sorted(workflow.VISIBLE_TO_RECIPIENT)),
                name="invoice_recipient_deposited",
            ),
            # A service-restricted user's lists: also partial, with the recipient in the index, so
            # that their count reads the index alone too.
            models.Index(
                fields=["recipient_service", "deposited_at", "id"],
                include=["recipient"],
                condition=models.Q(status__in=sorted(workflow.VISIBLE_TO_RECIPIENT)),
                name="invoice_service_deposited",
            ),
            models.Index(fields=["supplier", "total_ttc", "id"], name="invoice_supplier_ttc"),
            # API rechercher/recipiendaire by numeroFacture: an exact number among the recipient's
            # visible invoices (the supplier side has its unique constraint; the screens' prefix
            # search its expression index, migration 0002, which an equality cannot use).
            models.Index(
                fields=["recipient", "number"],
                condition=models.Q(status__in=sorted(workflow.VISIBLE_TO_RECIPIENT)),
                name="invoice_recipient_number_eq",
            ),
            models.Index(
                fields=["recipient", "total_ttc", "id"],
                condition=models.Q(status__in=sorted(workflow.VISIBLE_TO_RECIPIENT)),
                name="invoice_recipient_ttc",
            ),
            # Synthèse: small partial indexes, so that a structure with few invoices to handle does
            # not walk all of its invoices to fill the page.
            models.Index(
                fields=["supplier", "deposited_at", "id"],
                condition=models.Q(status__in=sorted(workflow.SUPPLIER_TO_HANDLE)),
                name="invoice_supplier_to_handle",
            ),
            models.Index(
                fields=["recipient", "deposited_at", "id"],
                condition=models.Q(status__in=sorted(workflow.RECIPIENT_TO_HANDLE)),
                name="invoice_recipient_to_handle",
            ),
            models.Index(
                fields=["supplier", "status_changed_at", "id"],
                condition=models.Q(
                    status__in=sorted(workflow.RETURNED_TO_SUPPLIER), return_acknowledged=False
                ),
                name="invoice_returned_unread",
            ),
        ]

    def __str__(self):
        return f"{self.get_invoice_type_display()} {self.number}"


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(_("numéro de ligne"))
    reference = models.CharField(_("référence"), max_length=50, blank=True)
    designation = models.CharField(_("désignation"), max_length=255)
    quantity = models.DecimalField(_("quantité"), max_digits=19, decimal_places=6)
    unit = models.CharField(_("unité"), max_length=30, blank=True)
    unit_price = models.DecimalField(_("prix unitaire HT"), max_digits=19, decimal_places=6)
    discount = models.DecimalField(_("remise HT"), max_digits=19, decimal_places=2, default=0)
    vat_category = models.CharField(
        _("catégorie de TVA"), max_length=2, choices=VatCategory.choices, default=VatCategory.STANDARD
    )
    vat_rate = models.DecimalField(_("taux de TVA"), max_digits=5, decimal_places=2)
    amount_ht = models.DecimalField(_("montant HT après remise"), **AMOUNT)

    class Meta:
        verbose_name = _("ligne de facture")
        verbose_name_plural = _("lignes de facture")
        ordering = ["position"]

    def __str__(self):
        return f"{self.position}. {self.designation}"


class InvoiceVatLine(models.Model):
    """Récapitulatif TVA: one row per VAT category and rate, computed from the lines."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="vat_lines")
    category = models.CharField(
        _("catégorie de TVA"), max_length=2, choices=VatCategory.choices, default=VatCategory.STANDARD
    )
    rate = models.DecimalField(_("taux"), max_digits=5, decimal_places=2)
    base = models.DecimalField(_("base HT"), **AMOUNT)
    vat = models.DecimalField(_("montant de TVA"), **AMOUNT)

    class Meta:
        verbose_name = _("récapitulatif de TVA")
        verbose_name_plural = _("récapitulatifs de TVA")
        ordering = ["-rate", "category"]

    def __str__(self):
        return f"{self.category} {self.rate} %"


def attachment_path(instance, filename):
    return f"invoices/{instance.invoice.supplier_id}/{instance.invoice_id}/{filename}"


class InvoiceAttachment(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("type"), max_length=15, choices=AttachmentKind.choices)
    name = models.CharField(_("nom"), max_length=50)
    file = models.FileField(_("fichier"), upload_to=attachment_path, max_length=255)
    size = models.PositiveIntegerField(_("taille"))
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    content_type = models.CharField(_("type de contenu"), max_length=255)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(_("date d'ajout"), auto_now_add=True)

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        ordering = ["-kind", "added_at", "pk"]
        constraints = [
            # The legal original: one per invoice, never replaced.
            models.UniqueConstraint(
                fields=["invoice"], condition=models.Q(kind="PRINCIPALE"), name="one_principal_attachment"
            ),
        ]

    def __str__(self):
        return self.name


class InvoiceStatusChange(AppendOnlyModel):
    """Historique des statuts: written by the one status service, in the same transaction."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(_("statut précédent"), max_length=40, blank=True)
    to_status = models.CharField(_("statut"), max_length=40, choices=InvoiceStatus.choices)
    transition = models.CharField(_("transition"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.RESTRICT, related_name="+"
    )
    structure = models.ForeignKey(Structure, null=True, on_delete=models.RESTRICT, related_name="+")
    reason = TranslatableTextField(_("motif"), blank=True)
    payload = models.JSONField(_("détails"), default=dict, blank=True)
    created_at = models.DateTimeField(_("date de passage"), default=timezone.now)

    chain_key = "invoice"
    chain_parent_locked = True
    hashed_fields = (
        "invoice",
        "from_status",
        "to_status",
        "transition",
        "actor",
        "structure",
        "reason",
        "payload",
        "created_at",
    )

    class Meta(AppendOnlyModel.Meta):
        verbose_name = _("changement de statut")
        verbose_name_plural = _("historique des statuts")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.from_status} → {self.to_status}"


class InvoiceUserAction(AppendOnlyModel):
    """Historique des actions utilisateurs."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="user_actions")
    action = models.CharField(_("action"), max_length=30, choices=InvoiceAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.RESTRICT, related_name="+"
    )
    created_at = models.DateTimeField(_("date"), default=timezone.now)

    chain_key = "invoice"
    chain_parent_locked = True
    hashed_fields = ("invoice", "action", "actor", "created_at")

    class Meta(AppendOnlyModel.Meta):
        verbose_name = _("action sur une facture")
        verbose_name_plural = _("historique des actions")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.action


class InvoiceEvent(AppendOnlyModel):
    """Historique des événements complémentaires (e.g. downloads, routing details)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="events")
    # Room for a stored message's JSON (msgid and parameters) around a long structure name.
    label = TranslatableCharField(_("libellé"), max_length=1000)
    who = TranslatableCharField(_("qui"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("date"), default=timezone.now)

    chain_key = "invoice"
    chain_parent_locked = True
    hashed_fields = ("invoice", "label", "who", "created_at")

    class Meta(AppendOnlyModel.Meta):
        verbose_name = _("événement")
        verbose_name_plural = _("événements complémentaires")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.label


class Notification(models.Model):
    """In-app notice of an invoice status change for one user; e-mailed at once or in the
    daily digest, as the user's preference says."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invoice_notifications"
    )
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="+")
    change = models.ForeignKey(InvoiceStatusChange, on_delete=models.PROTECT, related_name="notifications")
    created_at = models.DateTimeField(_("date"), auto_now_add=True)
    read_at = models.DateTimeField(_("lue le"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("envoyée par courriel le"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # A re-delivered notification task must not notify twice.
            models.UniqueConstraint(fields=["user", "change"], name="one_notification_per_change"),
        ]
        indexes = [models.Index(fields=["user", "read_at"]), models.Index(fields=["emailed_at", "user"])]

    def __str__(self):
        return f"{self.user} — {self.change}"
