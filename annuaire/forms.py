from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from annuaire.selectors import IDENTIFIER_MIN_LENGTH, significant_length


class AnnuaireSearchForm(DsfrBaseForm):
    """Input shape of the annuaire search; the matching rules live in annuaire.selectors."""

    q = forms.CharField(
        label=_("Recherche"),
        help_text=_(
            "Identifiant, raison sociale, ville ou code postal. « * » remplace n'importe quels caractères."
        ),
        max_length=200,
        required=False,
        widget=forms.SearchInput,
    )
    identifiant = forms.CharField(
        label=_("Identifiant (SIRET…)"),
        help_text=_("3 caractères au moins, par exemple 2138*"),
        max_length=80,
        required=False,
    )
    raison_sociale = forms.CharField(label=_("Raison sociale"), max_length=255, required=False)
    ville = forms.CharField(label=_("Ville"), max_length=100, required=False)
    code_postal = forms.CharField(
        label=_("Code postal"), help_text=_("Par exemple 750*"), max_length=10, required=False
    )
    # Unchecked by default so that a bare link (?q=…) and an empty GET both mean "active only".
    inactives = forms.BooleanField(label=_("Inclure les structures inactives"), required=False)

    CRITERIA = ("q", "identifiant", "raison_sociale", "ville", "code_postal")

    def clean_identifiant(self):
        identifier = self.cleaned_data["identifiant"].strip()
        if 0 < significant_length(identifier) < IDENTIFIER_MIN_LENGTH:
            raise forms.ValidationError(
                _("Saisissez au moins %(min)s caractères de l'identifiant."),
                params={"min": IDENTIFIER_MIN_LENGTH},
            )
        return identifier

    def has_criteria(self) -> bool:
        return any(self.cleaned_data.get(name, "").replace("*", "").strip() for name in self.CRITERIA)

    def search_arguments(self) -> dict:
        """Keyword arguments for search_public_structures()."""
        data = self.cleaned_data
        return {
            "query": data["q"],
            "identifier": data["identifiant"],
            "raison_sociale": data["raison_sociale"],
            "ville": data["ville"],
            "code_postal": data["code_postal"],
            "active_only": not data["inactives"],
        }
