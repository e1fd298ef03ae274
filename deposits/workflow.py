"""A deposit's states as one table (domain §4.2, W34). Pure: no I/O, no ORM."""

from dataclasses import dataclass

from deposits.enums import FINISHED, Reading
from deposits.enums import FluxStatus as S
from deposits.exceptions import InvalidTransition


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset
    target: str


# Not finished yet: a worker may still read it, or it waits for one.
OPEN = frozenset(set(S) - FINISHED)
# The state a new deposit starts in.
INITIAL = S.RECEIVED
# Rejected deposits do not count when a file is deposited again (duplicate warning).
IGNORED_AS_DUPLICATE = frozenset({S.REJECTED, S.TECHNICAL_ERROR})
# Processings started (worker lost or unforeseen error) before a deposit is given up.
MAX_ATTEMPTS = 3

TRANSITIONS = (
    # A worker takes the deposit (first time, or again after its worker was lost).
    Transition("start", OPEN - {S.PROCESSING}, S.PROCESSING),
    Transition("integrate", OPEN, S.INTEGRATED),
    Transition("integrate_partially", OPEN, S.PARTIALLY_INTEGRATED),
    Transition("reject", OPEN, S.REJECTED),
    # Relancer: a deposit whose worker was lost waits to be processed again.
    Transition("retry", OPEN, S.WAITING_RETRY),
    # Failed `MAX_ATTEMPTS` times on an unforeseen error: given up, the operators are alerted.
    Transition("fail", OPEN, S.TECHNICAL_ERROR),
)
BY_NAME = {t.name: t for t in TRANSITIONS}
assert len(BY_NAME) == len(TRANSITIONS)


def can(name: str, status: str) -> bool:
    return status in BY_NAME[name].sources


def check(name: str, status: str) -> Transition:
    transition = BY_NAME[name]
    if status not in transition.sources:
        raise InvalidTransition(f"{name} from {status}")
    return transition


def is_finished(status: str) -> bool:
    return status in FINISHED


def is_processing(status: str) -> bool:
    """Read by a worker right now: its start date, not its state's, tells whether it is stuck."""
    return status == S.PROCESSING


_BADGES = {
    S.INTEGRATED: "success",
    S.REJECTED: "error",
    S.TECHNICAL_ERROR: "error",
    S.PARTIALLY_INTEGRATED: "warning",
}


def badge(status: str) -> str:
    """The DSFR badge type of a state."""
    return _BADGES.get(status, "info")


def reading(status: str, *, flagged_items: int) -> str | None:
    """What the list's badge tells of a deposit once finished (None before): « Intégré » alone
    would be green for a file read into a draft full of validation findings."""
    if status in (S.REJECTED, S.TECHNICAL_ERROR):
        return Reading.NOT_READ
    if status == S.PARTIALLY_INTEGRATED or (status == S.INTEGRATED and flagged_items):
        return Reading.READ_WITH_WARNINGS
    if status == S.INTEGRATED:
        return Reading.READ
    return None


_READING_BADGES = {
    Reading.READ: "success",
    Reading.READ_WITH_WARNINGS: "warning",
    Reading.NOT_READ: "error",
}


def reading_badge(reading_value: str) -> str:
    return _READING_BADGES[reading_value]
