"""Saisir facture: the header form, its lines and attachments (input shape only; the rules of
sending are in services.submission_errors)."""

import re
from decimal import Decimal

from django import forms
from django.core.validators import RegexValidator
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from stdnum.eu import vat

from annuaire import selectors as annuaire_selectors
from choruspro import formatting
from choruspro.forms import PortalForm
from einvoice.cii import UNIT_CODES
from invoices.enums import (
    CURRENCIES,
    VAT_RATES,
    Cadre,
    ExemptionReason,
    InvoiceType,
    OperationCategory,
    PaymentMode,
    UnitCode,
    VatCategory,
    VatType,
)
from invoices.forms.fields import DateInput, FrenchDecimalField, MultipleFileField, compact_identifier
from structures.enums import BankAccountStatus
from structures.models import Structure

NUMBER_VALIDATOR = RegexValidator(
    r"^[A-Za-z0-9\-_/+]+$",
    _("Lettres, chiffres et - _ / + uniquement, sans espace ni accent."),
)
YES_NO = [("NON", _("Non")), ("OUI", _("Oui"))]
BLANK = [("", "---------")]


# In the reader's language when the select is shown, not when the module is imported.
_rate_label = lazy(formatting.percent, str)


# A line's VAT: a rate (category S, or Z at 0 %) or a category without VAT (E, AE, K, G, O).
CATEGORIES_WITHOUT_RATE = [
    VatCategory.EXEMPT,
    VatCategory.REVERSE_CHARGE,
    VatCategory.INTRA_EU,
    VatCategory.EXPORT,
    VatCategory.OUT_OF_SCOPE,
]
VAT_RATE_CHOICES = [(str(rate), _rate_label(rate)) for rate in VAT_RATES] + [
    (category.value, category.label) for category in CATEGORIES_WITHOUT_RATE
]


def line_vat_choice(category: str, rate) -> str:
    """The value of a line's VAT select for a stored category and rate."""
    if category in CATEGORIES_WITHOUT_RATE:
        return category
    return str(Decimal(rate or 0).normalize())


def vat_of_choice(value) -> tuple[str, Decimal]:
    """(category, rate) of a value of the VAT select (the inverse of line_vat_choice); an empty
    category means the one of the rate (S, or Z at 0 %)."""
    value = str(value or "0")
    if value in CATEGORIES_WITHOUT_RATE:
        return value, Decimal(0)
    return "", Decimal(value)


def _other_rate(value) -> Decimal | None:
    """A standard rate outside the French list (a deposited file's 19 %, 7 %…), if `value` is one
    EN 16931 allows (more than 0, less than 100, two decimals at most)."""
    try:
        rate = Decimal(str(value))
    except ArithmeticError:
        return None
    if not rate.is_finite() or not 0 < rate < 100 or rate != rate.quantize(Decimal("0.01")):
        return None
    return rate


def find_recipient(identifier: str) -> Structure | None:
    """A public structure of the annuaire by its identifier (the API's `codeDestinataire`)."""
    identifier = compact_identifier(identifier)
    # Read before the form is validated: only something that can be an identifier is looked up.
    if not identifier or len(identifier) > 80 or not identifier.isprintable():
        return None
    return annuaire_selectors.public_structures().filter(identifier=identifier).first()


class RecipientFields(forms.Form):
    """The recipient and its service, shared by the entry form and the recycle form.

    The service list depends on the recipient: it is built from the submitted (or initial)
    identifier, and the annuaire picker re-renders these fields when the recipient changes."""

    recipient_identifier = forms.CharField(
        label=_("Identifiant du destinataire (SIRET)"),
        max_length=20,
        required=False,
        help_text=_("Choisissez-le dans l'annuaire ci-dessous ou saisissez son SIRET."),
    )
    recipient_service = forms.TypedChoiceField(
        label=_("Code service"), required=False, coerce=int, empty_value=None
    )
    numero_engagement = forms.CharField(
        label=_("Numéro d'engagement (bon de commande)"), max_length=50, required=False
    )

    def setup_recipient(self):
        raw = self.data.get(self.add_prefix("recipient_identifier")) if self.is_bound else None
        if raw is None:
            raw = self.initial.get("recipient_identifier", "")
        self.recipient = find_recipient(raw or "")
        services = (
            list(annuaire_selectors.active_services_of(self.recipient)) if self.recipient is not None else []
        )
        self.recipient_services = services
        self.fields["recipient_service"].choices = BLANK + [
            (service.pk, f"{service.code} — {service.libelle}") for service in services
        ]

    def clean_recipient_identifier(self):
        identifier = compact_identifier(self.cleaned_data["recipient_identifier"])
        if identifier and self.recipient is None:
            raise forms.ValidationError(
                _("Aucune structure publique de l'annuaire n'a l'identifiant %(identifier)s."),
                params={"identifier": identifier},
            )
        return identifier

    def clean_recipient_service(self):
        service_id = self.cleaned_data["recipient_service"]
        if service_id is None:
            return None
        return next(service for service in self.recipient_services if service.pk == service_id)


