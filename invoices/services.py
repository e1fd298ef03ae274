"""Every write on invoices. A status changes only in `_apply_transition`, under a row lock,
with its history row in the same transaction and its side effects queued after commit."""

import hashlib
import logging
import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from invoices import attachments as attachment_rules
from invoices import computations, events, permissions, selectors, workflow
from invoices.enums import (
    CADRES_ALREADY_PAID,
    CADRES_WITH_VALIDATOR,
    AttachmentKind,
    Cadre,
    DepositMode,
    InvoiceAction,
    InvoiceType,
    PaymentMode,
    VatType,
)
from invoices.exceptions import (
    AttachmentRefused,
    ConcurrentChange,
    InvalidTransition,
    InvoiceError,
    InvoiceNotAllowed,
    InvoiceNotFound,
    SubmissionRefused,
)
from invoices.models import (
    Invoice,
    InvoiceAttachment,
    InvoiceLine,
    InvoiceStatusChange,
    InvoiceVatLine,
    Notification,
)
from structures import selectors as structure_selectors
from structures.enums import BankAccountStatus, Space, SubscriptionMode
from structures.models import BankAccount, Structure, StructureService

logger = logging.getLogger(__name__)

NUMBER_PATTERN = re.compile(r"^[A-Za-z0-9\-_/+]{1,20}$")
HEADER_FIELDS = (
    "cadre",
    "validator_id",
    "supplier_service_id",
    "bank_account_id",
    "recipient_id",
    "recipient_service_id",
    "recipient_is_state",
    "invoice_type",
    "number",
    "origin_invoice_number",
    "invoice_date",
    "due_date",
    "currency",
    "vat_type",
    "exemption_reason",
    "payment_mode",
    "contract_number",
    "numero_engagement",
    "comment",
    "global_discount",
    "global_discount_reason",
)


def _notify_after_commit(change: InvoiceStatusChange):
    from invoices.tasks import notify_status_change_task

    change_id = change.pk
    transaction.on_commit(lambda: notify_status_change_task.delay(change_id))


def _apply_transition(invoice, name, *, actor, structure, reason="", payload=None, expected_status=None):
    """The one place where an invoice's status is written (house style §C)."""
    if expected_status is not None and invoice.status != expected_status:
        raise ConcurrentChange(
            _("La facture a changé de statut entre-temps : elle est maintenant « %(status)s ».")
            % {"status": invoice.get_status_display()}
        )
    transition = workflow.check(name, invoice.status)
    previous = invoice.status
    invoice.status = transition.target
    invoice.status_changed_at = timezone.now()
    fields = ["status", "status_changed_at", "updated_at"]
    if stamp := workflow.STAMPED_AT.get(transition.target):
        setattr(invoice, stamp, invoice.status_changed_at)
        fields.append(stamp)
    if transition.target in workflow.RESETS_ACKNOWLEDGEMENT:
        invoice.return_acknowledged = False
        fields.append("return_acknowledged")
    invoice.save(update_fields=fields)
    change = events.status_changed(
        invoice,
        transition=name,
        from_status=previous,
        actor=actor,
        structure=structure,
        reason=reason,
        payload=payload,
    )
    if workflow.notifies(transition):
        _notify_after_commit(change)
    return change


def _lock(invoice_id, **scope) -> Invoice:
    try:
        return Invoice.objects.select_for_update(of=("self",)).get(pk=invoice_id, **scope)
    except Invoice.DoesNotExist as exc:
        raise InvoiceError(_("Facture introuvable.")) from exc


def _lock_received(invoice_id, *, structure, actor, membership=None) -> Invoice:
    """A received invoice read once through the actor's scope (the services they are restricted
    to), locked."""
    invoice = (
        selectors.received_by(structure, actor, membership)
        .select_for_update(of=("self",))
        .filter(pk=invoice_id)
        .first()
    )
    if invoice is None:
        raise InvoiceNotFound(_("Facture introuvable."))
    return invoice


def _require_issuer(actor, structure):
    if not permissions.can_issue(actor, structure):
        raise InvoiceNotAllowed(
            _("Vous n'avez pas le droit de modifier les factures émises de cette structure.")
        )


def _can_write(actor, structure, space, membership=None) -> bool:
    """Modification rights on `space`, read from the request's membership when given (no query)."""
    if membership is not None and (membership.user_id, membership.structure_id) == (actor.pk, structure.pk):
        mode = permissions.member_space_mode(membership, space)
        return structure.is_active and mode == SubscriptionMode.MODIFICATION
    if space == Space.FACTURES_EMISES:
        return permissions.can_issue(actor, structure)
    return permissions.can_process(actor, structure)


