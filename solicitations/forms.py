"""Input shape only: the services check the rules again."""

from captcha.fields import CaptchaField
from django import forms
from django.utils.translation import gettext_lazy as _

from choruspro.forms import PortalForm
from invoices.forms.fields import DateInput, MultipleFileField
from solicitations import reference, selectors
from solicitations.enums import SolicitationStatus
from solicitations.models import SolicitationCategory
from structures.enums import StructureKind
from structures.models import StructureService

ATTACHMENT_HELP = _("10 Mo par fichier, nom de 50 caractères au plus avec son extension.")


def _attachments():
    return MultipleFileField(label=_("Pièces jointes"), required=False, help_text=ATTACHMENT_HELP)


class SubcategoryField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.category.label} — {obj.label}"


class InvoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        recipient = obj.recipient.raison_sociale if obj.recipient_id else "—"
        return f"{obj.number} — {obj.supplier.raison_sociale} → {recipient}"


class SolicitationForm(PortalForm):
    requester_service = forms.ModelChoiceField(
        label=_("Votre service"),
        queryset=None,
        required=False,
        help_text=_("Le service de votre structure au nom duquel vous écrivez."),
    )
    subcategory = SubcategoryField(
        label=_("Catégorie et sous-catégorie"),
        queryset=None,
        help_text=_("Elle décide du destinataire : le service de la structure destinataire ou le support."),
    )
    invoice = InvoiceField(label=_("Facture concernée"), queryset=None, required=False)
    subject = forms.CharField(label=_("Objet"), max_length=200)
    message = forms.CharField(label=_("Message"), max_length=10000, widget=forms.Textarea(attrs={"rows": 6}))
    attachments = _attachments()

    def __init__(self, *args, invoices, requester_services, service_required, **kwargs):
        super().__init__(*args, **kwargs)
        service = self.fields["requester_service"]
        service.queryset, service.required = requester_services, service_required
        if service_required:
            service.error_messages["required"] = _("Choisissez le service au nom duquel vous écrivez.")
        self.fields["subcategory"].queryset = selectors.active_subcategories().order_by(
            "category__label", "label"
        )
        self.fields["invoice"].queryset = invoices


class ActionForm(PortalForm):
    message = forms.CharField(
        label=_("Message"), max_length=10000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    attachments = _attachments()
    service = forms.ModelChoiceField(
        label=_("Service destinataire"),
        required=False,
        queryset=StructureService.objects.filter(
            is_active=True, structure__kind=StructureKind.PUBLIC
        ).select_related("structure"),
    )

    def __init__(self, *args, transition, **kwargs):
        super().__init__(*args, **kwargs)
        self.transition = transition
        self.fields["message"].required = transition.needs_message
        self.fields["service"].required = transition.name == "reassign"
        self.fields["service"].error_messages["required"] = _(
            "Cherchez une structure publique, puis choisissez l'un de ses services."
        )


class SearchForm(PortalForm):
    number = forms.CharField(label=_("Numéro"), max_length=20, required=False)
    category = forms.ModelChoiceField(
        label=_("Catégorie"), queryset=SolicitationCategory.objects.order_by("label"), required=False
    )
    statuses = forms.MultipleChoiceField(
        label=_("Statuts"),
        choices=SolicitationStatus.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    date_from = forms.DateField(label=_("Déposée du"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("au"), required=False, widget=DateInput)
    invoice_number = forms.CharField(label=_("Numéro de facture liée"), max_length=20, required=False)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("La date de fin précède la date de début."))
        return data


class PublicSolicitationForm(PortalForm):
    email = forms.EmailField(
        label=_("Votre adresse électronique"),
        help_text=_("Le lien de suivi de votre sollicitation y sera envoyé."),
    )
    subcategory = SubcategoryField(label=_("Catégorie et sous-catégorie"), queryset=None)
    subject = forms.CharField(label=_("Objet"), max_length=200)
    message = forms.CharField(label=_("Message"), max_length=10000, widget=forms.Textarea(attrs={"rows": 6}))
    attachments = _attachments()
    captcha = CaptchaField(
        label=_("Recopiez les caractères de l'image"),
        error_messages={"invalid": _("Les caractères saisis ne correspondent pas à l'image : réessayez.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subcategory"].queryset = selectors.active_subcategories().filter(
            category__code=reference.PUBLIC_CATEGORY
        )
