"""Dépôt facture: the input shape of an upload (the rules are in deposits.services)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from choruspro.forms import PortalForm
from deposits.enums import DepositFormat, DepositKind
from invoices.forms.entry import CadreFields


class DepositForm(CadreFields, PortalForm):
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
    file = forms.FileField(
        label=_("Fichier"),
        help_text=_(
            "Une facture : .pdf ou .xml, 10 Mo au plus. "
            "Un lot : .zip ou .tar.gz de factures Factur-X ou XML, 30 Mo au plus."
        ),
    )