def new_invoice_refusal(actor, structure, membership=None) -> str | None:
    """Why `actor` may not enter or deposit a new invoice for `structure` now, or None."""
    if not _can_write(actor, structure, Space.FACTURES_EMISES, membership):
        return _("Vous consultez cet espace : vous ne pouvez ni saisir ni déposer de facture.")
    # Taking note of a return becomes mandatory after seven days (domain §1.2, W4).
    if selectors.returned_overdue(structure).exists():
        return _(
            "Des factures vous ont été renvoyées il y a plus de sept jours : prenez-en connaissance "
            "avant de saisir ou de déposer une nouvelle facture."
        )
    return None


def require_new_invoice_allowed(actor, structure) -> None:
    refusal = new_invoice_refusal(actor, structure)
    if refusal:
        raise InvoiceNotAllowed(refusal)


# --- Drafts -------------------------------------------------------------------------------------


def _set_lines_and_totals(invoice: Invoice, lines: list[dict], *, new: bool = False):
    inputs = [
        computations.LineInput(
            quantity=Decimal(line["quantity"]),
            unit_price=Decimal(line["unit_price"]),
            discount=Decimal(line.get("discount") or 0),
            vat_rate=Decimal(line["vat_rate"]),
        )
        for line in lines
    ]
    override = computations.amount_due_override(
        invoice.amount_due if invoice.amount_due_overridden else None,
        already_paid=invoice.cadre in CADRES_ALREADY_PAID,
    )
    totals = computations.compute(
        inputs, global_discount=invoice.global_discount or Decimal(0), amount_due=override
    )
    if not new:
        invoice.lines.all().delete()
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=invoice,
            position=index,
            reference=line.get("reference", ""),
            designation=line["designation"],
            quantity=inputs[index - 1].quantity,
            unit=line.get("unit", ""),
            unit_price=inputs[index - 1].unit_price,
            discount=inputs[index - 1].discount,
            vat_rate=inputs[index - 1].vat_rate,
            amount_ht=totals.line_amounts[index - 1],
        )
        for index, line in enumerate(lines, 1)
    )
    if not new:
        invoice.vat_lines.all().delete()
    InvoiceVatLine.objects.bulk_create(
        InvoiceVatLine(invoice=invoice, rate=rate, base=base, vat=vat)
        for rate, (base, vat) in totals.vat_summary.items()
    )
    invoice.total_ht = totals.total_ht
    invoice.total_vat = totals.total_vat
    invoice.total_ttc_before_discount = totals.total_ttc_before_discount
    invoice.total_ttc = totals.total_ttc
    invoice.amount_due = totals.amount_due
    invoice.save()


@transaction.atomic
def save_draft(
    *,
    actor,
    structure,
    data: dict,
    lines: list[dict],
    invoice_id: int | None = None,
    amount_due: Decimal | None = None,
    files=(),
) -> Invoice:
    """Enregistrer: creates or updates a draft (temporary number when none is given), with its
    new complementary attachments; a refused file refuses the whole save."""
    if invoice_id is None:
        require_new_invoice_allowed(actor, structure)
    return _save_draft(
        actor=actor,
        structure=structure,
        data=data,
        lines=lines,
        invoice_id=invoice_id,
        amount_due=amount_due,
        files=files,
    )


def _save_draft(*, actor, structure, data, lines, invoice_id=None, amount_due=None, files=()) -> Invoice:
    _require_issuer(actor, structure)
    if invoice_id is None:
        invoice = Invoice(supplier=structure, created_by=actor, status=workflow.INITIAL)
    else:
        invoice = _lock(invoice_id, supplier=structure)
        workflow.require("edit", invoice.status)
    for field in HEADER_FIELDS:
        if field in data:
            setattr(invoice, field, data[field] if data[field] is not None else _blank_for(field))
    invoice.amount_due_overridden = amount_due is not None
    if amount_due is not None:
        invoice.amount_due = amount_due
    if invoice.number and _number_taken(structure, invoice.number, exclude_pk=invoice.pk):
        raise SubmissionRefused(
            {"number": [_("Ce numéro de facture est déjà utilisé par une autre facture de la structure.")]}
        )
    temporary = not invoice.number
    if temporary:
        invoice.number = f"TMP-{timezone.now():%y%m%d%H%M%S%f}"[:20]
    invoice.save()
    if temporary:
        invoice.number = f"BROUILLON-{invoice.pk}"[:20]
        invoice.save(update_fields=["number"])
    _set_lines_and_totals(invoice, lines, new=invoice_id is None)
    _add_files(invoice, _check_files(invoice, files), actor)
    if invoice_id is None:
        events.created(invoice, actor=actor, structure=structure)
    events.action_recorded(invoice, InvoiceAction.SAVE, actor)
    return invoice


