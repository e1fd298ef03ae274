"""Input shape and field validation for the manager's space (rules stay in services)."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _
from schwifty import BIC, IBAN
from schwifty import exceptions as iban_errors
from stdnum.eu import vat

from choruspro.forms import AddressFormMixin, PortalForm, country_field
from choruspro.text import single_line
from structures.context_processors import has_screens
from structures.enums import BankAccountStatus, Role, Space
from structures.models import Structure, StructureService


def _model_field(model, name, **kwargs):
    return model._meta.get_field(name).formfield(**kwargs)


class IdListField(forms.Field):
    """A list of primary keys posted by a table's checkboxes (name repeated)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        try:
            return sorted({int(v) for v in value})
        except (TypeError, ValueError) as exc:
            raise forms.ValidationError(_("Sélection invalide.")) from exc


class BulkActionForm(PortalForm):
    """Checkbox selection + action; a row button posts `row=<action>:<id>` for a single object."""

    ids = IdListField(required=False)
    action = forms.ChoiceField(
        choices=(), error_messages={"required": _("Choisissez l'action à appliquer à la sélection.")}
    )

    def __init__(self, data=None, *, actions, **kwargs):
        if data is not None and data.get("row"):
            action, _sep, pk = data["row"].partition(":")
            data = data.copy()
            data["action"] = action
            data.setlist("ids", [pk])
        super().__init__(data, **kwargs)
        self.fields["action"].choices = actions

    def clean_ids(self):
        ids = self.cleaned_data["ids"]
        if not ids:
            raise forms.ValidationError(_("Sélectionnez au moins une ligne."))
        return ids


# --- Structure -----------------------------------------------------------------------------------

GENERAL_FIELDS = (
    "raison_sociale",
    "libelle",
    "email",
    "numero_tva",
    "adresse",
    "complement_adresse_1",
    "complement_adresse_2",
    "code_postal",
    "ville",
    "pays",
    "telephone",
    "emetteur_edi",
    "recepteur_edi",
)
RECIPIENT_FIELDS = (
    "code_service_required",
    "engagement_required",
    "service_or_engagement_required",
    "reports_mise_en_paiement",
    "is_moa",
    "is_moa_only",
)


class StructureForm(AddressFormMixin, PortalForm):
    raison_sociale = _model_field(Structure, "raison_sociale", validators=[single_line])
    libelle = _model_field(Structure, "libelle", validators=[single_line])
    email = _model_field(Structure, "email")
    numero_tva = _model_field(Structure, "numero_tva")
    adresse = _model_field(Structure, "adresse")
    complement_adresse_1 = _model_field(Structure, "complement_adresse_1")
    complement_adresse_2 = _model_field(Structure, "complement_adresse_2")
    code_postal = _model_field(Structure, "code_postal")
    ville = _model_field(Structure, "ville")
    pays = country_field(label=_("Pays"))
    telephone = _model_field(Structure, "telephone")
    emetteur_edi = _model_field(Structure, "emetteur_edi")
    recepteur_edi = _model_field(Structure, "recepteur_edi")
    code_service_required = _model_field(Structure, "code_service_required")
    engagement_required = _model_field(Structure, "engagement_required")
    service_or_engagement_required = _model_field(Structure, "service_or_engagement_required")
    reports_mise_en_paiement = _model_field(Structure, "reports_mise_en_paiement")
    is_moa = _model_field(Structure, "is_moa")
    is_moa_only = _model_field(Structure, "is_moa_only")

    def __init__(self, data=None, *, structure, **kwargs):
        names = GENERAL_FIELDS + (RECIPIENT_FIELDS if structure.is_public else ())
        initial = {name: getattr(structure, name) for name in names}
        super().__init__(data, initial=initial, **kwargs)
        for name in RECIPIENT_FIELDS:
            if name not in names:
                del self.fields[name]

    def clean_numero_tva(self):
        numero = self.cleaned_data["numero_tva"]
        if not numero:
            return ""
        compact = vat.compact(numero)
        if not vat.is_valid(compact):
            raise forms.ValidationError(_("Ce numéro de TVA intracommunautaire n'est pas valide."))
        return compact


