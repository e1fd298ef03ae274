"""Form fields shared by the invoice screens."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

# Spaces users type in French amounts, including the no-break ones a copy-paste brings.
_SPACES = re.compile(r"[\s\u00a0\u202f]")


class FrenchDecimalField(forms.DecimalField):
    """Accepts `1 245,30`, `1245,30`, `1.245,30` and `1245.30`; renders with a comma in French."""

    default_error_messages = {"invalid": _("Saisissez un montant, par exemple 1 245,30.")}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("localize", True)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            text = _SPACES.sub("", value).replace("€", "")
            if "," in text:
                text = text.replace(".", "").replace(",", ".")
            if text in ("", "-"):
                value = text
            else:
                try:
                    Decimal(text)
                except InvalidOperation:
                    raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
                value = text
        return super().to_python(value)

    def widget_attrs(self, widget):
        # Localized, the field renders a text input (a number input refuses the French comma).
        return {**super().widget_attrs(widget), "inputmode": "decimal", "autocomplete": "off"}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files at once; the services apply the attachment rules to each."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []

    def has_changed(self, initial, data):
        # The widget gives an empty list when no file is chosen: nothing was added.
        return not self.disabled and bool(data)


def compact_identifier(value: str) -> str:
    """A SIRET as typed, with its usual spaces, or pasted with no-break ones."""
    return _SPACES.sub("", value or "")
