"""Who may do what in Raccordement EDI et API: the structure's managers, on an active structure."""

from structures import permissions as structure_permissions


def raccordement_abilities(user, structure) -> dict[str, bool]:
    manage = structure_permissions.is_manager(user, structure) and structure.is_active
    return {"view": manage, "manage": manage}
