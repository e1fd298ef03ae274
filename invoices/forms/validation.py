"""Forms of Factures à valider: Valider / Refuser (one invoice or several) and, on the supplier's
side, Corriger le valideur."""

from django import forms
from django.utils.translation import gettext_lazy as _

from choruspro.forms import PortalForm
from invoices import workflow
from invoices.enums import ValidationRefusal
from invoices.forms.entry import active_structure
from invoices.forms.fields import compact_identifier
from invoices.forms.processing import InvoiceIdsField
from invoices.services.validation import REFUSE, VALIDATE

DECISIONS = [(VALIDATE, _("Valider")), (REFUSE, _("Refuser"))]


class DecisionForm(PortalForm):
    decision = forms.ChoiceField(label=_("Décision"), choices=DECISIONS, widget=forms.RadioSelect)
    motif = forms.ChoiceField(
        label=_("Motif du refus"),
        choices=[("", "---------"), *ValidationRefusal.choices],
        required=False,
        help_text=_(
            "Obligatoire pour refuser. « Erreur de valideur » renvoie la facture au fournisseur pour "
            "qu'il désigne le bon valideur."
        ),
    )
    comment = forms.CharField(
        label=_("Commentaire"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Le fournisseur le lira avec le motif."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == REFUSE and not data.get("motif"):
            self.add_error("motif", workflow.MISSING_REASON)
        return data


class SingleDecisionForm(DecisionForm):
    # The status the validator saw: if the other validator or the clock decided first, say so.
    expected_status = forms.CharField(widget=forms.HiddenInput)
    second_validator_identifier = forms.CharField(
        label=_("SIRET du mandataire (second valideur)"),
        max_length=20,
        required=False,
        help_text=_(
            "Si vous êtes cotraitant et validez la facture de votre sous-traitant : le mandataire la "
            "validera ensuite. Laissez vide sinon."
        ),
    )
    second_validator = None

    def __init__(self, *args, first_step=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not first_step:
            # The second validator names no one, and « erreur de valideur » is the first one's.
            del self.fields["second_validator_identifier"]
            self.fields["motif"].choices = [
                choice
                for choice in self.fields["motif"].choices
                if choice[0] != ValidationRefusal.WRONG_VALIDATOR
            ]

    def clean_second_validator_identifier(self):
        identifier = compact_identifier(self.cleaned_data["second_validator_identifier"])
        self.second_validator = active_structure(identifier)
        return identifier


class BulkDecisionForm(DecisionForm):
    ids = InvoiceIdsField()


class CorrectValidatorForm(PortalForm):
    validator_identifier = forms.CharField(
        label=_("SIRET de la bonne structure valideur"),
        max_length=20,
        help_text=_("Le titulaire pour un sous-traitant, le mandataire pour un cotraitant."),
    )
    validator = None

    def clean_validator_identifier(self):
        identifier = compact_identifier(self.cleaned_data["validator_identifier"])
        self.validator = active_structure(identifier)
        return identifier
