"""The invoice lifecycle as one table (domain §1.3–§1.5). Pure: no I/O, no ORM."""

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from invoices.enums import InvoiceStatus as S
from invoices.exceptions import InvalidTransition


class Side(StrEnum):
    SUPPLIER = "FOURNISSEUR"
    RECIPIENT = "DESTINATAIRE"
    SYSTEM = "SYSTEME"
    VALIDATOR = "VALIDEUR"


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
    # Recipient (Traiter): returns need a motif; the mandate step carries its number. Taking the
    # invoice in charge is optional (status 204 of the reform): it tells the supplier it is read.
    Transition(
        "take_in_charge", frozenset({S.MADE_AVAILABLE, S.COMPLETED}), S.TAKEN_IN_CHARGE, Side.RECIPIENT
    ),
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
    # Validation circuit of A9/A12 (domain §1.1 B, §9.6): routing sends the invoice to its
    # validator first; each validator validates, refuses (with a motif) or lets 15 days pass.
    Transition("to_validation", frozenset({S.DEPOSITED}), S.TO_VALIDATE_1, Side.SYSTEM),
    Transition("validate_1", frozenset({S.TO_VALIDATE_1}), S.VALIDATED_1, Side.VALIDATOR),
    Transition("refuse_1", frozenset({S.TO_VALIDATE_1}), S.REFUSED_1, Side.VALIDATOR, needs_reason=True),
    Transition("wrong_validator", frozenset({S.TO_VALIDATE_1}), S.WRONG_VALIDATOR, Side.VALIDATOR),
    Transition("tacit_validation_1", frozenset({S.TO_VALIDATE_1}), S.TACITLY_VALIDATED_1, Side.SYSTEM),
    Transition("correct_validator", frozenset({S.WRONG_VALIDATOR}), S.TO_VALIDATE_1, Side.SUPPLIER),
    Transition(
        "to_validation_2", frozenset({S.VALIDATED_1, S.TACITLY_VALIDATED_1}), S.TO_VALIDATE_2, Side.SYSTEM
    ),
    Transition("validate_2", frozenset({S.TO_VALIDATE_2}), S.VALIDATED_2, Side.VALIDATOR),
    Transition("refuse_2", frozenset({S.TO_VALIDATE_2}), S.REFUSED_2, Side.VALIDATOR, needs_reason=True),
    Transition("tacit_validation_2", frozenset({S.TO_VALIDATE_2}), S.TACITLY_VALIDATED_2, Side.SYSTEM),
    Transition(
        "route_validated",
        frozenset({S.VALIDATED_1, S.TACITLY_VALIDATED_1, S.VALIDATED_2, S.TACITLY_VALIDATED_2}),
        S.ROUTING,
        Side.SYSTEM,
    ),
)
BY_NAME = {t.name: t for t in TRANSITIONS}
assert len(BY_NAME) == len(TRANSITIONS)


def get(name: str) -> Transition:
    try:
        return BY_NAME[name]
    except KeyError as exc:
        raise InvalidTransition(refusal(name)) from exc


def allowed(status: str, side: Side) -> list[Transition]:
    return [t for t in TRANSITIONS if t.side == side and status in t.sources]


def check(name: str, status: str) -> Transition:
    transition = get(name)
    if status not in transition.sources:
        raise InvalidTransition(refusal(name))
    return transition


def can(name: str, status: str) -> bool:
    """Whether `name` (a transition or a named rule of RULES) is allowed from `status`."""
    if name in RULES:
        return status in RULES[name]
    return status in get(name).sources


def require(name: str, status: str) -> None:
    """`can`, raising InvalidTransition: what services call before acting."""
    if not can(name, status):
        raise InvalidTransition(refusal(name))


def refusal(name: str) -> str:
    """The French message telling why `name` is refused from the current status."""
    return str(REFUSALS.get(name, _("Le statut actuel de la facture ne permet pas cette action.")))


# The validation circuit (domain §1.1 B): the invoice is with its validators, not its recipient.
TO_VALIDATE = frozenset({S.TO_VALIDATE_1, S.TO_VALIDATE_2})
VALIDATION = frozenset(
    {
        *TO_VALIDATE,
        S.VALIDATED_1,
        S.REFUSED_1,
        S.TACITLY_VALIDATED_1,
        S.VALIDATED_2,
        S.REFUSED_2,
        S.TACITLY_VALIDATED_2,
        S.WRONG_VALIDATOR,
    }
)
# Days a validator has to decide before the invoice is validated tacitly (domain §9.6).
VALIDATION_DAYS = 15
# Which validator decides at each step, and the transitions it and the clock may make there.
VALIDATION_STEPS = {
    S.TO_VALIDATE_1: {
        "validator": "validator",
        "validate": "validate_1",
        "refuse": "refuse_1",
        "wrong_validator": "wrong_validator",
        "tacit": "tacit_validation_1",
    },
    S.TO_VALIDATE_2: {
        "validator": "second_validator",
        "validate": "validate_2",
        "refuse": "refuse_2",
        "wrong_validator": None,
        "tacit": "tacit_validation_2",
    },
}
# Not yet with a validator: a validator's lists never show these.
NOT_SENT_TO_VALIDATOR = frozenset({S.DRAFT, S.DELETED, S.DEPOSITED})


