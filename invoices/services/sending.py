"""Valider et envoyer: every check at once, then DEPOSEE."""

import logging
import re
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from stdnum.eu.vat import MEMBER_STATES

from choruspro import formatting
from choruspro.outbox import enqueue_on_commit
from choruspro.translatable import gettext as _
from einvoice.cii import buyer_vat_number
from invoices import events, workflow
from invoices.enums import (
    CADRES_ALREADY_PAID,
    CADRES_WITH_VALIDATOR,
    VAT_RATES,
    Cadre,
    DepositMode,
    ExemptionReason,
    InvoiceAction,
    InvoiceType,
    PaymentMode,
    VatCategory,
    VatType,
)
from invoices.exceptions import SubmissionRefused
from invoices.models import Invoice
from invoices.services.core import Step, _apply_transitions, _lock, _require_issuer
from invoices.services.drafts import _create_deposited_draft, _number_taken, _save_draft
from invoices.services.routing import _queue_routing, _route
from structures import selectors as structure_selectors
from structures.enums import BankAccountStatus
from structures.models import BankAccount

logger = logging.getLogger(__name__)


NUMBER_PATTERN = re.compile(r"^[A-Za-z0-9\-_/+]{1,20}$")
FRENCH_RATES = frozenset(rate for rate in VAT_RATES if rate)
# XI (Northern Ireland) is a VAT prefix, not a country.
EU_COUNTRIES = frozenset(code.upper() for code in MEMBER_STATES) - {"XI"}


