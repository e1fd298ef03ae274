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


def _party(structure) -> cdar.Party:
    identifier = (structure.identifier or "").strip()
    if structure.identifier_type == IdentifierType.SIRET:
        return cdar.Party(structure.raison_sociale, identifier[:9])
    return cdar.Party(structure.raison_sociale, identifier, scheme="")


def _reference(invoice) -> cdar.InvoiceReference:
    return cdar.InvoiceReference(
        number=invoice.number,
        issue_date=invoice.invoice_date,
        type_code=TYPE_CODES[invoice.invoice_type],
        seller=_party(invoice.supplier),
        buyer=_party(invoice.recipient),
    )


def has_message(change) -> bool:
    return reform.reform_status(change.to_status) is not None


def message(invoice, change) -> bytes:
    """The CDAR message of one status change of `invoice` (has_message(change) must hold)."""
    status = reform.reform_status(change.to_status)
    return cdar.build_cdar(
        f"CDV-{invoice.pk}-{change.pk}",
        _reference(invoice),
        cdar.Status(
            code=status.code,
            label=status.label,
            phase=status.phase,
            issuer_role=status.issuer_role,
            at=change.created_at,
            reason_code=reform.cdar_reason(change.to_status, change.payload.get("reason_code", "")),
            reason_text=change.reason,
        ),
        issued_at=change.created_at,
    )


def file_name(invoice, change=None) -> str:
    number = re.sub(r"[^A-Za-z0-9_-]", "-", invoice.number)
    if change is None:
        return f"cycle-de-vie_{number}.zip"
    return f"CDV_{number}_{change.pk}_{reform.reform_status(change.to_status).code}.xml"


def lifecycle_archive(invoice, changes) -> bytes:
    """The messages of `changes` that have one, oldest first, in one ZIP."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for change in sorted(changes, key=lambda change: (change.created_at, change.pk)):
            if has_message(change):
                archive.writestr(file_name(invoice, change), message(invoice, change))
    return buffer.getvalue()
