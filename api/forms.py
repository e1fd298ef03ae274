from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from api.enums import UsageType
from choruspro.forms import PortalForm


class ConnectionForm(PortalForm):
    name = forms.CharField(
        label=_("Nom de l'application"),
        max_length=100,
        help_text=_("Le nom de votre logiciel ou de votre application (ERP, parapheur…)."),
    )
    usage_type = forms.ChoiceField(label=_("Type d'utilisation"), choices=UsageType.choices)
    contact_name = forms.CharField(label=_("Nom du contact technique"), max_length=100)
    contact_email = forms.EmailField(label=_("Adresse électronique du contact technique"))
    contact_phone = forms.CharField(label=_("Téléphone du contact technique"), max_length=30, required=False)
    client_id = forms.CharField(
        label=_("Identifiant client d'une application existante"),
        max_length=100,
        required=False,
        help_text=_(
            "Laissez vide pour créer une application et recevoir son secret ; renseignez-le pour "
            "raccorder une application qu'une autre structure a déjà déclarée."
        ),
    )


class PasswordForm(PortalForm):
    password = forms.CharField(
        label=_("Mot de passe"),
        widget=forms.PasswordInput(render_value=False),
        strip=False,
        help_text=_("Au moins 12 caractères ; il expire dans un an."),
    )

    def clean_password(self):
        password = self.cleaned_data["password"]
        password_validation.validate_password(password)
        return password


class TechnicalAccountForm(PasswordForm):
    login = forms.EmailField(
        label=_("Identifiant du compte technique"),
        help_text=_("Une adresse électronique, par exemple tech.erp@votre-structure.fr."),
    )
    field_order = ["login", "password"]


# The key types OpenSSH accepts for a login (the first word of a .pub line).
SSH_KEY_TYPES = frozenset(
    {
        "ssh-ed25519",
        "ssh-rsa",
        "ecdsa-sha2-nistp256",
        "ecdsa-sha2-nistp384",
        "ecdsa-sha2-nistp521",
        "sk-ssh-ed25519@openssh.com",
        "sk-ecdsa-sha2-nistp256@openssh.com",
    }
)


class EdiConnectionForm(PortalForm):
    account = forms.ModelChoiceField(
        label=_("Compte technique qui dépose les fichiers"),
        queryset=None,
        empty_label=None,
    )

    ssh_public_key = forms.CharField(
        label=_("Clé publique SSH du logiciel (accès SFTP)"),
        help_text=_("Une ligne, par exemple ssh-ed25519 AAAA… erp@votre-structure.fr."),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts

    def clean_ssh_public_key(self):
        key = " ".join(self.cleaned_data["ssh_public_key"].split())
        kind, _space, rest = key.partition(" ")
        if key and (kind not in SSH_KEY_TYPES or not rest or len(key) > 8000):
            raise ValidationError(
                _("Ce n'est pas une clé publique SSH : collez la ligne du fichier .pub (ssh-ed25519 AAAA…).")
            )
        return key