class InactivateStructureForm(PortalForm):
    absorbed_by_identifier = forms.CharField(
        label=_("Absorbée par (identifiant de la structure absorbante)"),
        required=False,
        max_length=80,
        help_text=_("Facultatif : le SIRET ou l'identifiant d'une structure existante du portail."),
    )
    confirm = forms.BooleanField(
        label=_(
            "Je confirme vouloir inactiver la structure : plus aucune action ne sera possible pour elle."
        ),
    )

    def clean_absorbed_by_identifier(self):
        identifier = self.cleaned_data["absorbed_by_identifier"].replace(" ", "")
        if not identifier:
            return None
        structure = Structure.objects.filter(identifier=identifier).first()
        if structure is None:
            raise forms.ValidationError(_("Aucune structure du portail n'a cet identifiant."))
        return structure


# --- Services, spaces ---------------------------------------------------------------------------


class ServiceCreateForm(PortalForm):
    code = forms.CharField(label=_("Code service"), max_length=100)
    libelle = forms.CharField(label=_("Libellé"), max_length=255, validators=[single_line])
    engagement_required = forms.BooleanField(label=_("Numéro d'engagement obligatoire"), required=False)

    def clean_code(self):
        code = self.cleaned_data["code"].strip().upper()
        if not re.fullmatch(r"[A-Z0-9_\-]+", code):
            raise forms.ValidationError(
                _("Le code service ne contient que des lettres, des chiffres, des tirets et des soulignés.")
            )
        return code


class ServiceUpdateForm(PortalForm):
    libelle = forms.CharField(label=_("Libellé"), max_length=255, validators=[single_line])
    is_active = forms.BooleanField(label=_("Service actif"), required=False)
    engagement_required = forms.BooleanField(label=_("Numéro d'engagement obligatoire"), required=False)


