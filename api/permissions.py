"""Who may do what in Raccordement EDI et API: the structure's managers, once the space is opened
on the structure (it comes with the role, like Activités du gestionnaire), on an active structure."""

from structures import permissions as structure_permissions
from structures.enums import Space, SubscriptionMode


def can_manage(user, structure, membership=None) -> bool:
    if membership is not None and (membership.user_id, membership.structure_id) == (user.pk, structure.pk):
        mode = structure_permissions.member_space_mode(membership, Space.RACCORDEMENT)
    else:
        mode = structure_permissions.space_mode(user, structure, Space.RACCORDEMENT)
    return structure.is_active and mode == SubscriptionMode.MODIFICATION


def raccordement_abilities(user, structure, membership=None) -> dict[str, bool]:
    manage = can_manage(user, structure, membership)
    return {"view": manage, "manage": manage}
