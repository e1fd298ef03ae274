"""The reform's *Rejetée* (213) for a deposited file the platform refuses at its functional checks
(EN 16931 rules): the CDAR message telling the seller and the buyer named in the file that this
invoice was not transmitted. A file whose number, date or buyer cannot be read identifies no
invoice and has none."""

import datetime
import re

from einvoice import cdar
from invoices import reform
from invoices.cdar import party

TYPE_CODES = {"AVOIR": "381"}


def _buyer(fields) -> cdar.Party | None:
    identifier = re.sub(r"\s", "", fields.get("recipient_identifier") or "")
    if not identifier:
        return None
    name = fields.get("recipient_name") or identifier
    if identifier.isdigit() and len(identifier) in (9, 14):
        return cdar.Party(name, identifier[:9])
    return cdar.Party(name, identifier, scheme="")


def _issue_date(fields) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(fields.get("issue_date") or ""))
    except ValueError:
        return None


def has_rejection_message(item) -> bool:
    """Whether a file refused for its EN 16931 errors names an invoice (number, date, buyer)."""
    fields = item.fields or {}
    return bool(
        item.errors
        and item.invoice_id is None
        and item.processed_at
        and (fields.get("invoice_number") or "").strip()
        and _issue_date(fields)
        and _buyer(fields)
    )


def _reference(item) -> cdar.InvoiceReference | None:
    """The invoice a file refused for its EN 16931 errors names, or None; the seller's party (a
    read of the deposit's structure) is built only when there is one."""
    if not has_rejection_message(item):
        return None
    fields = item.fields or {}
    return cdar.InvoiceReference(
        number=fields["invoice_number"].strip()[:100],
        issue_date=_issue_date(fields),
        type_code=TYPE_CODES.get(fields.get("document_type"), "380"),
        seller=party(item.deposit.structure),
        buyer=_buyer(fields),
    )


def rejection_message(item) -> bytes | None:
    """The 213 message of a deposited file refused for its EN 16931 errors, or None."""
    reference = _reference(item)
    if reference is None:
        return None
    status = reform.PLATFORM_REJECTED
    rules = ", ".join(dict.fromkeys(error["rule"] for error in item.errors if error.get("rule")))
    return cdar.build_cdar(
        f"CDV-DEPOT-{item.deposit_id}-{item.pk}",
        reference,
        cdar.Status(
            code=status.code,
            label=status.label,
            phase=status.phase,
            issuer_role=status.issuer_role,
            at=item.processed_at,
            reason_code=reform.SEMANTIC_REJECTION,
            reason_text=f"Règles EN 16931 non respectées : {rules}",
        ),
        issued_at=item.processed_at,
    )


def file_name(item) -> str:
    number = re.sub(r"[^A-Za-z0-9_-]", "-", (item.fields or {}).get("invoice_number") or str(item.pk))
    return f"CDV_{number}_{reform.PLATFORM_REJECTED.code}.xml"
