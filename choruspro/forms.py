from pathlib import Path

import dsfr
from django import forms
from django.conf import settings
from django.utils.functional import cached_property
from dsfr.forms import DsfrBaseForm, DsfrDjangoTemplates


class PortalFormRenderer(DsfrDjangoTemplates):
    """django-dsfr's form renderer, with the portal's overrides of Django's widget templates
    (templates/forms) found first."""

    @cached_property
    def engine(self):
        return self.backend(
            {
                "APP_DIRS": True,
                "DIRS": [
                    settings.BASE_DIR / "templates" / "forms",
                    Path(dsfr.__file__).parent / self.backend.app_dirname,
                    Path(forms.__path__[0]) / "templates",
                ],
                "NAME": "djangoforms",
                "OPTIONS": {},
            }
        )


class PortalForm(DsfrBaseForm):
    """Base of every form of the portal: DSFR rendering, optional fields marked as the DSFR
    now recommends. Setting the option per form avoids django-dsfr's deprecation warning."""

    def get_context(self):
        context = forms.Form.get_context(self)
        context["DSFR_MARK_OPTIONAL_FIELDS"] = True
        return context


def object_id(value) -> int | None:
    """A primary key from user input, or None: ids out of the database's range are not ids."""
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        return None
    return int(text) or None
