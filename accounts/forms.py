"""Input shape of the account screens; business rules live in accounts/services.py."""

from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html, validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.eu import vat
from stdnum.fr import siret

from accounts.enums import Language, NotificationPreference
from choruspro.forms import AddressFormMixin, PortalForm, country_field
from choruspro.text import single_line
from structures.context_processors import has_screens
from structures.enums import PERMANENT_SPACES, IdentifierType, Space, SubscriptionMode


def clean_identifier(identifier_type: str, identifier: str) -> str:
    """SIRET: 14 digits passing the Luhn check (spaces accepted); other types: free text."""
    identifier = (identifier or "").strip()
    if identifier_type == IdentifierType.SIRET:
        identifier = identifier.replace(" ", "")
        if not identifier.isdigit() or len(identifier) != 14:
            raise ValidationError(_("Le numéro SIRET doit comporter exactement 14 chiffres."))
        if not siret.is_valid(identifier):
            raise ValidationError(
                _(
                    "Ce numéro SIRET n'est pas valide : vérifiez les chiffres saisis "
                    "(clé de contrôle incorrecte)."
                )
            )
    elif not identifier:
        raise ValidationError(_("Saisissez l'identifiant de la structure."))
    return identifier


# --- Sign-up ----------------------------------------------------------------------------------


class SignupIdentityForm(PortalForm):
    email = forms.EmailField(
        label=_("Adresse électronique de connexion"),
        help_text=_("Elle vous permettra de vous connecter au portail."),
        max_length=254,
    )
    email_confirmation = forms.EmailField(label=_("Ressaisissez votre adresse électronique de connexion"))
    identifier_type = forms.ChoiceField(
        label=_("Type d'identifiant de la structure"),
        choices=IdentifierType.choices,
        initial=IdentifierType.SIRET,
    )
    identifier = forms.CharField(
        label=_("Identifiant de la structure"),
        help_text=_("Pour une structure française : son numéro SIRET à 14 chiffres."),
        max_length=80,
    )

    def clean_email(self):
        # Whether an account already has it is not told here (account enumeration): see register_user.
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        email, confirmation = cleaned.get("email"), cleaned.get("email_confirmation")
        if email and confirmation and email != confirmation.strip().lower():
            self.add_error("email_confirmation", _("Les deux adresses électroniques ne sont pas identiques."))
        identifier_type = cleaned.get("identifier_type")
        if identifier_type and "identifier" in cleaned:
            try:
                cleaned["identifier"] = clean_identifier(identifier_type, cleaned["identifier"])
            except ValidationError as error:
                self.add_error("identifier", error)
        return cleaned


class PersonalInfoForm(AddressFormMixin, PortalForm):
    nom = forms.CharField(label=_("Nom"), max_length=100, validators=[single_line])
    prenom = forms.CharField(label=_("Prénom"), max_length=100, validators=[single_line])
    contact_email = forms.EmailField(
        label=_("Adresse électronique de contact"),
        required=False,
        help_text=_("Utilisée pour vous contacter ; à défaut, l'adresse de connexion est utilisée."),
    )
    telephone = forms.CharField(label=_("Téléphone"), max_length=30, required=False)
    adresse = forms.CharField(label=_("Adresse"), max_length=200)
    complement_adresse = forms.CharField(label=_("Complément d'adresse"), max_length=200, required=False)
    code_postal = forms.CharField(label=_("Code postal"), max_length=10)
    ville = forms.CharField(label=_("Ville"), max_length=100)
    pays = country_field(label=_("Pays"))


class StructureCreationForm(AddressFormMixin, PortalForm):
    """A private structure only: public ones come from the annuaire or the operators."""

    raison_sociale = forms.CharField(label=_("Raison sociale"), max_length=255, validators=[single_line])
    libelle = forms.CharField(
        label=_("Libellé de la structure"), max_length=255, required=False, validators=[single_line]
    )
    email = forms.EmailField(label=_("Adresse électronique de la structure"), required=False)
    adresse = forms.CharField(label=_("Adresse du siège"), max_length=255)
    complement_adresse_1 = forms.CharField(label=_("Complément d'adresse 1"), max_length=255, required=False)
    complement_adresse_2 = forms.CharField(label=_("Complément d'adresse 2"), max_length=255, required=False)
    code_postal = forms.CharField(label=_("Code postal"), max_length=10)
    ville = forms.CharField(label=_("Ville"), max_length=100)
    pays = country_field(label=_("Pays"))
    telephone = forms.CharField(label=_("Téléphone"), max_length=30, required=False)
    numero_tva = forms.CharField(
        label=_("Numéro de TVA intracommunautaire"),
        max_length=20,
        required=False,
        help_text=_(
            "Obligatoire pour émettre des factures assujetties à la TVA : il figure sur chaque facture "
            "(par exemple FR40303265045)."
        ),
    )

    def clean_numero_tva(self):
        numero = self.cleaned_data["numero_tva"].replace(" ", "").upper()
        if numero and not vat.is_valid(numero):
            raise ValidationError(_("Ce numéro de TVA intracommunautaire n'est pas valide."))
        return numero