class OpenSpaceForm(PortalForm):
    space = forms.ChoiceField(label=_("Espace"))
    service = forms.ModelChoiceField(
        label=_("Service"),
        queryset=StructureService.objects.none(),
        required=False,
        empty_label=_("Toute la structure"),
    )

    def __init__(self, data=None, *, structure, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["space"].choices = [
            (value, label)
            for value, label in Space.choices
            if value != Space.MON_COMPTE and has_screens(value)
        ]
        self.fields["service"].queryset = StructureService.objects.filter(structure=structure)


# --- Bank details -------------------------------------------------------------------------------

IBAN_ERRORS = {
    iban_errors.InvalidChecksumDigits: _("La clé de contrôle de l'IBAN est fausse : vérifiez la saisie."),
    iban_errors.InvalidLength: _("La longueur de l'IBAN ne correspond pas à celle attendue pour ce pays."),
    iban_errors.InvalidCountryCode: _("L'IBAN doit commencer par un code pays valide (par exemple FR)."),
    iban_errors.InvalidBBANChecksum: _("La clé RIB contenue dans l'IBAN est fausse : vérifiez la saisie."),
    iban_errors.InvalidStructure: _("Le format de l'IBAN ne correspond pas à celui attendu pour ce pays."),
}


class BankAccountForm(PortalForm):
    libelle = forms.CharField(label=_("Libellé"), max_length=100)
    iban = forms.CharField(
        label=_("IBAN"), max_length=50, help_text=_("Par exemple FR76 3000 6000 0112 3456 7890 189")
    )
    bic = forms.CharField(label=_("BIC"), max_length=20, required=False)
    is_factor = forms.BooleanField(
        label=_("Affactureur"),
        required=False,
        help_text=_("Cochez si ces coordonnées bancaires sont celles d'un affactureur (factor)."),
    )

    def clean_iban(self):
        value = re.sub(r"\s+", "", self.cleaned_data["iban"]).upper()
        try:
            return IBAN(value).compact
        except iban_errors.SchwiftyException as exc:
            for error_class, message in IBAN_ERRORS.items():
                if isinstance(exc, error_class):
                    raise forms.ValidationError(message) from exc
            raise forms.ValidationError(_("Cet IBAN n'est pas valide.")) from exc

    def clean_bic(self):
        value = re.sub(r"\s+", "", self.cleaned_data["bic"]).upper()
        if not value:
            return ""
        try:
            return str(BIC(value))
        except iban_errors.SchwiftyException as exc:
            raise forms.ValidationError(
                _("Ce BIC n'est pas valide : il compte 8 ou 11 caractères (banque, pays, lieu, agence).")
            ) from exc


class BankAccountStatusForm(PortalForm):
    status = forms.ChoiceField(
        label=_("Statut"),
        choices=[
            (BankAccountStatus.VALID, BankAccountStatus.VALID.label),
            (BankAccountStatus.INACTIVE, BankAccountStatus.INACTIVE.label),
        ],
    )


# --- Users ----------------------------------------------------------------------------------------


class AttachUserForm(PortalForm):
    email = forms.EmailField(label=_("Adresse électronique de connexion de l'utilisateur"))
    role = forms.ChoiceField(
        label=_("Rôle"),
        choices=[(Role.USER, Role.USER.label), (Role.SECONDARY_MANAGER, Role.SECONDARY_MANAGER.label)],
        initial=Role.USER,
    )
    services = forms.ModelMultipleChoiceField(
        label=_("Services"),
        queryset=StructureService.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Sans service coché, l'utilisateur agit pour toute la structure."),
    )
    nom = forms.CharField(
        label=_("Nom"),
        max_length=100,
        required=False,
        help_text=_("Seulement si la personne n'a pas encore de compte : il lui sera créé."),
    )
    prenom = forms.CharField(label=_("Prénom"), max_length=100, required=False)

    def __init__(self, data=None, *, structure, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["services"].queryset = StructureService.objects.filter(
            structure=structure, is_active=True
        )
        if not self.fields["services"].queryset.exists():
            del self.fields["services"]

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class TransferPrincipalForm(PortalForm):
    membership = forms.ModelChoiceField(label=_("Nouveau gestionnaire principal"), queryset=None)
    confirm = forms.BooleanField(
        label=_(
            "Je confirme transférer le rôle de gestionnaire principal : "
            "je deviendrai gestionnaire secondaire."
        ),
    )

    def __init__(self, data=None, *, candidates, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["membership"].queryset = candidates
        self.fields["membership"].label_from_instance = lambda m: f"{m.user.full_name} ({m.user.email})"


class DuplicateRightsForm(PortalForm):
    source_user = forms.ModelChoiceField(label=_("Utilisateur dont les droits sont copiés"), queryset=None)
    target_user = forms.ModelChoiceField(label=_("Utilisateur qui reçoit les droits"), queryset=None)
    structures = forms.ModelMultipleChoiceField(
        label=_("Structures concernées"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, data=None, *, users, structures, **kwargs):
        super().__init__(data, **kwargs)
        for name in ("source_user", "target_user"):
            self.fields[name].queryset = users
            self.fields[name].label_from_instance = lambda u: f"{u.full_name} ({u.email})"
        self.fields["structures"].queryset = structures

    def clean(self):
        cleaned = super().clean()
        source, target = cleaned.get("source_user"), cleaned.get("target_user")
        if source and target and source.pk == target.pk:
            self.add_error("target_user", _("Choisissez deux utilisateurs différents."))
        return cleaned


# --- Billing mandate ------------------------------------------------------------------------------


class MandateForm(PortalForm):
    libelle = forms.CharField(label=_("Libellé du mandat"), max_length=100)
    signatory_nom = forms.CharField(label=_("Nom du signataire"), max_length=100)
    signatory_prenom = forms.CharField(label=_("Prénom du signataire"), max_length=100)
    signatory_qualite = forms.CharField(
        label=_("Qualité du signataire"),
        max_length=100,
        help_text=_("Par exemple : gérant, président, maire."),
    )


class SignMandateForm(PortalForm):
    accept = forms.BooleanField(
        label=_(
            "Je confirme avoir pris connaissance du mandat ainsi que des conditions générales "
            "d'utilisation du portail"
        ),
    )


class ConfirmForm(PortalForm):
    """A POST with no input: confirmation pages only need the CSRF token."""
