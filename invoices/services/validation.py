"""Factures à valider (domain §9.6): the validator's decision on an A9/A12 invoice, the tacit
validation after 15 days, and the supplier's correction of a wrong validator. Every status change
goes through `core._apply_transition`; a validated invoice is routed on by the routing task, queued
after commit as for a sent invoice."""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from choruspro import translatable
from invoices import events, selectors, workflow
from invoices.enums import InvoiceAction, ValidationRefusal
from invoices.exceptions import InvalidTransition, InvoiceError, InvoiceNotAllowed, InvoiceNotFound
from invoices.models import Invoice
from invoices.services.batch import BatchOutcome, run_batch
from invoices.services.core import _apply_transition, _can_write, _check_expected, _lock, _require_issuer
from invoices.services.routing import _queue_routing
from structures.enums import Space
from structures.models import Structure

logger = logging.getLogger(__name__)

VALIDATE = "validate"
REFUSE = "refuse"


def _require_validator(actor, structure, membership=None) -> None:
    if not _can_write(actor, structure, Space.FACTURES_A_VALIDER, membership):
        raise InvoiceNotAllowed(_("Vous n'avez pas le droit de valider les factures de cette structure."))


def _lock_to_validate(invoice_id, structure) -> Invoice:
    invoice = selectors.validated_by(structure).select_for_update(of=("self",)).filter(pk=invoice_id).first()
    if invoice is None:
        raise InvoiceNotFound(_("Facture introuvable."))
    return invoice


def _step(invoice, structure) -> dict:
    """The validation step the invoice is at, if this structure is the one to decide."""
    if workflow.deciding_validator_id(invoice) != structure.pk:
        raise InvalidTransition(_("Cette facture n'attend pas votre décision."))
    return workflow.VALIDATION_STEPS[invoice.status]


def _check_validator(candidate: Structure | None, invoice: Invoice, *, field: str) -> None:
    """A validator is another active structure of the portal than the supplier."""
    if candidate is None:
        return
    if not candidate.is_active:
        raise InvoiceError(_("Cette structure valideur est inactive."))
    if candidate.pk == invoice.supplier_id:
        raise InvoiceError(_("Le fournisseur ne peut pas valider sa propre facture."))
    if field == "second_validator" and candidate.pk == invoice.validator_id:
        raise InvoiceError(_("Le second valideur doit être une autre structure que le premier."))


@transaction.atomic
def decide_validation(
    *,
    actor,
    structure,
    invoice_id: int,
    decision: str,
    motif: str = "",
    comment: str = "",
    second_validator: Structure | None = None,
    expected_status: str | None = None,
    membership=None,
) -> Invoice:
    """Valider or Refuser (`traiterFactureAValider`): a refusal carries a motif of the official list;
    « erreur de valideur » hands the invoice back to the supplier to name the right validator. A
    first validator who is a cotraitant names the mandataire (`second_validator`) who validates next."""
    _require_validator(actor, structure, membership)
    if decision not in (VALIDATE, REFUSE):
        raise InvoiceError(_("Choisissez de valider ou de refuser la facture."))
    if decision == REFUSE and motif not in ValidationRefusal.values:
        raise InvoiceError(str(workflow.MISSING_REASON))
    invoice = _lock_to_validate(invoice_id, structure)
    _check_expected(invoice, expected_status)
    name = _transition(_step(invoice, structure), decision, motif)
    if second_validator is not None:
        if name != "validate_1":
            raise InvoiceError(_("Seul le premier valideur, cotraitant, désigne un second valideur."))
        _check_validator(second_validator, invoice, field="second_validator")
    # The supplier reads the motif's label, followed by the validator's comment.
    reason = translatable.join(
        " — ", (ValidationRefusal(motif).label if decision == REFUSE else "", comment.strip()[:2000])
    )
    payload = {"motif": motif} if decision == REFUSE else {}
    _apply_transition(
        invoice,
        name,
        actor=actor,
        structure=structure,
        reason=reason,
        payload=payload,
        expected_status=expected_status,
    )
    events.action_recorded(
        invoice, InvoiceAction.VALIDATE if decision == VALIDATE else InvoiceAction.REFUSE, actor
    )
    if decision == VALIDATE:
        if second_validator is not None:
            invoice.second_validator = second_validator
            invoice.save(update_fields=["second_validator", "updated_at"])
        _queue_routing(invoice.pk)
    return invoice


def _transition(step: dict, decision: str, motif: str) -> str:
    if decision == VALIDATE:
        return step["validate"]
    if motif == ValidationRefusal.WRONG_VALIDATOR:
        if step["wrong_validator"] is None:
            raise InvoiceError(_("Le motif « erreur de valideur » ne concerne que le premier valideur."))
        return step["wrong_validator"]
    return step["refuse"]


def decide_validations(
    *,
    actor,
    structure,
    invoice_ids: list[int],
    decision: str,
    motif: str = "",
    comment: str = "",
    membership=None,
) -> BatchOutcome:
    """Valider or Refuser several invoices at once, each re-read through the validator's scope."""
    return run_batch(
        selectors.validated_by(structure),
        invoice_ids,
        lambda invoice_id: decide_validation(
            actor=actor,
            structure=structure,
            invoice_id=invoice_id,
            decision=decision,
            motif=motif,
            comment=comment,
            membership=membership,
        ),
    )


@transaction.atomic
def correct_validator(*, actor, structure, invoice_id: int, validator: Structure) -> Invoice:
    """Corriger le valideur (`corrigerValideurFacture`): after « erreur de valideur », the supplier
    names the right validator and the circuit starts again."""
    _require_issuer(actor, structure)
    invoice = _lock(invoice_id, supplier=structure)
    workflow.require("correct_validator", invoice.status)
    _check_validator(validator, invoice, field="validator")
    if validator.pk == invoice.validator_id:
        raise InvoiceError(_("Cette structure a déjà refusé d'être le valideur : choisissez-en une autre."))
    invoice.validator = validator
    invoice.second_validator = None
    invoice.save(update_fields=["validator", "second_validator", "updated_at"])
    _apply_transition(
        invoice,
        "correct_validator",
        actor=actor,
        structure=structure,
        payload={"to": validator.raison_sociale},
    )
    events.action_recorded(invoice, InvoiceAction.CORRECT_VALIDATOR, actor)
    return invoice


def validate_tacitly(now=None) -> int:
    """The beat task's work: every invoice whose validator let 15 days pass is validated tacitly
    (ABSENCE_VALIDATION_x_HORS_DELAI) and goes on; each in its own transaction, re-checked under
    its lock, so that a validator deciding at the same moment wins or loses cleanly."""
    now = now or timezone.now()
    done = 0
    for invoice_id in list(selectors.overdue_validations(now).values_list("pk", flat=True)):
        with transaction.atomic():
            invoice = (
                selectors.overdue_validations(now)
                .select_for_update(of=("self",))
                .filter(pk=invoice_id)
                .first()
            )
            if invoice is None:
                continue
            step = workflow.VALIDATION_STEPS[invoice.status]
            _apply_transition(invoice, step["tacit"], actor=None, structure=None)
            _queue_routing(invoice.pk)
            done += 1
    if done:
        logger.info("%d invoice(s) validated tacitly", done)
    return done
