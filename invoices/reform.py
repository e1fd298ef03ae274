"""The portal's statuses and motifs in the vocabulary of the French e-invoicing reform: the
lifecycle status codes 200–213 (domain §12.2) and the reason codes of the CDAR messages
(BR-FR-CDV-CL-09 of `france-rfe/CDAR/`). The one table saying which Chorus status is which
reform status. Pure: no I/O, no ORM.

Chorus Pro's *Rejetée* (the recipient's decision) is the reform's *Refusée* (210): the reform's
*Rejetée* (213) is a platform's check, which a sent invoice has already passed. *À recycler*
(wrong routing data, the supplier corrects and sends again) is stated as *En litige* (207), the
reform status whose reasons are the routing errors. The payment chain's internal steps
(mandatée, mise à disposition du comptable, comptabilisée) have no reform status.

The two other mandatory statuses are not Chorus statuses. *Encaissée* (212) is the seller's word
that it received the payment: the portal states it when the supplier deposits an invoice under a
cadre « déjà payée » (A2), the payment being made before the invoice, so that its deposit carries
both 200 and 212. *Rejetée* (213) is the platform's refusal of a deposited file at its functional
checks (the EN 16931 rules): stated for the deposited file, which never became an invoice
(deposits.cdar).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from einvoice.cdar import BUYER, PLATFORM, PROCESSING, SELLER, TRANSMISSION
from invoices.enums import Cadre
from invoices.enums import InvoiceStatus as S
from invoices.enums import ReturnReason as R


@dataclass(frozen=True)
class ReformStatus:
    code: str
    label: str  # the official French name: a code's name, not translated
    phase: str  # MDT-77
    issuer_role: str  # who states it


STATUSES = {
    S.DEPOSITED: ReformStatus("200", "Déposée", TRANSMISSION, PLATFORM),
    S.ROUTING: ReformStatus("201", "Émise par la plateforme", TRANSMISSION, PLATFORM),
    S.MADE_AVAILABLE: ReformStatus("203", "Mise à disposition", TRANSMISSION, PLATFORM),
    S.TAKEN_IN_CHARGE: ReformStatus("204", "Prise en charge", PROCESSING, BUYER),
    S.SERVICE_DONE: ReformStatus("205", "Approuvée", PROCESSING, BUYER),
    S.TO_RECYCLE: ReformStatus("207", "En litige", PROCESSING, BUYER),
    S.SUSPENDED: ReformStatus("208", "Suspendue", PROCESSING, BUYER),
    S.COMPLETED: ReformStatus("209", "Complétée", PROCESSING, SELLER),
    S.REJECTED: ReformStatus("210", "Refusée", PROCESSING, BUYER),
    S.PAID: ReformStatus("211", "Paiement transmis", PROCESSING, BUYER),
}

COLLECTED = ReformStatus("212", "Encaissée", PROCESSING, SELLER)
PLATFORM_REJECTED = ReformStatus("213", "Rejetée", TRANSMISSION, PLATFORM)
# Why the platform refuses a deposited file breaking the EN 16931 rules, in the reason codes
# BR-FR-CDV-CL-09 allows for 213.
SEMANTIC_REJECTION = "REJ_SEMAN"
# The Chorus cadres whose invoice is already paid when deposited (its deposit states 212 too).
ALREADY_PAID_CADRES = frozenset({Cadre.A2})

# Chorus Pro codes the CDAR list spells otherwise: a wrong service code is a wrong routing code
# (the service code routes a B2G invoice), a wrong engagement a wrong order reference.
CDAR_REASONS = {R.SE_ERR: "CODE_ROUTAGE_ERR", R.CMD_EJ_ERR: "CMD_ERR"}

# The motifs the recipient may choose for each return, first the usual one (used when none is
# chosen); each one's CDAR code is among those BR-FR-CDV-CL-09 allows for the reform status.
REASONS = {
    S.TO_RECYCLE: (R.OTHER, R.SE_ERR, R.CMD_EJ_ERR, R.SIRET_ERR, R.DEST_ERR, R.ADR_ERR, R.REF_ERR),
    S.SUSPENDED: (
        R.JUSTIF_ABS, R.SE_ERR, R.CMD_EJ_ERR, R.SIRET_ERR, R.REF_CT_ABSENT, R.REF_ERR, R.COORD_BANC_ERR,
    ),
    S.REJECTED: (
        R.OTHER, R.DEST_ERR, R.CMD_EJ_ERR, R.ADR_ERR, R.MONTANTTOTAL_ERR, R.TX_TVA_ERR, R.CALCUL_ERR,
        R.DOUBLON, R.NON_CONFORME, R.COORD_BANC_ERR, R.REF_CT_ABSENT, R.TRANSAC_INC, R.EMMET_INC,
        R.CONTRAT_TERM, R.LIVR_INCOMP, R.ST_CT_NON_DECLAR, R.TRANSF_PMNT_REGIE,
    ),
}  # fmt: skip
# Every motif offered somewhere, in the order of the choices class.
OFFERED_REASONS = tuple(reason for reason in R if any(reason in reasons for reasons in REASONS.values()))


REASON_NOT_ALLOWED = _("Ce motif ne s'applique pas au statut choisi.")


def reform_status(status: str) -> ReformStatus | None:
    return STATUSES.get(status)


def reform_statuses(status: str, cadre: str) -> tuple[ReformStatus, ...]:
    """The reform statuses a change to `status` of an invoice under `cadre` states, in order."""
    found = STATUSES.get(status)
    if found is None:
        return ()
    if status == S.DEPOSITED and cadre in ALREADY_PAID_CADRES:
        return (found, COLLECTED)
    return (found,)


def reasons_for(status: str) -> tuple:
    """The motifs a change to `status` may carry (empty: it carries none)."""
    return REASONS.get(status, ())


def reason_allowed(status: str, reason: str) -> bool:
    return reason in reasons_for(status)


def cdar_reason(status: str, reason: str) -> str:
    """The CDAR reason code of a change to `status` with Chorus motif `reason` (the status's
    usual motif when it was given none, as for the changes made before motifs had codes)."""
    reasons = reasons_for(status)
    if not reasons:
        return ""
    chosen = reason if reason in reasons else reasons[0]
    return CDAR_REASONS.get(chosen, str(chosen))
