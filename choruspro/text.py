"""Names that end up in e-mail headers: one line, no control character. A CR/LF in a subject
makes Django refuse the whole message (BadHeaderError), so every subject is built here."""

import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

# C0 and C1 control characters, DEL, and the Unicode line and paragraph separators.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
NOT_SINGLE_LINE = _("Saisissez ce nom sur une seule ligne, sans retour à la ligne ni caractère de contrôle.")


def is_single_line(value: str) -> bool:
    return not CONTROL_CHARACTERS.search(value or "")


def single_line(value: str) -> None:
    """Validator of a name (raison sociale, libellé, nom, prénom)."""
    if not is_single_line(value):
        raise ValidationError(NOT_SINGLE_LINE, code="single_line")


def one_line(text: str) -> str:
    """Control characters and runs of white space become one space."""
    return " ".join(CONTROL_CHARACTERS.sub(" ", str(text)).split())


def email_subject(template_name: str, context: dict) -> str:
    """The portal's prefix and the rendered subject, on one line (names stored before the
    single-line rule may still hold a newline)."""
    return one_line(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + render_to_string(template_name, context))


_NOT_ALPHANUMERIC = re.compile(r"[^0-9A-Z*]+")


def search_key(text: str) -> str:
    """The form names are searched in: upper case, accents and ligatures dropped, punctuation as
    spaces (« Saint-Étienne » → « SAINT ETIENNE », as the official annuaire writes it). `*`, the
    annuaire's wildcard, is kept."""
    decomposed = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae"))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char)).upper()
    return " ".join(_NOT_ALPHANUMERIC.sub(" ", bare).split())