def _number_taken(structure, number, *, exclude_pk=None) -> bool:
    return (
        Invoice.objects.filter(supplier=structure, number=number)
        .exclude(pk=exclude_pk)
        .exclude(status__in=workflow.NUMBER_RELEASED)
        .exists()
    )


def _blank_for(field):
    return None if field.endswith("_id") or field in ("invoice_date", "due_date") else ""


@transaction.atomic
def delete_draft(*, actor, structure, invoice_id: int) -> Invoice:
    _require_issuer(actor, structure)
    invoice = _lock(invoice_id, supplier=structure)
    _apply_transition(invoice, "delete", actor=actor, structure=structure)
    events.action_recorded(invoice, InvoiceAction.DELETE, actor)
    return invoice


@transaction.atomic
def duplicate_invoice(*, actor, structure, invoice_id: int) -> Invoice:
    """Dupliquer: a new draft with the same header and lines (and a temporary number)."""
    _require_issuer(actor, structure)
    source = Invoice.objects.filter(pk=invoice_id, supplier=structure).first()
    if source is None:
        raise InvoiceError(_("Facture introuvable."))
    data = {field: getattr(source, field) for field in HEADER_FIELDS if field != "number"}
    lines = [
        {
            f: getattr(line, f)
            for f in ("reference", "designation", "quantity", "unit", "unit_price", "discount", "vat_rate")
        }
        for line in source.lines.all()
    ]
    copy = save_draft(actor=actor, structure=structure, data=data, lines=lines)
    events.action_recorded(source, InvoiceAction.DUPLICATE, actor)
    return copy


# --- Sending ------------------------------------------------------------------------------------


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
    if invoice.vat_type == VatType.EXEMPT and not invoice.exemption_reason:
        add("exemption_reason", _("Le motif d'exonération est obligatoire."))
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
    if invoice.vat_type in (VatType.EXEMPT, VatType.NO_VAT) and any(line.vat_rate for line in lines):
        add("lines", _("Une facture exonérée ou sans TVA ne peut pas porter de taux de TVA non nul."))
    if invoice.global_discount and not invoice.global_discount_reason.strip():
        add("global_discount_reason", _("Le motif de la remise globale est obligatoire."))
    if invoice.total_ttc < 0:
        add("lines", _("Le montant TTC ne peut pas être négatif ; émettez un avoir."))
    if invoice.original_totals and not errors:
        _check_original_totals(invoice, add)
    return errors


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
                % {"label": label, "actual": getattr(invoice, field), "expected": expected[key]},
            )


@transaction.atomic
def submit_invoice(*, actor, structure, invoice_id: int, route_now: bool = False) -> Invoice:
    """Valider et envoyer: every check at once; DEPOSEE, then routed by a worker task, or in the
    same transaction when the caller already is one (a lot's file: `route_now`)."""
    _require_issuer(actor, structure)
    invoice = _lock(invoice_id, supplier=structure)
    workflow.require("submit", invoice.status)
    errors = submission_errors(invoice)
    if not errors and invoice.deposit_mode == DepositMode.ENTRY:
        errors = _structured_data_errors(invoice)
    if errors:
        raise SubmissionRefused(errors)
    _apply_transition(invoice, "submit", actor=actor, structure=structure)
    events.action_recorded(invoice, InvoiceAction.SUBMIT, actor)
    if invoice.deposit_mode == DepositMode.ENTRY:
        _queue_original(invoice.pk)
    if route_now:
        _route(invoice)
    else:
        _queue_routing(invoice.pk)
    return invoice


def _queue_original(invoice_id):
    from invoices.tasks import generate_original_task

    transaction.on_commit(lambda: generate_original_task.delay(invoice_id))


def _structured_data_errors(invoice: Invoice) -> dict[str | None, list[str]]:
    """The Factur-X XML the portal will generate must pass the XSD and the EN 16931 rules:
    checked before the invoice is accepted, so that its legal original is never invalid."""
    from deposits.extraction.validation import validate_xml
    from invoices.facturx import build_cii_xml

    # The French rules are warnings: not worth their time here.
    report = validate_xml(build_cii_xml(invoice), french_rules=False)
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


