"""Loads (or updates) the reference list of catégories and sous-catégories; idempotent. Entries
that left the list are deactivated, never deleted: past sollicitations keep them."""

from django.core.management.base import BaseCommand
from django.db import transaction

from solicitations.models import SolicitationCategory, SolicitationSubcategory
from solicitations.reference import CATEGORIES


def load_categories() -> int:
    """Returns the number of active sous-catégories."""
    with transaction.atomic():
        sub_codes = []
        for code, (label, subcategories) in CATEGORIES.items():
            category, _ = SolicitationCategory.objects.update_or_create(
                code=code, defaults={"label": str(label), "is_active": True}
            )
            for sub_code, sub_label in subcategories:
                SolicitationSubcategory.objects.update_or_create(
                    code=sub_code, defaults={"category": category, "label": str(sub_label), "is_active": True}
                )
                sub_codes.append(sub_code)
        SolicitationCategory.objects.exclude(code__in=CATEGORIES).update(is_active=False)
        SolicitationSubcategory.objects.exclude(code__in=sub_codes).update(is_active=False)
    return len(sub_codes)


class Command(BaseCommand):
    help = "Charge la liste des catégories et sous-catégories de sollicitation (idempotent)."

    def handle(self, *args, **options):
        count = load_categories()
        self.stdout.write(self.style.SUCCESS(f"{count} sous-catégories de sollicitation actives."))
