"""Reads the account screens need (sign-up lookups and Mon compte), scoped to the acting user."""

from structures.enums import MembershipStatus, StructureStatus
from structures.models import OpenedSpace, Structure, StructureService


def structure_for_identifier(*, identifier_type: str, identifier: str) -> Structure | None:
    """The active structure a new user would attach to instead of creating it (sign-up step 3)."""
    return Structure.objects.filter(
        identifier_type=identifier_type, identifier=identifier, status=StructureStatus.ACTIVE
    ).first()


def active_services(structure):
    return StructureService.objects.filter(structure=structure, is_active=True).order_by("code")


def opened_structure_spaces(structure) -> list[str]:
    return sorted(
        set(OpenedSpace.objects.filter(structure=structure, service=None).values_list("space", flat=True))
    )


def active_structures_of(user):
    """Structures the user may request space subscriptions for: their active memberships."""
    return Structure.objects.filter(
        memberships__user=user, memberships__status=MembershipStatus.ACTIVE
    ).order_by("raison_sociale")