def _queue_routing(invoice_id):
    from invoices.tasks import route_invoice_task

    transaction.on_commit(lambda: route_invoice_task.delay(invoice_id))


@transaction.atomic
def route_invoice(*, invoice_id: int) -> Invoice:
    """System routing DEPOSEE → EN_COURS_ACHEMINEMENT → MISE_A_DISPOSITION; safe to re-run."""
    invoice = _lock(invoice_id)
    _route(invoice)
    return invoice


def _route(invoice: Invoice) -> None:
    if workflow.can("route", invoice.status):
        _apply_transition(invoice, "route", actor=None, structure=None)
    if workflow.can("make_available", invoice.status):
        target = (
            invoice.recipient_service.libelle
            if invoice.recipient_service
            else invoice.recipient.raison_sociale
        )
        _apply_transition(invoice, "make_available", actor=None, structure=None, payload={"to": target})
        events.made_available(invoice, target)


# --- Documents and attachments --------------------------------------------------------------------


def _file_name(invoice: Invoice) -> str:
    kind = _("Avoir") if invoice.invoice_type == InvoiceType.CREDIT_NOTE else _("Facture")
    # Invoice numbers may hold "/" and "+", which do not belong in a file name.
    return f"{kind}_{re.sub(r'[^A-Za-z0-9_-]', '-', invoice.number)}.pdf"


@transaction.atomic
def ensure_original(*, invoice_id: int) -> InvoiceAttachment | None:
    """The legal original of a sent invoice, generated now if its task has not run yet; safe to
    re-run. A deposited invoice brings its own original (None until it has one)."""
    invoice = _lock(invoice_id)
    workflow.require("original", invoice.status)
    if invoice.deposit_mode != DepositMode.ENTRY:
        return invoice.attachments.filter(kind=AttachmentKind.PRINCIPAL).first()
    return _store_original(invoice)


def _store_original(invoice: Invoice) -> InvoiceAttachment:
    """Generates and stores the legal original once; an existing one is never rewritten.
    The caller holds the invoice's row lock."""
    existing = invoice.attachments.filter(kind=AttachmentKind.PRINCIPAL).first()
    if existing is not None:
        return existing
    from invoices.documents import build_facturx_pdf

    original = _attach_principal(
        invoice, _file_name(invoice), build_facturx_pdf(invoice), actor=invoice.created_by
    )
    events.original_generated(invoice, original)
    return original


def _attach_principal(invoice: Invoice, name: str, data: bytes, *, actor) -> InvoiceAttachment:
    original = InvoiceAttachment(
        invoice=invoice,
        kind=AttachmentKind.PRINCIPAL,
        name=name,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content_type=attachment_rules.content_type(name),
        added_by=actor,
    )
    original.file.save(name, ContentFile(data), save=False)
    original.save()
    return original


@transaction.atomic
def create_deposited_draft(
    *,
    actor,
    structure,
    data: dict,
    lines: list[dict],
    amount_due: Decimal | None,
    deposit_mode: str,
    original_name: str,
    original_data: bytes,
    original_totals: dict | None = None,
) -> Invoice:
    """A draft pre-filled from a deposited file, which stays attached as the legal original. The
    new-invoice rules were applied when the file was deposited (`deposits.services.create_deposit`)."""
    invoice = _save_draft(actor=actor, structure=structure, data=data, lines=lines, amount_due=amount_due)
    invoice.deposit_mode = deposit_mode
    invoice.original_totals = original_totals
    invoice.save(update_fields=["deposit_mode", "original_totals", "updated_at"])
    _attach_principal(invoice, original_name, original_data, actor=actor)
    events.deposited_file(invoice, original_name, actor)
    return invoice


def _check_files(invoice: Invoice, files) -> list[tuple[str, bytes]]:
    """Reads the uploaded files and applies the attachment rules to each and to their total."""
    errors, accepted = {}, []
    total = sum(invoice.attachments.values_list("size", flat=True))
    for upload in files:
        name = attachment_rules.clean_name(upload.name)
        if upload.size > attachment_rules.MAX_FILE_SIZE:
            errors[name] = _("Le fichier dépasse 10 Mo.")
            continue
        data = upload.read()
        problem = attachment_rules.attachment_problem(name, data)
        if problem:
            errors[name] = problem
            continue
        total += len(data)
        accepted.append((name, data))
    if total > attachment_rules.MAX_INVOICE_TOTAL:
        errors[_("Ensemble des pièces jointes")] = _(
            "La facture et ses pièces jointes ne peuvent pas dépasser 120 Mo au total."
        )
    if errors:
        raise AttachmentRefused(errors)
    return accepted


