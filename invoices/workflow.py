"""The invoice lifecycle as one table (domain §1.3–§1.5). Pure: no I/O, no ORM."""

from dataclasses import dataclass
from enum import StrEnum

from invoices.enums import InvoiceStatus as S


class Side(StrEnum):
    SUPPLIER = "FOURNISSEUR"
    RECIPIENT = "DESTINATAIRE"
    SYSTEM = "SYSTEME"


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset
    target: str
    side: Side
    needs_reason: bool = False
    needs_mandate_number: bool = False


# Recipient processing targets from MISE_A_DISPOSITION/COMPLETEE; optional steps may be skipped
# (forward jumps are allowed, domain §1.3).
_OPEN_FOR_RECIPIENT = frozenset({S.MADE_AVAILABLE, S.COMPLETED, S.TAKEN_IN_CHARGE})
_PAYMENT_CHAIN = (S.SERVICE_DONE, S.MANDATED, S.SENT_TO_ACCOUNTANT, S.ACCOUNTED, S.PAID)


def _chain_sources(target):
    """A payment-chain step can follow any open status or any earlier step of the chain."""
    earlier = _PAYMENT_CHAIN[: _PAYMENT_CHAIN.index(target)]
    return _OPEN_FOR_RECIPIENT | frozenset(earlier)


TRANSITIONS = (
    # Supplier
    Transition("submit", frozenset({S.DRAFT}), S.DEPOSITED, Side.SUPPLIER),
    Transition("delete", frozenset({S.DRAFT}), S.DELETED, Side.SUPPLIER),
    Transition("recycle", frozenset({S.TO_RECYCLE}), S.DEPOSITED, Side.SUPPLIER, needs_reason=False),
    Transition("complete", frozenset({S.SUSPENDED}), S.COMPLETED, Side.SUPPLIER),
    # System routing
    Transition("route", frozenset({S.DEPOSITED}), S.ROUTING, Side.SYSTEM),
    Transition("make_available", frozenset({S.ROUTING}), S.MADE_AVAILABLE, Side.SYSTEM),
    # Recipient (Traiter): returns need a motif; the mandate step carries its number.
    Transition("to_recycle", _OPEN_FOR_RECIPIENT, S.TO_RECYCLE, Side.RECIPIENT, needs_reason=True),
    Transition(
        "suspend", _OPEN_FOR_RECIPIENT | {S.SERVICE_DONE}, S.SUSPENDED, Side.RECIPIENT, needs_reason=True
    ),
    Transition(
        "reject", _OPEN_FOR_RECIPIENT | {S.SERVICE_DONE}, S.REJECTED, Side.RECIPIENT, needs_reason=True
    ),
    Transition("service_done", _chain_sources(S.SERVICE_DONE), S.SERVICE_DONE, Side.RECIPIENT),
    Transition("mandate", _chain_sources(S.MANDATED), S.MANDATED, Side.RECIPIENT, needs_mandate_number=True),
    Transition(
        "send_to_accountant", _chain_sources(S.SENT_TO_ACCOUNTANT), S.SENT_TO_ACCOUNTANT, Side.RECIPIENT
    ),
    Transition("account", _chain_sources(S.ACCOUNTED), S.ACCOUNTED, Side.RECIPIENT),
    Transition("pay", _chain_sources(S.PAID), S.PAID, Side.RECIPIENT),
)
BY_NAME = {t.name: t for t in TRANSITIONS}
assert len(BY_NAME) == len(TRANSITIONS)


class InvalidTransition(Exception):
    """The transition is not allowed from the invoice's current status."""


def get(name: str) -> Transition:
    try:
        return BY_NAME[name]
    except KeyError as exc:
        raise InvalidTransition(name) from exc


def allowed(status: str, side: Side) -> list[Transition]:
    return [t for t in TRANSITIONS if t.side == side and status in t.sources]


def check(name: str, status: str) -> Transition:
    transition = get(name)
    if status not in transition.sources:
        raise InvalidTransition(f"{name} from {status}")
    return transition


# Lists of domain §1.2.
SUPPLIER_TO_HANDLE = frozenset({S.DRAFT, S.DEPOSITED, S.ROUTING, S.MADE_AVAILABLE, S.TO_RECYCLE, S.SUSPENDED})
RETURNED_TO_SUPPLIER = frozenset({S.TO_RECYCLE, S.SUSPENDED, S.REJECTED})
RECIPIENT_TO_HANDLE = frozenset({S.MADE_AVAILABLE, S.COMPLETED})
# Statuses a recipient sees at all (drafts and deleted ones never reach them).
VISIBLE_TO_RECIPIENT = frozenset(set(S) - {S.DRAFT, S.DELETED, S.DEPOSITED, S.ROUTING})
TERMINAL = frozenset({S.REJECTED, S.PAID, S.DELETED})


def mermaid_diagram() -> str:
    """State diagram for the docs, generated from the table."""
    lines = ["stateDiagram-v2"]
    for t in TRANSITIONS:
        for source in sorted(t.sources):
            lines.append(f"    {source} --> {t.target}: {t.name}")
    return "\n".join(lines)
