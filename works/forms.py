"""Input shape only: the services check the rules again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from choruspro.forms import PortalForm
from structures.enums import StructureStatus
from structures.models import Structure
from works.enums import RefusalMotif, VatRate

IDENTIFIER_HELP = _("Numéro SIRET de la structure, inscrite sur le portail.")


def _identifier(label, *, required=True):
    return forms.CharField(label=label, max_length=80, required=required, help_text=IDENTIFIER_HELP)


def _structure(identifier: str):
    return Structure.objects.filter(
        identifier=identifier.replace(" ", ""), status=StructureStatus.ACTIVE
    ).first()


class ContractForm(PortalForm):
    """Fiche d'identité du marché."""

    number = forms.CharField(label=_("Numéro de marché"), max_length=50)
    engagement_number = forms.CharField(label=_("Numéro d'engagement"), max_length=50)
    title = forms.CharField(label=_("Objet du marché"), max_length=200)
    titulaire = _identifier(_("Titulaire"))
    titulaire_is_mandataire = forms.BooleanField(
        label=_("Le titulaire est mandataire du groupement"), required=False
    )
    moe = _identifier(_("Maîtrise d'œuvre (MOE)"), required=False)
    moa = _identifier(_("Maîtrise d'ouvrage (MOA)"))
    financial_structure = _identifier(_("Service financier"))
    financial_service_code = forms.CharField(
        label=_("Code du service du service financier"), max_length=100, required=False
    )
    cotraitants = forms.CharField(
        label=_("Cotraitants"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Un SIRET par ligne ; ajoutez « mandataire » après le SIRET du mandataire."),
    )
    sous_traitants = forms.CharField(
        label=_("Sous-traitants admis au paiement direct"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Un SIRET par ligne."),
    )

    def _resolve(self, field):
        value = self.cleaned_data.get(field, "").strip()
        if not value:
            return None
        structure = _structure(value)
        if structure is None:
            self.add_error(field, _("Aucune structure active du portail n'a cet identifiant."))
        return structure

    def _resolve_lines(self, field):
        found = []
        for line in self.cleaned_data.get(field, "").splitlines():
            words = line.split()
            if not words:
                continue
            structure = _structure(words[0])
            if structure is None:
                self.add_error(
                    field,
                    _("Aucune structure active du portail n'a l'identifiant %(id)s.") % {"id": words[0]},
                )
                continue
            found.append((structure, len(words) > 1 and words[1].lower() == "mandataire"))
        return found

    def clean(self):
        data = super().clean()
        for field in ("titulaire", "moe", "moa", "financial_structure"):
            data[field] = self._resolve(field)
        data["cotraitants"] = self._resolve_lines("cotraitants")
        data["sous_traitants"] = [s for s, _mandataire in self._resolve_lines("sous_traitants")]
        code = data.get("financial_service_code", "").strip()
        data["financial_service"] = None
        if code and data.get("financial_structure"):
            data["financial_service"] = data["financial_structure"].services.filter(code=code).first()
            if data["financial_service"] is None:
                self.add_error(
                    "financial_service_code",
                    _("Ce service n'existe pas dans la structure du service financier."),
                )
        return data


class PieceForm(PortalForm):
    """A deposited piece and the amount its depositor states."""

    number = forms.CharField(label=_("Numéro de la pièce"), max_length=20)
    amount_ht = forms.DecimalField(
        label=_("Montant HT (€)"), max_digits=14, decimal_places=2, min_value=0, localize=True
    )
    vat_rate = forms.ChoiceField(label=_("Taux de TVA"), choices=VatRate.choices, initial=VatRate.STANDARD)
    file = forms.FileField(
        label=_("Fichier de la pièce"), help_text=_("PDF, Factur-X ou XML, 10 Mo au plus.")
    )
    comment = forms.CharField(
        label=_("Commentaire"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    previous_piece = forms.IntegerField(widget=forms.HiddenInput, required=False)
    expected_status = forms.CharField(widget=forms.HiddenInput, required=False)


class RefusalForm(PortalForm):
    motif = forms.ChoiceField(label=_("Motif du refus"), choices=[("", "—"), *RefusalMotif.choices])
    comment = forms.CharField(
        label=_("Commentaire"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    expected_status = forms.CharField(widget=forms.HiddenInput, required=False)