def _add_files(invoice: Invoice, accepted, actor) -> list[InvoiceAttachment]:
    added = []
    for name, data in accepted:
        attachment = InvoiceAttachment(
            invoice=invoice,
            kind=AttachmentKind.COMPLEMENTARY,
            name=name,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            content_type=attachment_rules.content_type(name),
            added_by=actor,
        )
        attachment.file.save(name, ContentFile(data), save=False)
        attachment.save()
        added.append(attachment)
    return added


@transaction.atomic
def remove_attachment(*, actor, structure, invoice_id: int, attachment_id: int) -> None:
    """A draft's complementary attachment; the legal original and sent ones stay."""
    _require_issuer(actor, structure)
    invoice = _lock(invoice_id, supplier=structure)
    workflow.require("edit", invoice.status)
    attachment = invoice.attachments.filter(pk=attachment_id, kind=AttachmentKind.COMPLEMENTARY).first()
    if attachment is None:
        raise InvoiceError(_("Pièce jointe introuvable."))
    attachment.file.delete(save=False)
    attachment.delete()


# --- Recipient processing -------------------------------------------------------------------------


def _require_processor(actor, structure, membership=None) -> None:
    if not _can_write(actor, structure, Space.FACTURES_RECUES, membership):
        raise InvoiceNotAllowed(
            _("Vous n'avez pas le droit de traiter les factures reçues de cette structure.")
        )


@transaction.atomic
def process_invoice(
    *,
    actor,
    structure,
    invoice_id: int,
    transition: str,
    reason: str = "",
    mandate_number: str = "",
    expected_status: str | None = None,
    membership=None,
) -> Invoice:
    """Traiter: a recipient moves a received invoice along the §1.3 matrix. `membership`: the
    actor's in `structure` when the caller already read it (a request)."""
    _require_processor(actor, structure, membership)
    definition = workflow.get(transition)
    if definition.side != workflow.Side.RECIPIENT:
        raise InvalidTransition(workflow.refusal(transition))
    if definition.needs_reason and not reason.strip():
        raise InvoiceError(_("Le motif est obligatoire pour cette action."))
    if definition.needs_mandate_number and not mandate_number.strip():
        raise InvoiceError(_("Le numéro de mandat est obligatoire."))
    invoice = _lock_received(invoice_id, structure=structure, actor=actor, membership=membership)
    if expected_status is None:
        workflow.require(transition, invoice.status)
    if definition.needs_mandate_number:
        invoice.mandate_number = mandate_number.strip()[:50]
        invoice.save(update_fields=["mandate_number"])
    _apply_transition(
        invoice,
        transition,
        actor=actor,
        structure=structure,
        reason=reason.strip()[:2000],
        payload={"mandate_number": mandate_number} if mandate_number else {},
        expected_status=expected_status,
    )
    events.action_recorded(invoice, InvoiceAction.PROCESS, actor)
    return invoice


@dataclass
class BatchOutcome:
    done: list = dataclass_field(default_factory=list)  # invoice numbers
    refused: list = dataclass_field(default_factory=list)  # (invoice number, reason)


def run_batch(scope, invoice_ids, action) -> BatchOutcome:
    """« Several invoices at once »: `action(invoice_id)` for each id found in `scope` (the actor's
    queryset), each in its own transaction, so that one refusal undoes nothing else and each
    item's side effects leave at its commit; every outcome is reported, a bug as « erreur
    technique » (logged) without stopping the others."""
    outcome = BatchOutcome()
    numbers = dict(scope.filter(pk__in=invoice_ids).values_list("pk", "number"))
    for invoice_id in sorted(set(invoice_ids)):
        if invoice_id not in numbers:
            outcome.refused.append((str(invoice_id), _("Facture introuvable.")))
            continue
        number = numbers[invoice_id]
        try:
            with transaction.atomic():
                action(invoice_id)
        except InvalidTransition:
            outcome.refused.append((number, _("son statut actuel ne permet pas cette action")))
        except InvoiceError as error:
            outcome.refused.append((number, str(error)))
        except Exception:
            logger.exception("batch action on invoice %s failed", invoice_id)
            outcome.refused.append((number, _("erreur technique")))
        else:
            outcome.done.append(number)
    return outcome


