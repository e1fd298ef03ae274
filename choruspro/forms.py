import re

import phonenumbers
from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries
from dsfr.forms import DsfrBaseForm


class PortalForm(DsfrBaseForm):
    """Base of every form of the portal: DSFR rendering, optional fields marked as the DSFR
    now recommends. Setting the option per form avoids django-dsfr's deprecation warning.
    A bound form with errors lists them all at its top, each linked to its field (RGAA 11.10)."""

    template_name = "django/forms/portal_form.html"

    def get_context(self):
        context = forms.Form.get_context(self)
        context["DSFR_MARK_OPTIONAL_FIELDS"] = True
        context["error_summary"] = self.error_summary()
        return context

    def error_summary(self) -> list[dict]:
        """Each error once: the form's own (no field to go to), then each visible field's in
        page order, anchored on its input (a group of boxes on its first box)."""
        summary = [{"anchor": "", "label": "", "message": message} for message in self.non_field_errors()]
        for field in self:
            for message in field.errors:
                anchor = (
                    ""
                    if field.is_hidden
                    else field.id_for_label or (f"{field.auto_id}_0" if field.auto_id else "")
                )
                summary.append({"anchor": anchor, "label": field.label, "message": message})
        return summary


def object_id(value) -> int | None:
    """A primary key from user input, or None: ids out of the database's range are not ids."""
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        return None
    return int(text) or None


def country_field(**kwargs) -> forms.ChoiceField:
    """A country among ISO 3166's (django-countries' names, in the reader's language)."""
    return forms.ChoiceField(choices=lambda: list(countries), initial="FR", **kwargs)


FRENCH_POSTCODE = re.compile(r"[0-9]{5}")
BAD_PHONE = gettext_lazy(
    "Ce numéro de téléphone n'est pas valide (par exemple 01 23 45 67 89, ou +49 30 1234567)."
)


def _phone_number(text: str, country: str):
    """The number in international form, or None when it is not a phone number of `country`."""
    try:
        number = phonenumbers.parse(text, country)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


class AddressFormMixin:
    """The postal code, city and phone of an address form, checked against its country (`pays`):
    five digits for a French postal code, letters in a city, a phone number that is one there."""

    def clean(self):
        cleaned = super().clean()
        country = cleaned.get("pays") or "FR"
        code_postal = (cleaned.get("code_postal") or "").strip()
        if code_postal and country == "FR" and not FRENCH_POSTCODE.fullmatch(code_postal):
            self.add_error("code_postal", _("En France, le code postal compte cinq chiffres."))
        elif "code_postal" in cleaned:
            cleaned["code_postal"] = code_postal
        ville = (cleaned.get("ville") or "").strip()
        if ville and not any(char.isalpha() for char in ville):
            self.add_error("ville", _("Saisissez le nom de la ville, en lettres."))
        telephone = (cleaned.get("telephone") or "").strip()
        if telephone:
            number = _phone_number(telephone, country)
            if number is None:
                self.add_error("telephone", BAD_PHONE)
            else:
                cleaned["telephone"] = number
        return cleaned
