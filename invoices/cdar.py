"""The reform's lifecycle messages (CDAR) of an invoice: one per status change that has a reform
status (invoices.reform), written by einvoice.cdar; the whole lifecycle as a ZIP of them (the
rules tie a message's parties to one phase, so a lifecycle is several messages).

A message is stated at the moment of its change: downloading it again gives the same bytes."""

import io
import re
import zipfile

from einvoice import cdar
from einvoice.cii import TYPE_CODES
from invoices import reform
from structures.enums import IdentifierType


def party(structure) -> cdar.Party:
    identifier = (structure.identifier or "").strip()
    if structure.identifier_type == IdentifierType.SIRET:
        return cdar.Party(structure.raison_sociale, identifier[:9])
    return cdar.Party(structure.raison_sociale, identifier, scheme="")


def _reference(invoice) -> cdar.InvoiceReference:
    return cdar.InvoiceReference(
        number=invoice.number,
        issue_date=invoice.invoice_date,
        type_code=TYPE_CODES[invoice.invoice_type],
        seller=party(invoice.supplier),
        buyer=party(invoice.recipient),
    )


def statuses(invoice, change) -> tuple:
    """The reform statuses one status change of `invoice` states (none, one, or 200 and 212)."""
    return reform.reform_statuses(change.to_status, invoice.cadre)


def has_message(change) -> bool:
    return reform.reform_status(change.to_status) is not None


def _collected(invoice) -> tuple:
    """The amounts received per VAT rate (BR-FR-CDV-14): each VAT line's base plus its VAT."""
    return tuple((line.base + line.vat, line.rate) for line in invoice.vat_lines.all())


def message(invoice, change, code: str = "") -> bytes | None:
    """The CDAR message stating the reform status `code` (by default the first) of one status
    change of `invoice`; None when the change states no such status."""
    stated = statuses(invoice, change)
    status = (
        next((found for found in stated if found.code == code), None) if code else next(iter(stated), None)
    )
    if status is None:
        return None
    return cdar.build_cdar(
        f"CDV-{invoice.pk}-{change.pk}" + ("" if status is stated[0] else f"-{status.code}"),
        _reference(invoice),
        cdar.Status(
            code=status.code,
            label=status.label,
            phase=status.phase,
            issuer_role=status.issuer_role,
            at=change.created_at,
            reason_code=reform.cdar_reason(change.to_status, change.payload.get("reason_code", "")),
            reason_text=change.reason,
            collected=_collected(invoice) if status is reform.COLLECTED else (),
            currency=invoice.currency or "EUR",
        ),
        issued_at=change.created_at,
    )


def file_name(invoice, change=None, code: str = "") -> str:
    number = re.sub(r"[^A-Za-z0-9_-]", "-", invoice.number)
    if change is None:
        return f"cycle-de-vie_{number}.zip"
    return f"CDV_{number}_{change.pk}_{code or statuses(invoice, change)[0].code}.xml"


def lifecycle_archive(invoice, changes) -> bytes:
    """Every message of `changes`, oldest first, in one ZIP."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for change in sorted(changes, key=lambda change: (change.created_at, change.pk)):
            for status in statuses(invoice, change):
                archive.writestr(
                    file_name(invoice, change, status.code), message(invoice, change, status.code)
                )
    return buffer.getvalue()
