"""Dépôt facture: the input shape of an upload (the rules are in deposits.services)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from choruspro.forms import PortalForm
from deposits.enums import DepositFormat, DepositKind
from invoices.enums import Cadre
from invoices.forms.fields import compact_identifier
from structures.models import Structure


class DepositForm(PortalForm):
    kind = forms.ChoiceField(
        label=_("Type de dépôt"),
        choices=DepositKind.choices,
        initial=DepositKind.UNIT,
        widget=forms.RadioSelect,
    )
    format = forms.ChoiceField(
        label=_("Format de dépôt"),
        choices=DepositFormat.choices,
        initial=DepositFormat.PDF,
        widget=forms.RadioSelect,
    )
    cadre = forms.ChoiceField(label=_("Cadre de facturation"), choices=Cadre.choices, initial=Cadre.A1)
    validator_identifier = forms.CharField(
        label=_("SIRET de la structure valideur"),
        max_length=20,
        required=False,
        help_text=_("Obligatoire pour A9 (le titulaire) et A12 (le mandataire)."),
    )
    file = forms.FileField(
        label=_("Fichier"),
        help_text=_(
            "Une facture : .pdf ou .xml, 10 Mo au plus. "
            "Un lot : .zip ou .tar.gz de factures Factur-X ou XML, 30 Mo au plus."
        ),
    )

    def clean_validator_identifier(self):
        identifier = compact_identifier(self.cleaned_data["validator_identifier"])
        self.validator = None
        if identifier:
            self.validator = Structure.objects.active().filter(identifier=identifier).first()
            if self.validator is None:
                raise forms.ValidationError(_("Aucune structure active du portail n'a cet identifiant."))
        return identifier
