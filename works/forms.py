"""Input shape only: the services check the rules again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from choruspro.forms import PortalForm
from structures.enums import StructureStatus
from structures.models import Structure
from works import workflow
from works.enums import DossierKind, DossierStatus, RefusalMotif, VatRate

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
        help_text=_(
            "Un SIRET par ligne ; pour le sous-traitant d'un cotraitant, ajoutez le SIRET de ce "
            "cotraitant, qui valide ses pièces d'abord."
        ),
    )

    def _resolve(self, field):
        value = self.cleaned_data.get(field, "").strip()
        if not value:
            return None
        structure = _structure(value)
        if structure is None:
            self.add_error(field, _("Aucune structure active du portail n'a cet identifiant."))
        return structure

    def _line_structure(self, field, identifier):
        structure = _structure(identifier)
        if structure is None:
            self.add_error(
                field, _("Aucune structure active du portail n'a l'identifiant %(id)s.") % {"id": identifier}
            )
        return structure

    def _resolve_lines(self, field):
        """Each line: a SIRET and what follows it (« mandataire », or a cotraitant's SIRET)."""
        found = []
        for line in self.cleaned_data.get(field, "").splitlines():
            words = line.split()
            if words and (structure := self._line_structure(field, words[0])) is not None:
                found.append((structure, words[1] if len(words) > 1 else ""))
        return found

    def clean(self):
        data = super().clean()
        for field in ("titulaire", "moe", "moa", "financial_structure"):
            data[field] = self._resolve(field)
        data["cotraitants"] = [
            (s, rest.lower() == "mandataire") for s, rest in self._resolve_lines("cotraitants")
        ]
        data["sous_traitants"] = [
            (s, self._line_structure("sous_traitants", rest) if rest else None)
            for s, rest in self._resolve_lines("sous_traitants")
        ]
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


class DecisionForm(PortalForm):
    """A validator's « Valider »: only the status the user saw."""

    expected_status = forms.CharField(widget=forms.HiddenInput, required=False)


class SearchForm(PortalForm):
    text = forms.CharField(label=_("Marché (numéro ou objet)"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Statut"), required=False, choices=[("", _("Tous")), *DossierStatus.choices]
    )
    kind = forms.ChoiceField(
        label=_("Nature du dossier"), required=False, choices=[("", _("Toutes")), *DossierKind.choices]
    )
    role = forms.ChoiceField(
        label=_("Votre rôle"),
        required=False,
        choices=[("", _("Tous")), *((role, workflow.ROLE_LABELS[role]) for role in workflow.ROLE_LABELS)],
    )
    overdue = forms.BooleanField(label=_("Délai dépassé uniquement"), required=False)