def process_invoices(
    *,
    actor,
    structure,
    invoice_ids: list[int],
    transition: str,
    reason: str = "",
    mandate_number: str = "",
    membership=None,
) -> BatchOutcome:
    """Traiter several invoices at once, each re-read through the actor's scope."""
    return run_batch(
        selectors.received_by(structure, actor, membership),
        invoice_ids,
        lambda invoice_id: process_invoice(
            actor=actor,
            structure=structure,
            invoice_id=invoice_id,
            transition=transition,
            reason=reason,
            mandate_number=mandate_number,
            membership=membership,
        ),
    )


@transaction.atomic
def mark_downloaded(*, actor, structure, invoice_id: int) -> None:
    """The recipient downloaded the invoice (`factureTelechargeeParDestinataire`)."""
    invoice = _lock_received(invoice_id, structure=structure, actor=actor)
    if not invoice.downloaded_by_recipient:
        invoice.downloaded_by_recipient = True
        invoice.save(update_fields=["downloaded_by_recipient", "updated_at"])
    events.action_recorded(invoice, InvoiceAction.DOWNLOAD, actor)
    events.downloaded(invoice, actor)


# --- Supplier actions on returned invoices --------------------------------------------------------


@transaction.atomic
def recycle_invoice(
    *,
    actor,
    structure,
    invoice_id: int,
    recipient: Structure,
    recipient_service: StructureService | None,
    numero_engagement: str,
    comment: str,
) -> Invoice:
    """Recycler (À recycler): correct the routing data; checked again, then routed again."""
    _require_issuer(actor, structure)
    invoice = _lock(invoice_id, supplier=structure)
    workflow.require("recycle", invoice.status)
    invoice.recipient = recipient
    invoice.recipient_service = recipient_service
    invoice.numero_engagement = numero_engagement.strip()
    invoice.save(update_fields=["recipient", "recipient_service", "numero_engagement", "updated_at"])
    errors = {
        field: messages
        for field, messages in submission_errors(invoice, require_mandate=False).items()
        if field in ("recipient", "recipient_service", "numero_engagement")
    }
    if errors:
        raise SubmissionRefused(errors)
    _apply_transition(invoice, "recycle", actor=actor, structure=structure, reason=comment.strip()[:2000])
    events.action_recorded(invoice, InvoiceAction.RECYCLE, actor)
    _queue_routing(invoice.pk)
    return invoice


@transaction.atomic
def complete_invoice(*, actor, structure, invoice_id: int, comment: str, files=()) -> Invoice:
    """Compléter (Suspendue): complementary attachments and/or a comment; back to the recipient."""
    _require_issuer(actor, structure)
    invoice = _lock(invoice_id, supplier=structure)
    workflow.require("complete", invoice.status)
    added = _add_files(invoice, _check_files(invoice, files), actor)
    if not comment.strip() and not added:
        raise InvoiceError(_("Ajoutez une pièce jointe ou un commentaire pour compléter la facture."))
    _apply_transition(
        invoice,
        "complete",
        actor=actor,
        structure=structure,
        reason=comment.strip()[:2000],
        payload={"attachments": [attachment.name for attachment in added]},
    )
    events.action_recorded(invoice, InvoiceAction.COMPLETE, actor)
    return invoice


@transaction.atomic
def acknowledge_return(*, actor, structure, invoice_id: int) -> Invoice:
    """Prendre connaissance of a returned (rejected, suspended, to recycle) invoice. Reading is
    enough: a user who consults the space may acknowledge."""
    if not permissions.space_mode(actor, structure, Space.FACTURES_EMISES):
        raise InvoiceNotAllowed(_("Vous n'avez pas accès aux factures émises de cette structure."))
    invoice = _lock(invoice_id, supplier=structure)
    workflow.require("acknowledge", invoice.status)
    invoice.return_acknowledged = True
    invoice.save(update_fields=["return_acknowledged", "updated_at"])
    events.action_recorded(invoice, InvoiceAction.ACKNOWLEDGE, actor)
    return invoice


def acknowledge_returns(*, actor, structure, invoice_ids: list[int]) -> BatchOutcome:
    """Prendre connaissance of several returned invoices at once."""
    return run_batch(
        selectors.issued_by(structure),
        invoice_ids,
        lambda invoice_id: acknowledge_return(actor=actor, structure=structure, invoice_id=invoice_id),
    )


def mark_notifications_read(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
