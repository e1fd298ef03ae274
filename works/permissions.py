"""Who may do what in Factures de travaux; templates read the abilities, services check again."""

from structures.enums import Space, SubscriptionMode
from structures.permissions import member_space_mode, space_mode
from works import workflow
from works.enums import PartyRole

# Who may declare a marché (issue 15 §2): the titulaire or the MOA.
DECLARING_ROLES = (PartyRole.TITULAIRE, PartyRole.MOA)


def can_write(user, structure, membership=None) -> bool:
    if structure is None or not structure.is_active:
        return False
    if membership is not None and (membership.user_id, membership.structure_id) == (user.pk, structure.pk):
        mode = member_space_mode(membership, Space.FACTURES_TRAVAUX)
    else:
        mode = space_mode(user, structure, Space.FACTURES_TRAVAUX)
    return mode == SubscriptionMode.MODIFICATION


def _timely(dossier, transition) -> bool:
    if transition.timing == workflow.BEFORE:
        return not dossier.is_overdue
    if transition.timing == workflow.AFTER:
        return dossier.is_overdue
    return True


def dossier_abilities(dossier, roles, *, write: bool) -> dict:
    """The actions the dossier page offers to the acting structure now; the page names no status."""
    transitions = (
        [t for t in workflow.allowed(dossier.status, roles, dossier.kind) if _timely(dossier, t)]
        if write
        else []
    )
    return {
        "deposits": [t for t in transitions if t.cadre],
        "refusals": [t for t in transitions if t.needs_motif],
        "decisions": [t for t in transitions if not t.cadre and not t.needs_motif],
        "any": bool(transitions),
    }


def contract_abilities(contract, roles, *, write: bool) -> dict:
    """The dépôts initiaux the contract page offers, and how it shows the parties."""
    has_moe = any(p.role == PartyRole.MOE for p in contract.parties.all())
    return {"initial_deposits": workflow.initial(roles, has_moe=has_moe) if write else []}