class MembershipRequestForm(PortalForm):
    services = forms.MultipleChoiceField(
        label=_("Services"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Sans choix, la demande porte sur toute la structure."),
    )
    message = forms.CharField(
        label=_("Message pour le gestionnaire"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services"].choices = [(str(s.pk), str(s)) for s in services]
        if not self.fields["services"].choices:
            del self.fields["services"]


class CreationSpacesForm(PortalForm):
    extra_spaces = forms.MultipleChoiceField(
        label=_("Espaces supplémentaires"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        # Read when the form is built: the spaces whose pages exist then.
        choices=lambda: [
            (s.value, s.label) for s in (Space.FACTURES_TRAVAUX, Space.FACTURES_A_VALIDER) if has_screens(s)
        ],
    )


class MembershipSpacesForm(PortalForm):
    wanted_spaces = forms.MultipleChoiceField(
        label=_("Espaces à demander au gestionnaire"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, spaces=(), **kwargs):
        super().__init__(*args, **kwargs)
        spaces = [s for s in spaces if has_screens(s)]
        self.fields["wanted_spaces"].choices = [(s, Space(s).label) for s in spaces]
        if not spaces:
            del self.fields["wanted_spaces"]


# --- Activation -------------------------------------------------------------------------------


class SetPasswordForm(PortalForm):
    password1 = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "data-password-strength": ""}),
        help_text=password_validators_help_text_html,
    )
    password2 = forms.CharField(
        label=_("Confirmation du mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        # Both checks, so that a mismatch does not hide a weak password until the next try.
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("Les deux mots de passe ne sont pas identiques."))
        if password1:
            try:
                validate_password(password1, self.user)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ResendActivationForm(PortalForm):
    email = forms.EmailField(label=_("Adresse électronique de connexion"))


# --- Mon compte -------------------------------------------------------------------------------


class ProfileForm(PersonalInfoForm):
    pass


class PreferencesForm(PortalForm):
    language = forms.ChoiceField(label=_("Langue du portail"), choices=Language.choices)
    notification_preference = forms.ChoiceField(
        label=_("Notifications par e-mail"), choices=NotificationPreference.choices
    )


class DeactivateAccountForm(PortalForm):
    confirm = forms.BooleanField(
        label=_("Je confirme vouloir désactiver mon compte : je ne pourrai plus me connecter au portail.")
    )


class MembershipSearchForm(PortalForm):
    identifier = forms.CharField(
        label=_("Identifiant de la structure"),
        required=False,
        max_length=80,
        help_text=_("Tout ou partie de l'identifiant (au moins 3 caractères)."),
    )
    raison_sociale = forms.CharField(
        label=_("Raison sociale"),
        required=False,
        max_length=255,
        help_text=_("La raison sociale exacte et complète."),
    )

    def clean_identifier(self):
        identifier = self.cleaned_data["identifier"].replace(" ", "")
        if identifier and len(identifier) < 3:
            raise ValidationError(_("Saisissez au moins 3 caractères de l'identifiant."))
        return identifier

    def clean(self):
        cleaned = super().clean()
        if (
            not self.errors
            and not cleaned.get("identifier")
            and not cleaned.get("raison_sociale", "").strip()
        ):
            raise ValidationError(_("Saisissez un identifiant ou une raison sociale."))
        return cleaned


class SubscriptionRequestForm(PortalForm):
    structure = forms.TypedChoiceField(label=_("Structure"), coerce=int)
    space = forms.ChoiceField(label=_("Espace"), choices=Space.choices)
    mode = forms.ChoiceField(
        label=_("Mode"),
        choices=SubscriptionMode.choices,
        initial=SubscriptionMode.MODIFICATION,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, structures=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Only the user's active structures are offered; any other id is refused as an invalid choice.
        self.fields["structure"].choices = [
            (s.pk, f"{s.raison_sociale} — {s.identifier}") for s in structures
        ]
        self.fields["space"].choices = [
            (s.value, s.label)
            for s in Space
            # Mon compte is everyone's, the managers' spaces come with the role.
            if s not in PERMANENT_SPACES and has_screens(s)
        ]
