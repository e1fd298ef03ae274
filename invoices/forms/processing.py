"""Forms of the actions on sent invoices: Traiter (recipient), Recycler and Compléter (supplier)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from choruspro.forms import PortalForm, object_id
from invoices import reform, workflow
from invoices.forms.entry import RecipientFields
from invoices.forms.fields import MultipleFileField

# The verb the recipient chooses, per transition; the choice reads « verb → resulting status ».
PROCESS_LABELS = {
    "take_in_charge": _("Prendre en compte"),
    "service_done": _("Constater le service fait"),
    "mandate": _("Mandater"),
    "send_to_accountant": _("Mettre à disposition du comptable"),
    "account": _("Comptabiliser"),
    "pay": _("Mettre en paiement"),
    "suspend": _("Suspendre"),
    "to_recycle": _("Renvoyer à recycler"),
    "reject": _("Rejeter"),
}
RECIPIENT_TRANSITIONS = [t for t in workflow.TRANSITIONS if t.side == workflow.Side.RECIPIENT]


class ProcessForm(PortalForm):
    transition = forms.ChoiceField(label=_("Nouveau statut"))
    reason = forms.CharField(
        label=_("Motif"),
        max_length=255,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obligatoire pour rejeter, suspendre ou renvoyer à recycler : le fournisseur le lira."),
    )
    reason_code = forms.ChoiceField(
        label=_("Code motif"),
        required=False,
        choices=[("", _("Motif habituel de l'action"))]
        + [(reason.value, f"{reason.value} — {reason.label}") for reason in reform.OFFERED_REASONS],
        help_text=_("Code de la réforme transmis au fournisseur avec le statut."),
    )
    mandate_number = forms.CharField(
        label=_("Numéro de mandat"), max_length=50, required=False, help_text=_("Obligatoire pour mandater.")
    )

    def __init__(self, *args, transitions=RECIPIENT_TRANSITIONS, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["transition"].choices = [("", "---------")] + [
            (t.name, _label(PROCESS_LABELS[t.name], t.target.label)) for t in transitions
        ]

    def clean(self):
        data = super().clean()
        name = data.get("transition")
        if not name:
            return data
        transition = workflow.get(name)
        if transition.needs_reason and not data.get("reason", "").strip():
            self.add_error("reason", workflow.MISSING_REASON)
        code = data.get("reason_code")
        if code and not reform.reason_allowed(transition.target, code):
            self.add_error("reason_code", reform.REASON_NOT_ALLOWED)
        if transition.needs_mandate_number and not data.get("mandate_number", "").strip():
            self.add_error("mandate_number", workflow.MISSING_MANDATE_NUMBER)
        return data


class SingleProcessForm(ProcessForm):
    # The status the user saw: if someone changed it meanwhile, the action is refused (no lost update).
    expected_status = forms.CharField(widget=forms.HiddenInput)


class InvoiceIdsField(forms.Field):
    """The invoices ticked in a list; the service re-reads each one through the user's scope."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": _("Cochez au moins une facture."),
        "invalid": _("Sélection de factures invalide."),
        "too_many": _("Traitez au plus %(max)d factures à la fois."),
    }
    MAX = 200

    def to_python(self, value):
        if not value:
            return []
        ids = sorted({object_id(item) for item in value})
        if None in ids:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if len(ids) > self.MAX:
            raise forms.ValidationError(
                self.error_messages["too_many"], code="too_many", params={"max": self.MAX}
            )
        return ids


class BulkProcessForm(ProcessForm):
    ids = InvoiceIdsField()


class RecycleForm(RecipientFields, PortalForm):
    comment = forms.CharField(
        label=_("Commentaire"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient_identifier"].required = True
        self.setup_recipient()


class CompleteForm(PortalForm):
    attachments = MultipleFileField(
        label=_("Pièces jointes complémentaires"),
        required=False,
        help_text=_("10 Mo par fichier, nom de 50 caractères au plus avec son extension."),
    )
    comment = forms.CharField(
        label=_("Commentaire"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        data = super().clean()
        if not data.get("attachments") and not data.get("comment", "").strip():
            raise forms.ValidationError(
                _("Ajoutez une pièce jointe ou un commentaire pour compléter la facture.")
            )
        return data


def _label(action, target) -> str:
    """« Rejeter → Rejetée »: what the user does, then the status it gives the invoice."""
    return f"{action} → {target}"