def submission_errors(
    invoice: Invoice, *, require_mandate: bool | None = None
) -> dict[str | None, list[str]]:
    """Every problem that prevents sending, at once, keyed by form field (domain §3.1–§3.3)."""
    errors: dict[str | None, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    supplier = invoice.supplier
    # The billing mandate lets the portal issue invoices in the supplier's name: only entered
    # invoices need it; a deposited file is the supplier's own invoice.
    if require_mandate is None:
        require_mandate = invoice.deposit_mode == DepositMode.ENTRY
    if require_mandate:
        reason = structure_selectors.saisie_blocked_reason(supplier)
        if reason:
            add(None, reason)
    if invoice.cadre not in Cadre.values:
        add("cadre", _("Cadre de facturation inconnu."))
    if invoice.cadre in CADRES_WITH_VALIDATOR and invoice.validator_id is None:
        add(
            "validator",
            _("Pour un cadre de sous-traitance ou de cotraitance, la structure valideur est obligatoire."),
        )
    recipient = invoice.recipient
    if recipient is None:
        add("recipient", _("Choisissez le destinataire de la facture dans l'annuaire."))
    else:
        if not recipient.is_public:
            add("recipient", _("Le destinataire doit être une structure publique de l'annuaire."))
        if not recipient.is_active:
            add("recipient", _("Destinataire non localisé ou inactif."))
        service = invoice.recipient_service
        if service is not None and (service.structure_id != recipient.pk or not service.is_active):
            add("recipient_service", _("Ce service n'est pas un service actif du destinataire."))
        has_service = service is not None
        has_engagement = bool(invoice.numero_engagement.strip())
        if recipient.code_service_required and not has_service:
            add("recipient_service", _("Le destinataire exige un code service."))
        if recipient.engagement_required and not has_engagement:
            add("numero_engagement", _("Le destinataire exige un numéro d'engagement."))
        if recipient.service_or_engagement_required and not (has_service or has_engagement):
            add("numero_engagement", _("Le destinataire exige un code service ou un numéro d'engagement."))
        if has_service and service.engagement_required and not has_engagement:
            add("numero_engagement", _("Le service choisi exige un numéro d'engagement."))
    if not NUMBER_PATTERN.match(invoice.number) or invoice.number.startswith("BROUILLON-"):
        add(
            "number",
            _("Numéro de facture obligatoire : 20 caractères au plus, lettres, chiffres et - _ / +."),
        )
    elif _number_taken(supplier, invoice.number, exclude_pk=invoice.pk):
        add("number", _("Ce numéro de facture est déjà utilisé par une autre facture de la structure."))
    if invoice.invoice_date is None:
        add("invoice_date", _("La date de facture est obligatoire."))
    elif invoice.invoice_date > timezone.localdate():
        add("invoice_date", _("La date de facture ne peut pas être dans le futur."))
    if invoice.due_date and invoice.invoice_date and invoice.due_date < invoice.invoice_date:
        add("due_date", _("La date d'échéance ne peut pas précéder la date de facture."))
    if invoice.invoice_type == InvoiceType.CREDIT_NOTE:
        if invoice.payment_mode:
            add("payment_mode", _("Un avoir ne porte pas de mode de règlement."))
    else:
        if not invoice.payment_mode:
            add("payment_mode", _("Le mode de règlement est obligatoire pour une facture."))
        if invoice.origin_invoice_number:
            add("origin_invoice_number", _("Le numéro de facture d'origine ne concerne que les avoirs."))
    if invoice.payment_mode == PaymentMode.TRANSFER:
        if invoice.bank_account_id is None:
            add("bank_account", _("Un paiement par virement demande des coordonnées bancaires."))
        elif not BankAccount.objects.filter(
            pk=invoice.bank_account_id, structure=supplier, status=BankAccountStatus.VALID
        ).exists():
            add("bank_account", _("Ces coordonnées bancaires ne sont pas valides pour la structure."))
    if invoice.vat_type != VatType.NO_VAT and not supplier.numero_tva.strip():
        add(
            "vat_type",
            _(
                "Le numéro de TVA intracommunautaire de votre structure doit figurer sur une facture soumise "
                "à TVA ou exonérée (norme EN 16931, règle BR-S-02) : un gestionnaire le renseigne dans "
                "« Ma structure ». Une structure non assujettie choisit « Sans TVA »."
            ),
        )
    lines = list(invoice.lines.all())
    if not lines:
        add("lines", _("La facture doit comporter au moins une ligne."))
    for line in lines:
        if line.quantity <= 0 or line.unit_price < 0 or line.discount < 0:
            add(
                "lines",
                _("Ligne %(n)d : la quantité doit être positive, le prix et la remise ne pas être négatifs.")
                % {"n": line.position},
            )
        elif line.amount_ht < 0:
            add("lines", _("Ligne %(n)d : la remise dépasse le montant de la ligne.") % {"n": line.position})
    _vat_category_errors(invoice, lines, add)
    if invoice.deposit_mode == DepositMode.ENTRY:
        _reform_errors(invoice, lines, add)
    if invoice.global_discount and not invoice.global_discount_reason.strip():
        add("global_discount_reason", _("Le motif de la remise globale est obligatoire."))
    if invoice.total_ttc < 0:
        add("lines", _("Le montant TTC ne peut pas être négatif ; émettez un avoir."))
    if invoice.original_totals and not errors:
        _check_original_totals(invoice, add)
    return errors


def _vat_category_errors(invoice: Invoice, lines, add) -> None:
    """What the EN 16931 VAT categories of the lines require (BR-O, BR-E, BR-AE, BR-IC rules)."""
    categories = {line.vat_category for line in lines}
    if invoice.vat_type == VatType.NO_VAT and categories - {VatCategory.OUT_OF_SCOPE}:
        add("lines", _("Une facture sans TVA ne porte que des lignes « Hors du champ de la TVA »."))
    if VatCategory.OUT_OF_SCOPE in categories and invoice.vat_type != VatType.NO_VAT:
        add(
            "vat_type",
            _(
                "Des lignes hors du champ de la TVA demandent le type de TVA « Sans TVA », "
                "pour toute la facture."
            ),
        )
    if invoice.vat_type == VatType.EXEMPT and VatCategory.STANDARD in categories:
        add("lines", _("Une facture exonérée ne peut pas porter de taux de TVA non nul."))
    if VatCategory.EXEMPT in categories and invoice.exemption_reason not in ExemptionReason.values:
        add("exemption_reason", _("Choisissez le motif d'exonération des lignes « Exonérée »."))
    if categories & {VatCategory.REVERSE_CHARGE, VatCategory.INTRA_EU} and not buyer_vat_number(invoice):
        add(
            "buyer_vat_number",
            _(
                "L'autoliquidation et la livraison intracommunautaire demandent le numéro de TVA "
                "intracommunautaire du destinataire."
            ),
        )
    if VatCategory.INTRA_EU in categories:
        if invoice.delivery_country not in EU_COUNTRIES - {"FR"}:
            add(
                "delivery_country",
                _("Une livraison intracommunautaire est livrée dans un autre pays de l'Union européenne."),
            )
        if invoice.delivery_date is None:
            add(
                "delivery_date",
                _("La date de livraison est obligatoire pour une livraison intracommunautaire."),
            )
    if VatCategory.EXPORT in categories and invoice.delivery_country in EU_COUNTRIES:
        add("delivery_country", _("Une exportation est livrée hors de l'Union européenne."))


def _reform_errors(invoice: Invoice, lines, add) -> None:
    """What the French reform's rules (BR-FR) require of an invoice the portal issues."""
    for line in lines:
        if line.vat_category == VatCategory.STANDARD and line.vat_rate not in FRENCH_RATES:
            add(
                "lines",
                _("Ligne %(n)d : %(rate)s %% n'est pas un taux de TVA français.")
                % {"n": line.position, "rate": line.vat_rate.normalize()},
            )
    if invoice.currency != "EUR" and invoice.tax_total_eur is None:
        add(
            "tax_total_eur",
            _("Une facture dans une autre devise que l'euro indique le montant de sa TVA en euros."),
        )
    if invoice.invoice_type == InvoiceType.CREDIT_NOTE:
        if not invoice.origin_invoice_number:
            add("origin_invoice_number", _("Un avoir indique le numéro de la facture qu'il corrige."))
        if invoice.origin_invoice_date is None:
            add("origin_invoice_date", _("Un avoir indique la date de la facture qu'il corrige."))
        elif invoice.invoice_date and invoice.origin_invoice_date > invoice.invoice_date:
            add("origin_invoice_date", _("La facture d'origine ne peut pas être postérieure à l'avoir."))
    if invoice.cadre in CADRES_ALREADY_PAID and invoice.due_date is None:
        add(
            "due_date",
            _(
                "Pour une facture déjà payée (cadre A2), la date d'échéance est celle du paiement : "
                "indiquez-la."
            ),
        )


def _check_original_totals(invoice: Invoice, add) -> None:
    """A deposited structured invoice must say what its file says: the file is what is sent."""
    expected = invoice.original_totals
    for key, field, label in (
        ("total_ht", "total_ht", _("montant HT")),
        ("total_vat", "total_vat", _("montant de TVA")),
        ("total_ttc", "total_ttc_before_discount", _("montant TTC")),
        ("amount_due", "amount_due", _("net à payer")),
    ):
        if expected.get(key) is not None and Decimal(expected[key]) != getattr(invoice, field):
            add(
                None,
                _(
                    "Le %(label)s (%(actual)s) ne correspond plus à celui du fichier déposé (%(expected)s) : "
                    "corrigez les lignes ou déposez un fichier corrigé."
                )
                % {
                    "label": label,
                    "actual": formatting.amount(getattr(invoice, field), invoice.currency),
                    "expected": formatting.amount(expected[key], invoice.currency),
                },
            )


class _Preview(Exception):
    """Raised to roll back the draft written by submission_preview."""


def submission_preview(
    *, actor, structure, data: dict, lines: list[dict], invoice_id: int | None = None, amount_due=None
) -> dict[str | None, list[str]]:
    """What « Valider et envoyer » would refuse in what is typed, saving nothing: the draft is
    written in a savepoint that is rolled back (its history and queued tasks with it), so that the
    very checks of the send speak, and a form's format errors do not hide them until the next try."""
    errors: dict[str | None, list[str]] = {}
    try:
        with transaction.atomic():
            invoice = _save_draft(
                actor=actor,
                structure=structure,
                data=data,
                lines=lines,
                invoice_id=invoice_id,
                amount_due=amount_due,
            )
            errors = submission_errors(invoice)
            raise _Preview
    except _Preview:
        pass
    except SubmissionRefused as refused:
        errors = refused.errors
    return errors


@transaction.atomic
def submit_invoice(*, actor, structure, invoice_id: int, route_now: bool = False) -> Invoice:
    """Valider et envoyer: every check at once; DEPOSEE, then routed by a worker task, or in the
    same transaction when the caller already is one (a lot's file: `route_now`)."""
    _require_issuer(actor, structure)
    invoice = _lock(invoice_id, supplier=structure)
    _submit(invoice, actor=actor, structure=structure, route_now=route_now)
    return invoice


@transaction.atomic
def issue_deposited_invoice(*, actor, structure, **deposited) -> Invoice:
    """A lot's file that needs nothing more: its draft (`create_deposited_draft`'s arguments),
    sent with every check of Valider et envoyer and routed, in one transaction, the rights read
    once. Already on a worker: routed here rather than by one more task."""
    _require_issuer(actor, structure)
    invoice = _create_deposited_draft(actor=actor, structure=structure, **deposited)
    _submit(invoice, actor=actor, structure=structure, route_now=True)
    return invoice


def _submit(invoice: Invoice, *, actor, structure, route_now: bool) -> None:
    """`invoice` locked (or created in this transaction), its issuer's rights checked."""
    workflow.require("submit", invoice.status)
    errors = submission_errors(invoice)
    if not errors and invoice.deposit_mode == DepositMode.ENTRY:
        errors = _structured_data_errors(invoice)
    if errors:
        raise SubmissionRefused(errors)
    submitted = Step("submit", actor=actor, structure=structure)
    if route_now:
        _route(invoice, before=[submitted])
    else:
        _apply_transitions(invoice, [submitted])
    events.action_recorded(invoice, InvoiceAction.SUBMIT, actor)
    if invoice.deposit_mode == DepositMode.ENTRY:
        _queue_original(invoice.pk)
    if not route_now:
        _queue_routing(invoice.pk)


def _queue_original(invoice_id):
    from invoices.tasks import generate_original_task

    enqueue_on_commit(generate_original_task, invoice_id)


def _structured_data_errors(invoice: Invoice) -> dict[str | None, list[str]]:
    """The Factur-X XML the portal will generate must pass the XSD and the EN 16931 rules:
    checked before the invoice is accepted, so that its legal original is never invalid."""
    from einvoice.cii import build_cii_xml
    from einvoice.validation import STANDARD, validate_xml

    # The French rules are warnings: not worth their time here.
    report = validate_xml(build_cii_xml(invoice), in_pdf=True, layers=STANDARD)
    if report.is_valid:
        return {}
    logger.error("generated CII of invoice %s is invalid: %s", invoice.pk, report.errors)
    findings = {finding.rule: finding.message for finding in report.errors}  # one message per rule
    return {
        None: [
            _("Les données de la facture ne respectent pas la norme EN 16931 (%(rule)s : %(message)s).")
            % {"rule": rule, "message": message}
            for rule, message in findings.items()
        ]
    }
