import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Chorus Pro password rule (domain §6.6, source 004): at least 12 characters and at least
# 3 of the 4 classes below.
MIN_LENGTH = 12
CHARACTER_CLASSES = (
    ("minuscule", re.compile(r"[a-z]")),
    ("majuscule", re.compile(r"[A-Z]")),
    ("chiffre", re.compile(r"[0-9]")),
    ("caractère spécial", re.compile(r"[^a-zA-Z0-9]")),
)


def character_class_count(password: str) -> int:
    return sum(1 for _name, pattern in CHARACTER_CLASSES if pattern.search(password))


class ChorusPasswordValidator:
    def validate(self, password, user=None):
        problems = []
        if len(password) < MIN_LENGTH:
            problems.append(
                ValidationError(
                    _("Le mot de passe doit comporter au moins %(min)d caractères."),
                    code="password_too_short",
                    params={"min": MIN_LENGTH},
                )
            )
        if character_class_count(password) < 3:
            problems.append(
                ValidationError(
                    _(
                        "Le mot de passe doit comporter au moins 3 types de caractères parmi : "
                        "minuscules, majuscules, chiffres et caractères spéciaux."
                    ),
                    code="password_too_simple",
                )
            )
        if problems:
            raise ValidationError(problems)

    def get_help_text(self):
        return _(
            "Au moins 12 caractères, dont au moins 3 types parmi : minuscules, majuscules, "
            "chiffres et caractères spéciaux."
        )