def validation_deadline(status_changed_at):
    """When an invoice awaiting validation since then is validated tacitly."""
    return status_changed_at + timedelta(days=VALIDATION_DAYS)


def validation_days_left(status_changed_at, now) -> int:
    """Whole days left before the tacit validation (0: the last day)."""
    return (validation_deadline(status_changed_at) - now).days


def deciding_validator_id(invoice) -> int | None:
    """The structure whose decision the invoice awaits, if it awaits one."""
    step = VALIDATION_STEPS.get(invoice.status)
    return getattr(invoice, f"{step['validator']}_id") if step else None


# Which validator hears of a change: the one who must now decide, or whose delay ran out.
NOTIFIED_TO_VALIDATOR = {
    S.TO_VALIDATE_1: "validator",
    S.TACITLY_VALIDATED_1: "validator",
    S.TO_VALIDATE_2: "second_validator",
    S.TACITLY_VALIDATED_2: "second_validator",
}


# Lists of domain §1.2.
SUPPLIER_TO_HANDLE = frozenset(
    {S.DRAFT, S.DEPOSITED, S.ROUTING, S.MADE_AVAILABLE, S.TO_RECYCLE, S.SUSPENDED, *VALIDATION}
)
RETURNED_TO_SUPPLIER = frozenset(
    {S.TO_RECYCLE, S.SUSPENDED, S.REJECTED, S.REFUSED_1, S.REFUSED_2, S.WRONG_VALIDATOR}
)
RECIPIENT_TO_HANDLE = frozenset({S.MADE_AVAILABLE, S.COMPLETED})
# Statuses a recipient sees at all (drafts, deleted ones and those still with a validator never
# reach them).
VISIBLE_TO_RECIPIENT = frozenset(set(S) - {S.DRAFT, S.DELETED, S.DEPOSITED, S.ROUTING} - VALIDATION)
TERMINAL = frozenset({S.REJECTED, S.PAID, S.DELETED, S.REFUSED_1, S.REFUSED_2})
# The status a new invoice starts in (entered or pre-filled from a deposited file).
INITIAL = S.DRAFT
# Deleted drafts: out of every list and search.
DISCARDED = frozenset({S.DELETED})
# Not sent yet: no deposit date, no legal original, left out of the dashboard.
UNSENT = frozenset({S.DRAFT, S.DELETED})
# A number may be used again once its invoice is deleted or rejected (domain §3.1).
NUMBER_RELEASED = frozenset({S.DELETED, S.REJECTED})
# What a recipient structure hears about: an invoice arriving, or coming back completed.
NOTIFIED_TO_RECIPIENT = frozenset({S.MADE_AVAILABLE, S.COMPLETED})

# Rules that are not transitions, by name: which statuses allow them.
RULES = {
    # Modify a draft's header, lines and attachments.
    "edit": frozenset({S.DRAFT}),
    # Prendre connaissance of a return.
    "acknowledge": RETURNED_TO_SUPPLIER,
    # The legal original exists (or is being generated) once the invoice is sent.
    "original": frozenset(set(S) - UNSENT),
}

# Why a rule or transition is refused, when more can be said than the generic message.
REFUSALS = {
    "edit": _("Seul un brouillon peut être modifié."),
    "delete": _("Seul un brouillon peut être supprimé."),
    "submit": _("Cette facture a déjà été envoyée."),
    "recycle": _("Cette facture n'est plus à recycler."),
    "complete": _("Cette facture n'est plus suspendue."),
    "correct_validator": _("Le valideur de cette facture ne peut plus être corrigé."),
    "acknowledge": _("Cette facture n'a pas été renvoyée."),
    "original": _("Un brouillon n'a pas encore d'original."),
}

# What a transition's requirements say when they are missing (the form and the service alike).
MISSING_REASON = _("Le motif est obligatoire pour cette action.")
MISSING_MANDATE_NUMBER = _("Le numéro de mandat est obligatoire pour mandater.")

# What a return asks of the supplier, shown on the invoice page.
RETURN_KINDS = {
    S.REJECTED: "rejected",
    S.SUSPENDED: "suspended",
    S.TO_RECYCLE: "to_recycle",
    S.REFUSED_1: "refused_by_validator",
    S.REFUSED_2: "refused_by_validator",
    S.WRONG_VALIDATOR: "wrong_validator",
}

# Dates stamped when an invoice reaches a status.
STAMPED_AT = {S.DEPOSITED: "deposited_at", S.MADE_AVAILABLE: "made_available_at"}
# Reaching these statuses asks the supplier to take note again (a new return, or sent again).
RESETS_ACKNOWLEDGEMENT = RETURNED_TO_SUPPLIER | {S.DEPOSITED}


def notifies(transition: Transition) -> bool:
    """The supplier knows what they did themselves: others' changes are notified (domain §1.2), and
    so is a validator when an invoice awaits its decision."""
    return (
        transition.side in (Side.RECIPIENT, Side.VALIDATOR)
        or transition.target == S.MADE_AVAILABLE
        or transition.target in VALIDATION
    )


def mermaid_diagram() -> str:
    """State diagram for the docs, generated from the table."""
    lines = ["stateDiagram-v2"]
    for t in TRANSITIONS:
        for source in sorted(t.sources):
            lines.append(f"    {source} --> {t.target}: {t.name}")
    return "\n".join(lines)
