from structures.enums import MANAGER_ROLES, MembershipStatus, Role
from structures.models import Membership


def role_in(user, structure) -> str | None:
    membership = (
        Membership.objects.filter(user=user, structure=structure, status=MembershipStatus.ACTIVE)
        .only("role")
        .first()
    )
    return membership.role if membership else None


def is_manager(user, structure) -> bool:
    return role_in(user, structure) in MANAGER_ROLES


def is_principal_manager(user, structure) -> bool:
    return role_in(user, structure) == Role.PRINCIPAL_MANAGER


def structure_abilities(user, structure) -> dict[str, bool]:
    """What the user may do on the structure; templates read it, services check it again."""
    role = role_in(user, structure)
    manager = role in MANAGER_ROLES
    active = structure.is_active
    return {
        "view": role is not None,
        "manage": manager and active,
        "transfer_principal": role == Role.PRINCIPAL_MANAGER and active,
        "inactivate": role == Role.PRINCIPAL_MANAGER and active,
        "sign_mandate": manager and active,
    }
