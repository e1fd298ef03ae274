"""Drafts: Enregistrer, Supprimer, Dupliquer, a draft pre-filled from a deposited file, and the
rules for a new invoice."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from invoices import computations, events, selectors, workflow
from invoices.enums import CADRES_ALREADY_PAID, InvoiceAction
from invoices.exceptions import InvoiceNotAllowed, SubmissionRefused
from invoices.models import Invoice, InvoiceLine, InvoiceVatLine
from invoices.services.core import _apply_transition, _can_write, _lock, _require_issuer
from invoices.services.files import _add_files, _attach_principal, _check_files
from structures.enums import Space

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
    "origin_invoice_date",
    "invoice_date",
    "due_date",
    "currency",
    "vat_type",
    "exemption_reason",
    "operation_category",
    "buyer_vat_number",
    "delivery_date",
    "delivery_address",
    "delivery_postcode",
    "delivery_city",
    "delivery_country",
    "tax_total_eur",
    "payment_mode",
    "contract_number",
    "numero_engagement",
    "comment",
    "global_discount",
    "global_discount_reason",
)


# What a line is made of, as save_draft takes it (the amount is computed).
LINE_FIELDS = (
    "reference",
    "designation",
    "quantity",
    "unit",
    "unit_price",
    "discount",
    "vat_category",
    "vat_rate",
)


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


def _set_lines_and_totals(invoice: Invoice, lines: list[dict], *, new: bool = False):
    inputs = [computations.LineInput.of(line) for line in lines]
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
            vat_category=inputs[index - 1].category,
            vat_rate=inputs[index - 1].vat_rate,
            amount_ht=totals.line_amounts[index - 1],
        )
        for index, line in enumerate(lines, 1)
    )
    if not new:
        invoice.vat_lines.all().delete()
    InvoiceVatLine.objects.bulk_create(
        InvoiceVatLine(invoice=invoice, category=category, rate=rate, base=base, vat=vat)
        for (category, rate), (base, vat) in totals.vat_summary.items()
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
    _require_issuer(actor, structure)
    return _save_draft(
        actor=actor,
        structure=structure,
        data=data,
        lines=lines,
        invoice_id=invoice_id,
        amount_due=amount_due,
        files=files,
    )


def _save_draft(
    *, actor, structure, data, lines, invoice_id=None, amount_due=None, files=(), deposited=None
) -> Invoice:
    """Enregistrer once the rights are checked; `deposited`: the deposit fields of a new draft
    made from a file."""
    if invoice_id is None:
        invoice = Invoice(supplier=structure, created_by=actor, status=workflow.INITIAL, **(deposited or {}))
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


NULLABLE_FIELDS = ("invoice_date", "due_date", "origin_invoice_date", "delivery_date", "tax_total_eur")


def _blank_for(field):
    return None if field.endswith("_id") or field in NULLABLE_FIELDS else ""


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
    # Locked: its action history is written, and invoice histories chain under the invoice's lock.
    source = _lock(invoice_id, supplier=structure)
    data = {field: getattr(source, field) for field in HEADER_FIELDS if field != "number"}
    lines = [{field: getattr(line, field) for field in LINE_FIELDS} for line in source.lines.all()]
    copy = save_draft(actor=actor, structure=structure, data=data, lines=lines)
    events.action_recorded(source, InvoiceAction.DUPLICATE, actor)
    return copy


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
    _require_issuer(actor, structure)
    return _create_deposited_draft(
        actor=actor,
        structure=structure,
        data=data,
        lines=lines,
        amount_due=amount_due,
        deposit_mode=deposit_mode,
        original_name=original_name,
        original_data=original_data,
        original_totals=original_totals,
    )


def _create_deposited_draft(
    *, actor, structure, data, lines, amount_due, deposit_mode, original_name, original_data, original_totals
) -> Invoice:
    deposited = {"deposit_mode": deposit_mode, "original_totals": original_totals}
    invoice = _save_draft(
        actor=actor, structure=structure, data=data, lines=lines, amount_due=amount_due, deposited=deposited
    )
    _attach_principal(invoice, original_name, original_data, actor=actor)
    events.deposited_file(invoice, original_name, actor)
    return invoice
