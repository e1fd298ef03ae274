"""The cycles of a dossier de facturation as one table (domain §9.3, §9.4, §9.6): the monthly cycle,
its variants without MOE, the end-of-contract cycle and its tacit procedure, and the validation of
the sub-/co-contractors' pieces by their validator first. Pure: no I/O, no ORM."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from works.enums import DossierKind as K
from works.enums import DossierStatus as S
from works.enums import PartyRole, RefusalMotif, WorksCadre
from works.exceptions import InvalidTransition

# The system, for the deadline sweep and the steps that follow a decision by themselves.
SYSTEM = "SYSTEME"
# Roles held on one dossier rather than on the contract: the structure that must validate the
# sub-/co-contractor's piece now, and the dossier's supplier (who deposited its first piece).
VALIDATOR = "VALIDATEUR"
SUPPLIER = "FOURNISSEUR"
ROLE_LABELS = {
    **{role.value: role.label for role in PartyRole},
    VALIDATOR: _("Valideur"),
    SUPPLIER: _("Fournisseur du dossier"),
}

# Timing guards of a transition against the dossier's deadline.
BEFORE = "before"
AFTER = "after"


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset
    target: str
    # The role that takes it (SYSTEM: the portal).
    role: str
    label: str
    # The cadre of the piece the actor deposits with it (None: no piece, e.g. a decision).
    cadre: str | None = None
    needs_motif: bool = False
    # The dossier kind it belongs to (None: both).
    kind: str | None = None
    # A dépôt initial's condition on the contract: True with a MOE, False without, None either.
    with_moe: bool | None = None
    # Taken only before the dossier's deadline, or only once it has passed.
    timing: str | None = None
    # The piece is payable: it reaches the service financier in Factures reçues.
    payable: bool = False
    # The deadline running in the source status goes on in the target (one clock for two steps).
    keeps_deadline: bool = False


# A dossier with nothing yet: its first piece is the dépôt initial.
NEW = ""
VALIDATED = frozenset({S.VALIDATED_1, S.TACITLY_VALIDATED_1, S.VALIDATED_2, S.TACITLY_VALIDATED_2})
NEW_ONLY = frozenset({NEW})
TRANSITIONS = (
    # --- Dépôts initiaux --------------------------------------------------------------------
    Transition(
        "deposit_projet",
        NEW_ONLY,
        S.MADE_AVAILABLE_MOE,
        PartyRole.TITULAIRE,
        _("Déposer le projet de décompte mensuel"),
        cadre=WorksCadre.A4,
        kind=K.MONTHLY,
        with_moe=True,
    ),
    Transition(
        "deposit_etat_acompte_titulaire",
        NEW_ONLY,
        S.MADE_AVAILABLE_MOA,
        PartyRole.TITULAIRE,
        _("Déposer l'état d'acompte (marché sans MOE)"),
        cadre=WorksCadre.A5,
        kind=K.MONTHLY,
        with_moe=False,
    ),
    Transition(
        "deposit_etat_acompte_valide_titulaire",
        NEW_ONLY,
        S.MADE_AVAILABLE,
        PartyRole.TITULAIRE,
        _("Déposer l'état d'acompte validé (marché sans MOE)"),
        cadre=WorksCadre.A6,
        kind=K.MONTHLY,
        with_moe=False,
        payable=True,
    ),
    Transition(
        "deposit_projet_sous_traitant",
        NEW_ONLY,
        S.TO_VALIDATE_1,
        PartyRole.SOUS_TRAITANT,
        _("Déposer le projet de décompte mensuel (sous-traitant)"),
        cadre=WorksCadre.A10,
        kind=K.MONTHLY,
        with_moe=True,
    ),
    Transition(
        "deposit_projet_cotraitant",
        NEW_ONLY,
        S.TO_VALIDATE_1,
        PartyRole.COTRAITANT,
        _("Déposer le projet de décompte mensuel (cotraitant)"),
        cadre=WorksCadre.A13,
        kind=K.MONTHLY,
        with_moe=True,
    ),
    Transition(
        "deposit_projet_final",
        NEW_ONLY,
        S.MADE_AVAILABLE_MOE,
        PartyRole.TITULAIRE,
        _("Déposer le projet de décompte final"),
        cadre=WorksCadre.A7,
        kind=K.FINAL,
        with_moe=True,
    ),
    Transition(
        "deposit_projet_final_sans_moe",
        NEW_ONLY,
        S.MADE_AVAILABLE_MOA,
        PartyRole.TITULAIRE,
        _("Déposer le projet de décompte final (marché sans MOE)"),
        cadre=WorksCadre.A7,
        kind=K.FINAL,
        with_moe=False,
    ),
    Transition(
        "deposit_projet_final_sous_traitant",
        NEW_ONLY,
        S.TO_VALIDATE_1,
        PartyRole.SOUS_TRAITANT,
        _("Déposer le projet de décompte final (sous-traitant)"),
        cadre=WorksCadre.A11,
        kind=K.FINAL,
    ),
    Transition(
        "deposit_projet_final_cotraitant",
        NEW_ONLY,
        S.TO_VALIDATE_1,
        PartyRole.COTRAITANT,
        _("Déposer le projet de décompte final (cotraitant)"),
        cadre=WorksCadre.A14,
        kind=K.FINAL,
    ),
    # --- Validation of a sub-/co-contractor's piece (Factures à valider, 15 days) -----------
    Transition(
        "validate_1",
        frozenset({S.TO_VALIDATE_1}),
        S.VALIDATED_1,
        VALIDATOR,
        _("Valider la pièce"),
        timing=BEFORE,
    ),
    Transition(
        "refuse_1",
        frozenset({S.TO_VALIDATE_1}),
        S.REFUSED_1,
        VALIDATOR,
        _("Refuser la pièce"),
        needs_motif=True,
        timing=BEFORE,
    ),
    Transition(
        "validation_1_deadline_passed",
        frozenset({S.TO_VALIDATE_1}),
        S.TACITLY_VALIDATED_1,
        SYSTEM,
        _("Constater la validation tacite"),
    ),
    # A sous-traitant of a cotraitant: validated by that cotraitant, then by the mandataire.
    Transition(
        "to_validator_2",
        frozenset({S.VALIDATED_1, S.TACITLY_VALIDATED_1}),
        S.TO_VALIDATE_2,
        SYSTEM,
        _("Transmettre au mandataire"),
    ),
    Transition("validate_2", frozenset({S.TO_VALIDATE_2}), S.VALIDATED_2, VALIDATOR, _("Valider la pièce")),
    Transition(
        "refuse_2",
        frozenset({S.TO_VALIDATE_2}),
        S.REFUSED_2,
        VALIDATOR,
        _("Refuser la pièce"),
        needs_motif=True,
        timing=BEFORE,
    ),
    Transition(
        "validation_2_deadline_passed",
        frozenset({S.TO_VALIDATE_2}),
        S.TACITLY_VALIDATED_2,
        SYSTEM,
        _("Constater la validation tacite"),
    ),
    # Validated: the piece goes on into the works cycle, as the titulaire's would.
    Transition(
        "forward_to_moe", VALIDATED, S.MADE_AVAILABLE_MOE, SYSTEM, _("Mettre à disposition de la MOE")
    ),
    Transition(
        "forward_to_moa", VALIDATED, S.MADE_AVAILABLE_MOA, SYSTEM, _("Mettre à disposition de la MOA")
    ),
    # --- The monthly cycle (domain §9.3) ------------------------------------------------------
    Transition(
        "deposit_etat_acompte",
        frozenset({S.MADE_AVAILABLE_MOE}),
        S.MADE_AVAILABLE_MOA,
        PartyRole.MOE,
        _("Déposer l'état d'acompte"),
        cadre=WorksCadre.A15,
        kind=K.MONTHLY,
        timing=BEFORE,
    ),
    Transition(
        "deposit_etat_acompte_valide_moe",
        frozenset({S.MADE_AVAILABLE_MOE}),
        S.MADE_AVAILABLE,
        PartyRole.MOE,
        _("Déposer l'état d'acompte validé (la MOE valide aussi)"),
        cadre=WorksCadre.A16,
        kind=K.MONTHLY,
        timing=BEFORE,
        payable=True,
    ),
    Transition(
        "refuse_moe",
        frozenset({S.MADE_AVAILABLE_MOE}),
        S.REFUSED_MOE,
        PartyRole.MOE,
        _("Refuser le projet de décompte"),
        needs_motif=True,
        timing=BEFORE,
    ),
    # Seven days without the MOE: recorded by the sweep, the MOA decides on the titulaire's projet.
    Transition(
        "moe_deadline_passed",
        frozenset({S.MADE_AVAILABLE_MOE}),
        S.MOE_DEADLINE_PASSED,
        SYSTEM,
        _("Constater l'absence de la MOE"),
        kind=K.MONTHLY,
    ),
    Transition(
        "deposit_etat_acompte_valide",
        frozenset({S.MADE_AVAILABLE_MOA, S.MOE_DEADLINE_PASSED}),
        S.MADE_AVAILABLE,
        PartyRole.MOA,
        _("Valider et déposer l'état d'acompte validé"),
        cadre=WorksCadre.A19,
        kind=K.MONTHLY,
        payable=True,
    ),
    Transition(
        "refuse_moa",
        frozenset({S.MADE_AVAILABLE_MOA, S.MOE_DEADLINE_PASSED}),
        S.REFUSED_MOA,
        PartyRole.MOA,
        _("Refuser la pièce"),
        needs_motif=True,
    ),
    # --- The end-of-contract cycle (domain §9.4) ----------------------------------------------
    Transition(
        "deposit_projet_decompte_general",
        frozenset({S.MADE_AVAILABLE_MOE}),
        S.MADE_AVAILABLE_MOA,
        PartyRole.MOE,
        _("Déposer le projet de décompte général"),
        cadre=WorksCadre.A17,
        kind=K.FINAL,
        keeps_deadline=True,
    ),
    Transition(
        "deposit_decompte_general_moe",
        frozenset({S.MADE_AVAILABLE_MOE}),
        S.TO_ASSOCIATE_SUPPLIER,
        PartyRole.MOE,
        _("Établir et notifier le décompte général"),
        cadre=WorksCadre.A18,
        kind=K.FINAL,
    ),
    Transition(
        "deposit_decompte_general",
        frozenset({S.MADE_AVAILABLE_MOA}),
        S.TO_ASSOCIATE_SUPPLIER,
        PartyRole.MOA,
        _("Établir et notifier le décompte général"),
        cadre=WorksCadre.A20,
        kind=K.FINAL,
    ),
    Transition(
        "deposit_dgd",
        frozenset({S.TO_ASSOCIATE_SUPPLIER}),
        S.MADE_AVAILABLE,
        SUPPLIER,
        _("Déposer le décompte général et définitif signé"),
        cadre=WorksCadre.A8,
        kind=K.FINAL,
        payable=True,
    ),
    # The tacit procedure: the décompte général not notified in time, the titulaire deposits
    # his projet de décompte général; the MOA answers within ten days with its DGD, or the
    # DGD becomes tacit.
    Transition(
        "deposit_projet_decompte_general_tacite",
        frozenset({S.MADE_AVAILABLE_MOE, S.MADE_AVAILABLE_MOA}),
        S.REPLACED_BY_A22,
        SUPPLIER,
        _("Déposer le projet de décompte général (procédure tacite)"),
        cadre=WorksCadre.A22,
        kind=K.FINAL,
        timing=AFTER,
    ),
    Transition(
        "deposit_dgd_procedure_tacite",
        frozenset({S.REPLACED_BY_A22}),
        S.MADE_AVAILABLE,
        PartyRole.MOA,
        _("Déposer le décompte général et définitif"),
        cadre=WorksCadre.A25,
        kind=K.FINAL,
        timing=BEFORE,
        payable=True,
    ),
    Transition(
        "deposit_dgd_tacite",
        frozenset({S.REPLACED_BY_A22}),
        S.MADE_AVAILABLE,
        SUPPLIER,
        _("Déposer le décompte général et définitif tacite"),
        cadre=WorksCadre.A23,
        kind=K.FINAL,
        timing=AFTER,
        payable=True,
    ),
    Transition(
        "deposit_dgd_tacite_moe",
        frozenset({S.REPLACED_BY_A22}),
        S.MADE_AVAILABLE,
        PartyRole.MOE,
        _("Déposer le décompte général et définitif tacite"),
        cadre=WorksCadre.A24,
        kind=K.FINAL,
        timing=AFTER,
        payable=True,
    ),
)
BY_NAME = {t.name: t for t in TRANSITIONS}
assert len(BY_NAME) == len(TRANSITIONS)
INITIAL = tuple(t for t in TRANSITIONS if t.sources == NEW_ONLY)

TERMINAL = frozenset({S.REFUSED_1, S.REFUSED_2, S.REFUSED_MOE, S.REFUSED_MOA, S.MADE_AVAILABLE})
# The deadlines counted by the portal: (kind or None for both, status) → delay and who must act.
# MOE 7 days (domain §9.3); validator 15 days (§9.6); CCAG Travaux 2021 for the end of the
# contract: the décompte général within 30 days of the projet de décompte final, the titulaire's
# 30 days to return it signed, 10 days for the MOA after the tacit projet (§9.4).
DEADLINES = {
    (None, S.TO_VALIDATE_1): (datetime.timedelta(days=15), VALIDATOR),
    (None, S.TO_VALIDATE_2): (datetime.timedelta(days=15), VALIDATOR),
    (K.MONTHLY, S.MADE_AVAILABLE_MOE): (datetime.timedelta(days=7), PartyRole.MOE),
    (K.FINAL, S.MADE_AVAILABLE_MOE): (datetime.timedelta(days=30), PartyRole.MOE),
    (K.FINAL, S.MADE_AVAILABLE_MOA): (datetime.timedelta(days=30), PartyRole.MOA),
    (K.FINAL, S.TO_ASSOCIATE_SUPPLIER): (datetime.timedelta(days=30), SUPPLIER),
    (K.FINAL, S.REPLACED_BY_A22): (datetime.timedelta(days=10), PartyRole.MOA),
}
# A notice goes to whoever must act this long before the deadline.
REMINDER_BEFORE = datetime.timedelta(days=2)
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


def applies(transition, kind: str) -> bool:
    return transition.kind in (None, kind)


def check(name: str, status: str, roles, kind: str = K.MONTHLY) -> Transition:
    """The transition, if one of `roles` may take it from `status` in a dossier of that kind; else
    InvalidTransition with the reason."""
    transition = get(name)
    if transition.role not in roles:
        raise InvalidTransition(
            str(
                _("Cette action revient au rôle « %(role)s » du marché.")
                % {"role": ROLE_LABELS[transition.role]}
            )
            if transition.role != SYSTEM
            else refusal()
        )
    if status not in transition.sources or not applies(transition, kind):
        raise InvalidTransition(refusal())
    return transition


def allowed(status: str, roles, kind: str) -> list[Transition]:
    return [
        t
        for t in TRANSITIONS
        if status in t.sources and applies(t, kind) and t.role in roles and t.role != SYSTEM
    ]


def initial(roles, *, has_moe: bool) -> list[Transition]:
    """The dépôts initiaux the roles may make on a contract with or without MOE."""
    return [t for t in INITIAL if t.role in roles and t.with_moe in (None, has_moe)]


def deadline_rule(kind: str, status: str):
    """(delay, role who must act) for a status, or None when no deadline runs."""
    return DEADLINES.get((kind, status)) or DEADLINES.get((None, status))


def deadline_after(kind: str, status: str, since: datetime.datetime) -> datetime.datetime | None:
    rule = deadline_rule(kind, status)
    return since + rule[0] if rule else None


def system_transition(kind: str, status: str, names) -> Transition | None:
    """The portal's own step among `names` from that status, if one applies."""
    return next(
        (BY_NAME[n] for n in names if status in BY_NAME[n].sources and applies(BY_NAME[n], kind)), None
    )


def forward(has_moe: bool, needs_second_validator: bool) -> str:
    """After a validator's decision: the mandataire next, or on into the works cycle."""
    if needs_second_validator:
        return "to_validator_2"
    return "forward_to_moe" if has_moe else "forward_to_moa"


# History rows without a status change, written by the sweep.
REMINDER = "deadline_reminder"
DEADLINE_RECORDED = "deadline_passed"
NOTICE_LABELS = {REMINDER: _("Relance avant la date limite"), DEADLINE_RECORDED: _("Délai dépassé")}
DEADLINE_PASSED = ("moe_deadline_passed", "validation_1_deadline_passed", "validation_2_deadline_passed")
# Roles whose list « À traiter » the home page shows.
HANDLING_ROLES = (VALIDATOR, SUPPLIER, PartyRole.MOE, PartyRole.MOA)
# The supplier also follows what was refused, to deposit anew.
REFUSED = frozenset({S.REFUSED_1, S.REFUSED_2, S.REFUSED_MOE, S.REFUSED_MOA})


def to_handle(role) -> list[Transition]:
    """The transitions a role is expected to take (« À traiter »)."""
    return [t for t in TRANSITIONS if t.role == role and t.sources != NEW_ONLY]