class CadreFields(forms.Form):
    """The cadre de facturation and, for A9/A12, the validator structure (entry and deposit)."""

    cadre = forms.ChoiceField(label=_("Cadre de facturation"), choices=Cadre.choices, initial=Cadre.A1)
    validator_identifier = forms.CharField(
        label=_("SIRET de la structure valideur"),
        max_length=20,
        required=False,
        help_text=_("Obligatoire pour A9 (le titulaire) et A12 (le mandataire)."),
    )
    validator = None

    def clean_validator_identifier(self):
        identifier = compact_identifier(self.cleaned_data["validator_identifier"])
        self.validator = active_structure(identifier)
        return identifier


def active_structure(identifier: str) -> Structure | None:
    """The active structure of the portal with this (compacted) identifier; none for a blank one."""
    if not identifier:
        return None
    structure = Structure.objects.active().filter(identifier=identifier).first()
    if structure is None:
        raise forms.ValidationError(_("Aucune structure active du portail n'a cet identifiant."))
    return structure


class InvoiceForm(CadreFields, RecipientFields, PortalForm):
    recipient_is_state = forms.ChoiceField(
        label=_("Le destinataire est-il l'État ?"), choices=YES_NO, initial="NON", widget=forms.RadioSelect
    )
    supplier_service = forms.ModelChoiceField(label=_("Service fournisseur"), queryset=None, required=False)
    bank_account = forms.ModelChoiceField(
        label=_("Coordonnées bancaires"),
        queryset=None,
        required=False,
        help_text=_("Obligatoires pour un paiement par virement."),
    )
    invoice_type = forms.ChoiceField(
        label=_("Type"), choices=InvoiceType.choices, initial=InvoiceType.INVOICE, widget=forms.RadioSelect
    )
    number = forms.CharField(
        label=_("Numéro de facture"),
        max_length=20,
        required=False,
        validators=[NUMBER_VALIDATOR],
        help_text=_("20 caractères au plus. Laissé vide, un numéro provisoire est donné au brouillon."),
    )
    origin_invoice_number = forms.CharField(
        label=_("Numéro de la facture d'origine"),
        max_length=20,
        required=False,
        validators=[NUMBER_VALIDATOR],
        help_text=_("Pour un avoir seulement."),
    )
    origin_invoice_date = forms.DateField(
        label=_("Date de la facture d'origine"),
        required=False,
        widget=DateInput,
        help_text=_("Pour un avoir seulement."),
    )
    invoice_date = forms.DateField(label=_("Date de facture"), required=False, widget=DateInput)
    due_date = forms.DateField(label=_("Date d'échéance"), required=False, widget=DateInput)
    currency = forms.ChoiceField(label=_("Devise"), choices=CURRENCIES, initial="EUR")
    vat_type = forms.ChoiceField(
        label=_("Type de TVA"), choices=VatType.choices, initial=VatType.ON_DEBITS, widget=forms.RadioSelect
    )
    exemption_reason = forms.ChoiceField(
        label=_("Motif d'exonération"),
        choices=BLANK + ExemptionReason.choices,
        required=False,
        help_text=_("Pour les lignes « Exonérée » : la mention légale portée sur la facture."),
    )
    tax_total_eur = FrenchDecimalField(
        label=_("Montant de la TVA en euros"),
        max_digits=17,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("Obligatoire pour une facture dans une autre devise que l'euro."),
    )
    operation_category = forms.ChoiceField(
        label=_("Catégorie de l'opération"),
        choices=OperationCategory.choices,
        initial=OperationCategory.SERVICES,
        widget=forms.RadioSelect,
    )
    buyer_vat_number = forms.CharField(
        label=_("Numéro de TVA intracommunautaire du destinataire"),
        max_length=20,
        required=False,
        help_text=_("Obligatoire pour l'autoliquidation et la livraison intracommunautaire."),
    )
    delivery_date = forms.DateField(label=_("Date de livraison"), required=False, widget=DateInput)
    delivery_address = forms.CharField(label=_("Adresse de livraison"), max_length=255, required=False)
    delivery_postcode = forms.CharField(label=_("Code postal de livraison"), max_length=10, required=False)
    delivery_city = forms.CharField(label=_("Ville de livraison"), max_length=100, required=False)
    delivery_country = forms.CharField(
        label=_("Pays de livraison"),
        max_length=2,
        required=False,
        help_text=_("Code pays ISO à deux lettres, par exemple DE."),
    )
    payment_mode = forms.ChoiceField(
        label=_("Mode de règlement"), choices=BLANK + PaymentMode.choices, required=False
    )
    contract_number = forms.CharField(label=_("Numéro de marché"), max_length=50, required=False)
    comment = forms.CharField(
        label=_("Commentaire"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Par exemple la mention de subrogation en cas d'affacturage."),
    )
    global_discount = FrenchDecimalField(
        label=_("Remise globale TTC"), max_digits=17, decimal_places=2, min_value=0, required=False
    )
    global_discount_reason = forms.CharField(
        label=_("Motif de la remise globale"), max_length=255, required=False
    )
    amount_due = FrenchDecimalField(
        label=_("Net à payer"),
        max_digits=17,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("Laissé vide : le montant TTC (0 pour une facture déjà payée, cadre A2)."),
    )
    attachments = MultipleFileField(
        label=_("Ajouter des pièces jointes complémentaires"),
        required=False,
        help_text=_(
            "10 Mo par fichier, nom de 50 caractères au plus avec son extension (pdf, jpg, png, xlsx…)."
        ),
    )

    def __init__(self, *args, supplier, **kwargs):
        super().__init__(*args, **kwargs)
        self.supplier = supplier
        self.fields["supplier_service"].queryset = supplier.services.filter(is_active=True)
        self.fields["bank_account"].queryset = supplier.bank_accounts.filter(status=BankAccountStatus.VALID)
        self.setup_recipient()

    def clean_buyer_vat_number(self):
        number = self.cleaned_data["buyer_vat_number"]
        if not number.strip():
            return ""
        compact = vat.compact(number)
        if not vat.is_valid(compact):
            raise forms.ValidationError(_("Ce numéro de TVA intracommunautaire n'est pas valide."))
        return compact

    def clean_delivery_country(self):
        country = self.cleaned_data["delivery_country"].strip().upper()
        if country and not re.fullmatch(r"[A-Z]{2}", country):
            raise forms.ValidationError(_("Saisissez un code pays de deux lettres, par exemple FR."))
        return country

    def service_data(self) -> dict:
        """The header as services.save_draft takes it; of a form with errors, only its valid
        values (what « Valider et envoyer » can check already)."""
        data = self.cleaned_data

        def text(name):
            return (data.get(name) or "").strip()

        service = data.get("recipient_service")
        values = {
            "cadre": data.get("cadre"),
            "validator_id": self.validator.pk if self.validator else None,
            "recipient_id": self.recipient.pk if data.get("recipient_identifier") else None,
            "recipient_service_id": service.pk if service else None,
            "recipient_is_state": data.get("recipient_is_state") == "OUI",
            "supplier_service_id": data["supplier_service"].pk if data.get("supplier_service") else None,
            "bank_account_id": data["bank_account"].pk if data.get("bank_account") else None,
            "invoice_type": data.get("invoice_type"),
            "number": data.get("number"),
            "origin_invoice_number": data.get("origin_invoice_number"),
            "origin_invoice_date": data.get("origin_invoice_date"),
            "invoice_date": data.get("invoice_date"),
            "due_date": data.get("due_date"),
            "currency": data.get("currency"),
            "vat_type": data.get("vat_type"),
            "exemption_reason": data.get("exemption_reason"),
            "tax_total_eur": data.get("tax_total_eur"),
            "operation_category": data.get("operation_category"),
            "buyer_vat_number": data.get("buyer_vat_number"),
            "delivery_date": data.get("delivery_date"),
            "delivery_address": text("delivery_address"),
            "delivery_postcode": text("delivery_postcode"),
            "delivery_city": text("delivery_city"),
            "delivery_country": data.get("delivery_country"),
            "payment_mode": data.get("payment_mode"),
            "contract_number": text("contract_number"),
            "numero_engagement": text("numero_engagement"),
            "comment": text("comment"),
            "global_discount": data.get("global_discount") or Decimal(0),
            "global_discount_reason": text("global_discount_reason"),
        }
        return {
            key: value for key, value in values.items() if _SOURCE_FIELDS.get(key, key) not in self.errors
        }


# The form field each key of InvoiceForm.service_data comes from, when it has another name.
_SOURCE_FIELDS = {
    "validator_id": "validator_identifier",
    "recipient_id": "recipient_identifier",
    "recipient_service_id": "recipient_service",
    "supplier_service_id": "supplier_service",
    "bank_account_id": "bank_account",
}


def entry_error_summary(form, lines) -> list[dict]:
    """The entry form's summary: the header's errors, each line's (« Ligne 2 — Quantité »), then
    what is said of the lines as a whole, anchored on the first line."""
    summary = form.error_summary()
    for number, line in enumerate(lines.forms, 1):
        for item in line.error_summary():
            label = _("Ligne %(n)d — %(field)s") % {"n": number, "field": item["label"]}
            summary.append({**item, "label": label if item["label"] else _("Ligne %(n)d") % {"n": number}})
    first = lines.forms[0]["designation"].id_for_label if lines.forms else ""
    for message in [*lines.non_form_errors(), *getattr(lines, "line_errors", ())]:
        summary.append({"anchor": first, "label": _("Lignes de la facture"), "message": message})
    return summary


# Where each value pre-filled from a deposited file (deposits.prefill) shows in this form, and the
# extraction field it came from: the form marks what was read in the file.
FORM_FIELDS = {
    "number": ("number", "invoice_number"),
    "invoice_date": ("invoice_date", "issue_date"),
    "due_date": ("due_date", "due_date"),
    "invoice_type": ("invoice_type", "document_type"),
    "currency": ("currency", "currency"),
    "recipient_id": ("recipient_identifier", "recipient_identifier"),
    "recipient_service_id": ("recipient_service", "service_code"),
    "numero_engagement": ("numero_engagement", "engagement_number"),
    "contract_number": ("contract_number", "contract_number"),
    "origin_invoice_number": ("origin_invoice_number", "origin_invoice_number"),
    "comment": ("comment", "note"),
    "payment_mode": ("payment_mode", "payment_means_code"),
    "bank_account_id": ("bank_account", "iban"),
    "amount_due": ("amount_due", "amount_due"),
    "vat_type": ("vat_type", None),
    "operation_category": ("operation_category", "cadre"),
}


def initial_from(invoice) -> dict:
    """The entry form's initial values for an existing draft."""
    return {
        "cadre": invoice.cadre,
        "validator_identifier": invoice.validator.identifier if invoice.validator_id else "",
        "recipient_identifier": invoice.recipient.identifier if invoice.recipient_id else "",
        "recipient_service": invoice.recipient_service_id,
        "recipient_is_state": "OUI" if invoice.recipient_is_state else "NON",
        "supplier_service": invoice.supplier_service_id,
        "bank_account": invoice.bank_account_id,
        "invoice_type": invoice.invoice_type,
        "number": "" if invoice.number.startswith("BROUILLON-") else invoice.number,
        "origin_invoice_number": invoice.origin_invoice_number,
        "origin_invoice_date": invoice.origin_invoice_date,
        "invoice_date": invoice.invoice_date,
        "due_date": invoice.due_date,
        "currency": invoice.currency,
        "vat_type": invoice.vat_type,
        "exemption_reason": invoice.exemption_reason,
        "tax_total_eur": invoice.tax_total_eur,
        "operation_category": invoice.operation_category,
        "buyer_vat_number": invoice.buyer_vat_number,
        "delivery_date": invoice.delivery_date,
        "delivery_address": invoice.delivery_address,
        "delivery_postcode": invoice.delivery_postcode,
        "delivery_city": invoice.delivery_city,
        "delivery_country": invoice.delivery_country,
        "payment_mode": invoice.payment_mode,
        "contract_number": invoice.contract_number,
        "numero_engagement": invoice.numero_engagement,
        "comment": invoice.comment,
        "global_discount": invoice.global_discount or None,
        "global_discount_reason": invoice.global_discount_reason,
        "amount_due": invoice.amount_due if invoice.amount_due_overridden else None,
    }


class LineForm(PortalForm):
    reference = forms.CharField(label=_("Référence"), max_length=50, required=False)
    designation = forms.CharField(label=_("Désignation"), max_length=255)
    quantity = FrenchDecimalField(label=_("Quantité"), max_digits=19, decimal_places=6)
    unit = forms.ChoiceField(
        label=_("Unité"), choices=UnitCode.choices, initial=UnitCode.UNIT, required=False
    )
    unit_price = FrenchDecimalField(label=_("Prix unitaire HT"), max_digits=19, decimal_places=6)
    discount = FrenchDecimalField(label=_("Remise HT"), max_digits=17, decimal_places=2, required=False)
    vat_rate = forms.ChoiceField(label=_("TVA (taux ou catégorie)"), choices=VAT_RATE_CHOICES, initial="20")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The rate a line already has stays on offer, so that a deposited file's rate is shown
        # and kept as it is (EN 16931 allows any standard rate).
        name = "vat_rate"
        current = self.data.get(self.add_prefix(name)) if self.is_bound else self.initial.get(name)
        rate = _other_rate(current) if current not in dict(VAT_RATE_CHOICES) else None
        if rate is not None:
            self.fields["vat_rate"].choices = [(str(current), _rate_label(rate)), *VAT_RATE_CHOICES]
        self._offer_current_unit()

    def _offer_current_unit(self):
        """A unit typed before the units were a list reads as its code (« h » → HUR); another
        code or text (a deposited file's) stays on offer as it is."""
        name = "unit"
        current = (self.data.get(self.add_prefix(name)) if self.is_bound else self.initial.get(name)) or ""
        if current in UnitCode.values:
            return
        code = UNIT_CODES.get(current.strip().lower())
        if code in UnitCode.values and not self.is_bound:
            self.initial[name] = code
        elif current:
            self.fields[name].choices = [(current, current), *UnitCode.choices]

    def line_data(self) -> dict:
        data = self.cleaned_data
        category, rate = vat_of_choice(data["vat_rate"])
        return {
            "reference": data["reference"].strip(),
            "designation": data["designation"].strip(),
            "quantity": data["quantity"],
            "unit": data["unit"].strip(),
            "unit_price": data["unit_price"],
            "discount": data["discount"] or Decimal(0),
            "vat_category": category,
            "vat_rate": rate,
        }


MAX_LINES = 500


class BaseLineFormSet(forms.BaseFormSet):
    default_error_messages = {"too_many_forms": _("Une facture compte au plus %(num)d lignes.")}
    # The blank row asked for by « Ajouter une ligne », beyond the rows posted.
    added_rows = 0

    def initial_form_count(self):
        # Rows are plain input, saved lines included: any of them may be left blank and ignored.
        return 0

    def total_form_count(self):
        # Only the rows the browser posted are built: lines-TOTAL_FORMS=999999 alone costs one
        # empty row and the « too many lines » error, not 500 rows to validate and render again.
        count = super().total_form_count()
        return min(count, max(posted_rows(self.data), 1) + self.added_rows) if self.is_bound else count


def posted_rows(data) -> int:
    """How many line rows the browser posted: one more than the highest row index in the data."""
    indexes = (key[len("lines-") :].partition("-")[0] for key in data if key.startswith("lines-"))
    return max((int(index) + 1 for index in indexes if index.isdigit()), default=0)


LineFormSet = forms.formset_factory(
    LineForm, formset=BaseLineFormSet, extra=0, max_num=MAX_LINES, validate_max=True, absolute_max=MAX_LINES
)


def lines_formset(data=None, *, invoice=None, extra_line=False) -> forms.BaseFormSet:
    """The lines of a draft (or the posted ones); a row left blank is ignored."""
    if data is not None:
        if extra_line:
            data = data.copy()
            key = "lines-TOTAL_FORMS"
            total = data.get(key, "")
            data[key] = str(min(int(total) + 1, MAX_LINES)) if total.isdigit() else total
        formset = LineFormSet(data, prefix="lines")
        formset.added_rows = int(extra_line)
        return formset
    initial = []
    if invoice is not None:
        initial = [
            {
                "reference": line.reference,
                "designation": line.designation,
                "quantity": line.quantity.normalize(),
                "unit": line.unit,
                "unit_price": line.unit_price.normalize(),
                "discount": line.discount or None,
                "vat_rate": line_vat_choice(line.vat_category, line.vat_rate),
            }
            for line in invoice.lines.all()
        ]
    formset = LineFormSet(initial=initial or None, prefix="lines")
    formset.extra = max(len(initial), 1)
    return formset


def without_line(data, index: int):
    """The posted data with line `index` removed and the following ones renumbered."""
    data = data.copy()
    total = data.get("lines-TOTAL_FORMS", "")
    total = min(int(total), posted_rows(data), MAX_LINES) if total.isdigit() else 0
    names = [name for name, _field in LineForm.base_fields.items()]
    for position in range(index, total - 1):
        for name in names:
            data[f"lines-{position}-{name}"] = data.get(f"lines-{position + 1}-{name}", "")
    for name in names:
        data.pop(f"lines-{total - 1}-{name}", None)
    data["lines-TOTAL_FORMS"] = str(max(total - 1, 1))  # an empty form keeps one blank row
    return data
