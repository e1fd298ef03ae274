"""Rechercher: the criteria of domain §11.2 that make sense on screen, for each side."""

from django import forms
from django.utils.translation import gettext_lazy as _

from choruspro.forms import PortalForm
from invoices import workflow
from invoices.enums import Cadre, DepositMode, InvoiceStatus, InvoiceType
from invoices.forms.fields import DateInput, FrenchDecimalField

BLANK = [("", _("Tous"))]
YES_NO = [("", _("Indifférent")), ("OUI", _("Oui")), ("NON", _("Non"))]
PAGE_SIZES = (10, 20, 50, 100, 200)
DEFAULT_PAGE_SIZE = 20
AMOUNT_KINDS = [("TTC", _("Montant TTC")), ("HT", _("Montant HT")), ("A_PAYER", _("Net à payer"))]


class InvoiceSearchForm(PortalForm):
    number = forms.CharField(
        label=_("Numéro de facture"),
        help_text=_("Le numéro entier ou son début"),
        max_length=20,
        required=False,
    )
    statuses = forms.MultipleChoiceField(
        label=_("Statuts"), required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    invoice_type = forms.ChoiceField(label=_("Type"), choices=BLANK + InvoiceType.choices, required=False)
    cadre = forms.ChoiceField(label=_("Cadre de facturation"), choices=BLANK + Cadre.choices, required=False)
    numero_engagement = forms.CharField(label=_("Numéro d'engagement"), max_length=50, required=False)
    contract_number = forms.CharField(label=_("Numéro de marché"), max_length=50, required=False)
    amount_kind = forms.ChoiceField(label=_("Montant"), choices=AMOUNT_KINDS, required=False)
    amount_min = FrenchDecimalField(
        label=_("Montant minimum"), max_digits=17, decimal_places=2, required=False
    )
    amount_max = FrenchDecimalField(
        label=_("Montant maximum"), max_digits=17, decimal_places=2, required=False
    )
    invoice_date_from = forms.DateField(label=_("Date de facture du"), required=False, widget=DateInput)
    invoice_date_to = forms.DateField(label=_("au"), required=False, widget=DateInput)
    deposited_from = forms.DateField(label=_("Date de dépôt du"), required=False, widget=DateInput)
    deposited_to = forms.DateField(label=_("au"), required=False, widget=DateInput)
    status_date_from = forms.DateField(label=_("Date du statut du"), required=False, widget=DateInput)
    status_date_to = forms.DateField(label=_("au"), required=False, widget=DateInput)
    sort = forms.CharField(required=False, widget=forms.HiddenInput)
    per_page = forms.TypedChoiceField(
        label=_("Factures par page"),
        choices=[(size, size) for size in PAGE_SIZES],
        coerce=int,
        empty_value=DEFAULT_PAGE_SIZE,
        initial=DEFAULT_PAGE_SIZE,
        required=False,
    )

    # Criteria shown in the always-open part of the form, in this order (the party searched is
    # the other side's); the rest goes under "more criteria".
    PERIOD = ("deposited_from", "deposited_to")
    MAIN = ("number", "statuses", "invoice_type", *PERIOD)
    # Values of folded criteria that select nothing: the amount kind alone, the default page size.
    NEUTRAL = {"amount_kind": AMOUNT_KINDS[0][0], "per_page": str(DEFAULT_PAGE_SIZE)}

    def __init__(self, *args, statuses, **kwargs):
        super().__init__(*args, **kwargs)
        # A query without a page size (a sort link, a typed address) shows the size the list
        # uses, not the first of the choices, which the next search would send.
        if self.is_bound and not self.data.get("per_page"):
            self.data = self.data.copy()
            self.data["per_page"] = str(DEFAULT_PAGE_SIZE)
        self.fields["statuses"].choices = [(status, InvoiceStatus(status).label) for status in statuses]

    def main_fields(self):
        return [self[name] for name in self.MAIN]

    def folded_fields(self):
        return [field for field in self if field.name not in self.MAIN and not field.is_hidden]

    def folded_in_use(self) -> bool:
        """Whether a folded criterion is set or wrong: the folded part is then shown open, with
        its fields; otherwise they are loaded when the user opens it (they are most of the form's
        rendering time, which matters on every list page)."""
        if not self.is_bound:
            return False
        for field in self.folded_fields():
            if field.errors:
                return True
            # Every folded criterion takes one value.
            if self.data.get(field.name) not in (None, "", self.NEUTRAL.get(field.name)):
                return True
        return False

    def clean(self):
        data = super().clean()
        for start, end in (
            ("invoice_date_from", "invoice_date_to"),
            ("deposited_from", "deposited_to"),
            ("status_date_from", "status_date_to"),
        ):
            if data.get(start) and data.get(end) and data[start] > data[end]:
                self.add_error(end, _("La fin de la période précède son début."))
        if data.get("amount_min") is not None and data.get("amount_max") is not None:
            if data["amount_min"] > data["amount_max"]:
                self.add_error("amount_max", _("Le maximum est inférieur au minimum."))
        return data

    def criteria(self) -> dict:
        return {key: value for key, value in self.cleaned_data.items() if key not in ("sort", "per_page")}


SUPPLIER_STATUSES = [status for status in InvoiceStatus if status not in workflow.DISCARDED]
RECIPIENT_STATUSES = [status for status in InvoiceStatus if status in workflow.VISIBLE_TO_RECIPIENT]
VALIDATOR_STATUSES = [status for status in InvoiceStatus if status not in workflow.NOT_SENT_TO_VALIDATOR]


class SupplierSearchForm(InvoiceSearchForm):
    recipient = forms.CharField(
        label=_("Destinataire"), max_length=100, required=False, help_text=_("SIRET ou raison sociale")
    )
    supplier_service = forms.ModelChoiceField(label=_("Service fournisseur"), queryset=None, required=False)
    deposit_mode = forms.ChoiceField(
        label=_("Mode de dépôt"), choices=BLANK + DepositMode.choices, required=False
    )
    origin_invoice_number = forms.CharField(
        label=_("Numéro de la facture d'origine"), max_length=20, required=False
    )
    acknowledged = forms.ChoiceField(label=_("Retour pris en connaissance"), choices=YES_NO, required=False)

    MAIN = ("number", "recipient", "statuses", "invoice_type", *InvoiceSearchForm.PERIOD)

    def __init__(self, *args, structure, **kwargs):
        super().__init__(*args, statuses=SUPPLIER_STATUSES, **kwargs)
        self.fields["supplier_service"].queryset = structure.services.all()


class SupplierCriterion(forms.Form):
    supplier = forms.CharField(
        label=_("Fournisseur"), max_length=100, required=False, help_text=_("SIRET ou raison sociale")
    )


class RecipientSearchForm(SupplierCriterion, InvoiceSearchForm):
    recipient_service = forms.ModelChoiceField(label=_("Service destinataire"), queryset=None, required=False)
    downloaded = forms.ChoiceField(label=_("Téléchargée"), choices=YES_NO, required=False)

    MAIN = ("number", "supplier", "statuses", "invoice_type", *InvoiceSearchForm.PERIOD)

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, statuses=RECIPIENT_STATUSES, **kwargs)
        self.fields["recipient_service"].queryset = services


class ValidatorSearchForm(SupplierCriterion, InvoiceSearchForm):
    MAIN = ("number", "supplier", "statuses", "invoice_type", *InvoiceSearchForm.PERIOD)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, statuses=VALIDATOR_STATUSES, **kwargs)
