"""The sollicitation lifecycle as one table (domain §10). Pure: no I/O, no ORM."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from solicitations.enums import Side
from solicitations.enums import SolicitationStatus as S
from solicitations.exceptions import InvalidTransition


@dataclass(frozen=True)
class Transition:
    name: str
    # side → the statuses from which that side may take it.
    sources: dict
    target: str
    label: str
    # The exchange carries a message the other side reads (an answer, a reason…).
    needs_message: bool = False

    @property
    def sides(self) -> frozenset:
        return frozenset(self.sources)


# Statuses in which the addressee has the sollicitation in hand; a transferred one is the
# support's only.
WITH_ADDRESSEE = frozenset({S.SENT, S.IN_PROGRESS, S.COMPLETED, S.SENT_BACK, S.TRANSFERRED_TO_SUPPORT})
WITH_SERVICE = WITH_ADDRESSEE - {S.TRANSFERRED_TO_SUPPORT}


def _handlers(sources):
    return {Side.SERVICE: sources - {S.TRANSFERRED_TO_SUPPORT}, Side.SUPPORT: sources}


TRANSITIONS = (
    Transition("submit", {Side.REQUESTER: frozenset({S.DRAFT})}, S.SENT, _("Envoyer")),
    Transition(
        "complete",
        {Side.REQUESTER: frozenset({S.COMPLEMENT_REQUESTED})},
        S.COMPLETED,
        _("Apporter un complément"),
        needs_message=True,
    ),
    Transition(
        "send_back", {Side.REQUESTER: frozenset({S.ANSWERED})}, S.SENT_BACK, _("Renvoyer"), needs_message=True
    ),
    Transition(
        "close",
        {Side.REQUESTER: WITH_ADDRESSEE | {S.COMPLEMENT_REQUESTED, S.ANSWERED}},
        S.CLOSED,
        _("Clôturer"),
    ),
    Transition(
        "take_in_charge", _handlers(WITH_ADDRESSEE - {S.IN_PROGRESS}), S.IN_PROGRESS, _("Prendre en charge")
    ),
    Transition("answer", _handlers(WITH_ADDRESSEE), S.ANSWERED, _("Répondre"), needs_message=True),
    Transition(
        "ask_complement",
        _handlers(WITH_ADDRESSEE),
        S.COMPLEMENT_REQUESTED,
        _("Demander des informations complémentaires"),
        needs_message=True,
    ),
    Transition(
        "transfer_to_support",
        {Side.SERVICE: WITH_SERVICE},
        S.TRANSFERRED_TO_SUPPORT,
        _("Transférer au support"),
        needs_message=True,
    ),
    # The support hands it to the structure's service that should answer: new for that service.
    Transition("reassign", {Side.SUPPORT: WITH_ADDRESSEE}, S.SENT, _("Réaffecter à un service")),
)
BY_NAME = {t.name: t for t in TRANSITIONS}
assert len(BY_NAME) == len(TRANSITIONS)

# The status a new sollicitation starts in (saved as a draft, or sent at once).
INITIAL = S.DRAFT
TERMINAL = frozenset({S.CLOSED})
# Synthèse of the requester: what waits for them (a complement asked, an answer to read).
REQUESTER_ACTIONS = frozenset({S.COMPLEMENT_REQUESTED, S.ANSWERED})
# « Mes sollicitations à traiter »: new ones, completed ones, sent back ones (domain §10).
ADDRESSEE_TO_HANDLE = frozenset({S.SENT, S.COMPLETED, S.SENT_BACK, S.TRANSFERRED_TO_SUPPORT})
# Waiting for the addressee: counted for the five working days' flag.
AWAITING_ANSWER = WITH_ADDRESSEE
# Statuses the addressee sees at all (a draft is the requester's own).
VISIBLE_TO_ADDRESSEE = frozenset(set(S) - {S.DRAFT})
# Rules that are not transitions: which statuses allow them.
RULES = {"edit": frozenset({S.DRAFT})}


def get(name: str) -> Transition:
    try:
        return BY_NAME[name]
    except KeyError as exc:
        raise InvalidTransition(refusal()) from exc


def allowed(status: str, side: str) -> list[Transition]:
    return [t for t in TRANSITIONS if status in t.sources.get(side, ())]


def check(name: str, status: str, side: str) -> Transition:
    """The transition, if `side` may take it from `status`; else InvalidTransition."""
    transition = get(name)
    if status not in transition.sources.get(side, ()):
        raise InvalidTransition(refusal())
    return transition


def can(name: str, status: str) -> bool:
    return status in RULES[name]


def refusal() -> str:
    return str(_("Le statut actuel de la sollicitation ne permet pas cette action."))


MISSING_MESSAGE = _("Le message est obligatoire pour cette action.")


def mermaid_diagram() -> str:
    """State diagram for the docs, generated from the table."""
    lines = ["stateDiagram-v2"]
    for t in TRANSITIONS:
        for source in sorted(set().union(*t.sources.values())):
            lines.append(f"    {source} --> {t.target}: {t.name}")
    return "\n".join(lines)
