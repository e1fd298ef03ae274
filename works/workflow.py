"""The monthly cycle of a dossier de facturation as one table (domain §9.3). Pure: no I/O, no ORM."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from works.enums import DossierStatus as S
from works.enums import PartyRole, RefusalMotif, WorksCadre
from works.exceptions import InvalidTransition

# The MOE's delay to deposit the état d'acompte after the projet is made available (domain §9.3).
MOE_DELAY = datetime.timedelta(days=7)
# The system, for the deadline sweep.
SYSTEM = "SYSTEME"


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset
    target: str
    # The role that takes it (SYSTEM for the sweep).
    role: str
    label: str
    # The cadre of the piece the actor deposits with it (None: no piece, e.g. a refusal).
    cadre: str | None = None
    needs_motif: bool = False


# A dossier with nothing yet: the projet de décompte mensuel is its dépôt initial.
NEW = ""
TRANSITIONS = (
    Transition(
        "deposit_projet",
        frozenset({NEW}),
        S.MADE_AVAILABLE_MOE,
        PartyRole.TITULAIRE,
        _("Déposer le projet de décompte mensuel"),
        cadre=WorksCadre.A4,
    ),
    Transition(
        "deposit_etat_acompte",
        frozenset({S.MADE_AVAILABLE_MOE}),
        S.MADE_AVAILABLE_MOA,
        PartyRole.MOE,
        _("Déposer l'état d'acompte"),
        cadre=WorksCadre.A15,
    ),
    Transition(
        "refuse_moe",
        frozenset({S.MADE_AVAILABLE_MOE}),
        S.REFUSED_MOE,
        PartyRole.MOE,
        _("Refuser le projet de décompte"),
        needs_motif=True,
    ),
    # Seven days without the MOE: recorded by the sweep, the MOA decides on the titulaire's projet.
    Transition(
        "moe_deadline_passed",
        frozenset({S.MADE_AVAILABLE_MOE}),
        S.MOE_DEADLINE_PASSED,
        SYSTEM,
        _("Constater l'absence de la MOE"),
    ),
    Transition(
        "deposit_etat_acompte_valide",
        frozenset({S.MADE_AVAILABLE_MOA, S.MOE_DEADLINE_PASSED}),
        S.MADE_AVAILABLE,
        PartyRole.MOA,
        _("Valider et déposer l'état d'acompte validé"),
        cadre=WorksCadre.A19,
    ),
    Transition(
        "refuse_moa",
        frozenset({S.MADE_AVAILABLE_MOA, S.MOE_DEADLINE_PASSED}),
        S.REFUSED_MOA,
        PartyRole.MOA,
        _("Refuser l'état d'acompte"),
        needs_motif=True,
    ),
)
BY_NAME = {t.name: t for t in TRANSITIONS}
assert len(BY_NAME) == len(TRANSITIONS)

TERMINAL = frozenset({S.REFUSED_MOE, S.REFUSED_MOA, S.MADE_AVAILABLE})
# « À traiter » per role: the statuses in which that role is expected to act.
TO_HANDLE = {
    role: frozenset().union(*(t.sources for t in TRANSITIONS if t.role == role)) - {NEW}
    for role in (PartyRole.MOE, PartyRole.MOA)
}
# The titulaire follows what is refused (to deposit anew) and what is in progress.
TO_HANDLE[PartyRole.TITULAIRE] = frozenset({S.REFUSED_MOE, S.REFUSED_MOA})
# Statuses under the MOE's seven days.
MOE_DEADLINE_STATUSES = frozenset({S.MADE_AVAILABLE_MOE})
# An amount difference is no refusal motive: the MOE states the right amount in its état
# d'acompte (domain §9.3, W14–W16).
FORBIDDEN_MOE_MOTIFS = frozenset({RefusalMotif.WRONG_AMOUNT})
AMOUNT_IS_NO_MOTIF = _(
    "Une différence de montant n'est pas un motif de refus : déposez l'état d'acompte avec le "
    "montant que vous retenez."
)


def refusal() -> str:
    return str(_("Le statut actuel du dossier ne permet pas cette action."))


def get(name: str) -> Transition:
    try:
        return BY_NAME[name]
    except KeyError as exc:
        raise InvalidTransition(refusal()) from exc


def check(name: str, status: str, roles) -> Transition:
    """The transition, if one of `roles` may take it from `status`; else InvalidTransition."""
    transition = get(name)
    if transition.role not in roles:
        raise InvalidTransition(
            str(
                _("Cette action revient au rôle « %(role)s » du marché.")
                % {"role": PartyRole(transition.role).label}
            )
            if transition.role != SYSTEM
            else refusal()
        )
    if status not in transition.sources:
        raise InvalidTransition(refusal())
    return transition


def allowed(status: str, roles) -> list[Transition]:
    return [t for t in TRANSITIONS if status in t.sources and t.role in roles and t.role != SYSTEM]


def moe_deadline(made_available_at: datetime.datetime) -> datetime.datetime:
    return made_available_at + MOE_DELAY
