"""From what the extraction read to what the invoice form needs (domain §3.1, standards.md).

Nothing is guessed: a value the file does not give stays empty. Two things are *derived*, and
marked as such: lines rebuilt from the VAT breakdown when the file's own lines cannot reproduce
its totals (or when it has none), and the VAT type from the VAT categories.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext

from annuaire import selectors as annuaire_selectors
from choruspro import formatting, translatable
from choruspro.translatable import gettext as _
from choruspro.translatable import ngettext
from invoices import computations
from invoices.enums import (
    CURRENCIES,
    VAT_RATES,
    ExemptionReason,
    InvoiceType,
    OperationCategory,
    PaymentMode,
    VatCategory,
    VatType,
)
from invoices.services import NUMBER_PATTERN
from structures.enums import BankAccountStatus, IdentifierType

# BT-81 (UNTDID 4461) → mode de règlement.
PAYMENT_MODES = {
    "30": PaymentMode.TRANSFER,
    "31": PaymentMode.TRANSFER,
    "42": PaymentMode.TRANSFER,
    "58": PaymentMode.TRANSFER,
    "20": PaymentMode.CHEQUE,
    "49": PaymentMode.DIRECT_DEBIT,
    "59": PaymentMode.DIRECT_DEBIT,
    "10": PaymentMode.CASH,
}
CURRENCY_CODES = {code for code, _label in CURRENCIES}
OPERATION_CATEGORIES = {
    "B": OperationCategory.GOODS,
    "S": OperationCategory.SERVICES,
    "M": OperationCategory.MIXED,
}
SIX_PLACES = Decimal("0.000001")


@dataclass
class Prefill:
    data: dict = field(default_factory=dict)
    lines: list = field(default_factory=list)
    amount_due: Decimal | None = None
    original_totals: dict | None = None
    # Field names read from the file, and those derived from what was read.
    recognised: list = field(default_factory=list)
    derived: list = field(default_factory=list)
    warnings: list = field(default_factory=list)  # French sentences for the user
    blocking: list = field(default_factory=list)  # problems that forbid sending the file as is


def _decimal(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _digits(value) -> str:
    return re.sub(r"\D", "", str(value or ""))


def prefill(result, *, structure, cadre: str, validator, structured: bool) -> Prefill:
    """`result` is an extraction result; `structured` says whether its data are the legal
    original (Factur-X/CII/UBL that passed validation) or a reading of a PDF."""
    fields = result.fields or {}
    out = Prefill()
    data = out.data
    data["cadre"] = cadre
    data["validator_id"] = validator.pk if validator else None

    def recognised(name, value):
        data[name] = value
        out.recognised.append(name)

    _supplier(fields, structure, structured, out)
    _recipient(fields, out, recognised, getattr(result, "recipient_hint", None))
    number = (fields.get("invoice_number") or "").strip()
    if number:
        if NUMBER_PATTERN.match(number):
            recognised("number", number)
        else:
            out.warnings.append(
                _(
                    "Le numéro « %(number)s » ne respecte pas les règles du portail "
                    "(20 caractères au plus, lettres, chiffres et - _ / +) : saisissez-le."
                )
                % {"number": number[:40]}
            )
            if structured:
                out.blocking.append(
                    _("Numéro de facture non conforme : « %(number)s ».") % {"number": number[:40]}
                )
    for name, key in (("invoice_date", "issue_date"), ("due_date", "due_date")):
        if fields.get(key):
            recognised(name, fields[key])
    document_type = fields.get("document_type")
    if document_type in InvoiceType.values:
        recognised("invoice_type", document_type)
    currency = (fields.get("currency") or "").upper()
    if currency:
        if currency in CURRENCY_CODES:
            recognised("currency", currency)
        else:
            out.warnings.append(
                _("Devise %(currency)s non proposée par le portail.") % {"currency": currency}
            )
            if structured:
                out.blocking.append(_("Devise %(currency)s non acceptée.") % {"currency": currency})
    for name, key, length in (
        ("numero_engagement", "engagement_number", 50),
        ("contract_number", "contract_number", 50),
        ("origin_invoice_number", "origin_invoice_number", 20),
        ("comment", "note", 2000),
    ):
        value = (fields.get(key) or "").strip()
        if value:
            recognised(name, value[:length])
    if data.get("invoice_type") != InvoiceType.CREDIT_NOTE:
        data.pop("origin_invoice_number", None)
        mode = PAYMENT_MODES.get(str(fields.get("payment_means_code") or ""))
        if mode:
            recognised("payment_mode", mode)
    # BT-23 of a reform invoice (S1, B2, M1…) says what it sells.
    process = re.fullmatch(r"([BSM])\d", (fields.get("cadre") or "").strip())
    if process:
        recognised("operation_category", OPERATION_CATEGORIES[process.group(1)])
    _bank_account(fields, structure, out, recognised)
    _vat_type(result, out)
    _lines(result, fields, out, structured)
    if result.format == "pdf":
        _say_what_is_missing(result, out)
    return out


def _say_what_is_missing(result, out) -> None:
    """A PDF's values that were not found are left empty, and the user is told which (those read
    but unsure say « à vérifier » beside their field)."""
    wanted = (
        ("number", _("numéro de facture")),
        ("invoice_date", _("date de facture")),
        ("recipient_id", _("destinataire")),
    )
    missing = [label for name, label in wanted if name not in out.data]
    if not out.lines:
        missing.append(_("montants (HT et TVA)"))
    if missing and (result.fields or getattr(result, "ocr", False)):
        out.warnings.append(
            _("Non trouvé de façon sûre dans le fichier, à saisir : %(fields)s.")
            % {"fields": translatable.join(", ", missing)}
        )


def _supplier(fields, structure, structured, out):
    """The file must come from the structure that deposits it."""
    if structure.identifier_type != IdentifierType.SIRET:
        return
    found = _digits(fields.get("supplier_identifier"))
    vat_number = (fields.get("supplier_vat_number") or "").upper()
    if not found and vat_number.startswith("FR"):
        found = _digits(vat_number[4:])  # FR, two check characters, then the SIREN
    if not found:
        # Unchecked, a file without a seller identifier could be anyone's invoice.
        message = _(
            "Le fichier ne donne pas l'identifiant (SIRET, SIREN ou TVA) de son émetteur : "
            "rien ne montre qu'il est émis par votre structure (%(own)s)."
        ) % {"own": structure.identifier}
        (out.blocking if structured else out.warnings).append(message)
        return
    if found not in (structure.identifier, structure.identifier[:9]):
        message = _("Le fichier est émis par l'identifiant %(found)s, pas par votre structure (%(own)s).") % {
            "found": found,
            "own": structure.identifier,
        }
        (out.blocking if structured else out.warnings).append(message)


def _recipient(fields, out, recognised, hint=None):
    identifier = _digits(fields.get("recipient_identifier"))
    if not identifier:
        _proposed_recipient(hint or {}, out)
        return
    recipient = annuaire_selectors.public_structures().filter(identifier=identifier).first()
    if recipient is None:
        if len(identifier) == 9:
            out.warnings.append(
                _(
                    "Le fichier donne le SIREN %(siren)s du destinataire : "
                    "choisissez son établissement (SIRET) dans l'annuaire."
                )
                % {"siren": identifier}
            )
        else:
            out.warnings.append(
                _("Le destinataire %(identifier)s du fichier n'est pas une structure publique de l'annuaire.")
                % {"identifier": identifier}
            )
        return
    recognised("recipient_id", recipient.pk)
    code = (fields.get("service_code") or "").strip()
    if code:
        service = annuaire_selectors.active_services_of(recipient).filter(code__iexact=code).first()
        if service is not None:
            recognised("recipient_service_id", service.pk)
        elif recipient.code_service_required or annuaire_selectors.active_services_of(recipient).exists():
            out.warnings.append(
                _("Le code service « %(code)s » du fichier n'est pas un service actif du destinataire.")
                % {"code": code[:100]}
            )


def _proposed_recipient(hint: dict, out) -> None:
    """No identifier printed: the one public structure of that name at that postcode is proposed,
    marked as deduced and said so, for the user to confirm."""
    name, postcode = (hint.get("name") or "").strip(), hint.get("postcode") or ""
    if not name or not postcode:
        return
    matches = list(
        annuaire_selectors.public_structures().filter(raison_sociale__iexact=name, code_postal=postcode)[:2]
    )
    if len(matches) != 1:
        return
    out.data["recipient_id"] = matches[0].pk
    out.derived.append("recipient_id")
    out.warnings.append(
        _(
            "Destinataire proposé d'après le nom « %(name)s » et le code postal %(postcode)s lus dans le "
            "fichier, qui ne donne pas son identifiant : vérifiez qu'il s'agit bien de %(identifier)s."
        )
        % {"name": name, "postcode": postcode, "identifier": matches[0].identifier}
    )


def _bank_account(fields, structure, out, recognised):
    iban = re.sub(r"\s", "", fields.get("iban") or "").upper()
    if not iban:
        return
    account = structure.bank_accounts.filter(status=BankAccountStatus.VALID, iban=iban).first()
    if account is not None:
        recognised("bank_account_id", account.pk)
    else:
        out.warnings.append(
            _(
                "L'IBAN %(iban)s du fichier ne figure pas dans les coordonnées bancaires valides "
                "de votre structure."
            )
            % {"iban": iban}
        )


def _categories(result) -> set[str]:
    categories = {str(row.get("category") or "") for row in (result.vat_summary or [])}
    categories |= {str(line.get("vat_category") or "") for line in (result.lines or [])}
    return categories - {""}


def _vat_type(result, out):
    categories = _categories(result)
    if not categories:
        return
    if categories == {"O"}:
        out.data["vat_type"] = VatType.NO_VAT
    elif categories & {"E", "AE", "K", "G"} and not categories & {"S", "L", "M"}:
        out.data["vat_type"] = VatType.EXEMPT
        if "E" in categories:
            codes = {str(row.get("exemption_reason_code") or "").upper() for row in result.vat_summary or []}
            notes = " ".join(str(row.get("exemption_reason") or "") for row in result.vat_summary or [])
            reason = next((code for code in codes if code in ExemptionReason.values), None)
            if reason is None and "293" in notes:
                reason = ExemptionReason.ART_293B
            if reason:
                out.data["exemption_reason"] = reason
    else:
        out.data["vat_type"] = VatType.ON_DEBITS
    out.derived.append("vat_type")


def _as_line(line) -> dict | None:
    quantity, price = _decimal(line.get("quantity")), _decimal(line.get("unit_price"))
    if quantity is None or price is None:
        return None
    return {
        "reference": str(line.get("reference") or "")[:50],
        "designation": (
            str(line.get("designation") or "").strip() or gettext("Ligne %(n)s") % {"n": line.get("position")}
        )[:255],
        "quantity": abs(quantity).quantize(SIX_PLACES),
        "unit": str(line.get("unit") or "")[:30],
        "unit_price": abs(price).quantize(SIX_PLACES),
        "discount": abs(_decimal(line.get("discount")) or Decimal(0)),
        "vat_category": _category(line.get("vat_category"), line.get("vat_rate")),
        "vat_rate": _decimal(line.get("vat_rate")) or Decimal(0),
    }


def _category(code, rate) -> str:
    """The file's VAT category, kept as it is when the portal knows it (else from its rate)."""
    code = str(code or "").upper()
    if code in VatCategory.values:
        return code
    return VatCategory.STANDARD if _decimal(rate) else VatCategory.ZERO


def _breakdown_lines(result) -> list[dict]:
    """One line per VAT rate, its HT base as price: the breakdown's totals, exactly."""
    lines = []
    for row in result.vat_summary or []:
        base, rate = _decimal(row.get("base")), _decimal(row.get("rate")) or Decimal(0)
        if base is None:
            continue
        lines.append(
            {
                "reference": "",
                "designation": gettext("Montant HT au taux de %(rate)s %%") % {"rate": formatting.rate(rate)},
                "quantity": Decimal(1),
                "unit": "",
                "unit_price": abs(base),
                "discount": Decimal(0),
                "vat_category": _category(row.get("category"), rate),
                "vat_rate": rate,
            }
        )
    return lines


def _totals(lines):
    return computations.compute([computations.LineInput.of(line) for line in lines])


def _lines(result, fields, out, structured):
    total_ht, total_vat = _decimal(fields.get("total_ht")), _decimal(fields.get("total_vat"))
    total_ttc, due = _decimal(fields.get("total_ttc")), _decimal(fields.get("amount_due"))
    currency = (fields.get("currency") or "").upper() or "EUR"
    own = [line for line in (_as_line(line) for line in result.lines or []) if line is not None]
    candidates = (
        [(own, False), (_breakdown_lines(result), True)] if own else [(_breakdown_lines(result), True)]
    )
    if (
        not structured
        and not own
        and not result.vat_summary
        and total_ht is not None
        and total_vat is not None
    ):
        candidates.append((_pdf_summary_line(total_ht, total_vat), True))
    chosen = None
    for lines, derived in candidates:
        if not lines:
            continue
        totals = _totals(lines)
        if total_ht is None or (
            totals.total_ht == total_ht and (total_vat is None or totals.total_vat == total_vat)
        ):
            chosen = (lines, derived, totals)
            break
    if chosen is None:
        fallback = next((lines for lines, _derived in candidates if lines), [])
        if fallback:
            chosen = (fallback, fallback is not own, _totals(fallback))
            out.warnings.append(
                _(
                    "Les montants recalculés à partir du fichier ne retrouvent pas ses totaux "
                    "(HT %(ht)s, TVA %(vat)s) : vérifiez les lignes."
                )
                % {
                    "ht": formatting.amount(total_ht, currency),
                    "vat": formatting.amount(total_vat, currency) or "—",
                }
            )
            if structured:
                out.blocking.append(
                    _("Totaux du fichier non reproductibles (remises ou charges non prises en charge).")
                )
    if chosen is not None:
        out.lines, derived, totals = chosen
        (out.derived if derived else out.recognised).append("lines")
        if derived:
            out.warnings.append(_derived_lines_explanation(len(own)))
        if due is not None and due != totals.total_ttc:
            out.amount_due = due
            out.recognised.append("amount_due")
    elif structured:
        out.blocking.append(_("Le fichier ne donne ni lignes ni récapitulatif de TVA."))
    if structured:
        out.original_totals = {
            key: str(value)
            for key, value in (
                ("total_ht", total_ht),
                ("total_vat", total_vat),
                ("total_ttc", total_ttc),
                ("amount_due", due),
            )
            if value is not None
        }


def _derived_lines_explanation(own_count: int) -> str:
    """Why the draft has one line a VAT rate: said, rather than a bare « Montant HT au taux de… »."""
    if own_count:
        return ngettext(
            "La ligne du fichier ne retrouve pas ses totaux : elle est remplacée par une ligne par taux "
            "de TVA, au montant HT du fichier. Vérifiez-la ou saisissez le détail des lignes.",
            "Les %(count)d lignes du fichier ne retrouvent pas ses totaux : elles sont remplacées par une "
            "ligne par taux de TVA, au montant HT du fichier. Vérifiez-la ou saisissez le détail des lignes.",
            own_count,
        ) % {"count": own_count}
    return _(
        "Le fichier ne détaille pas de lignes lisibles : une ligne par taux de TVA reprend son montant HT. "
        "Vérifiez-la ou saisissez le détail des lignes."
    )


def _pdf_summary_line(total_ht: Decimal, total_vat: Decimal) -> list[dict]:
    """A PDF gives totals only: one line at the one legal rate that gives exactly its VAT, if any."""
    matches = [rate for rate in VAT_RATES if computations.cents(total_ht * rate / 100) == total_vat]
    if len(matches) != 1:
        return []
    rate = matches[0]
    return [
        {
            "reference": "",
            "designation": gettext("Montant HT au taux de %(rate)s %%") % {"rate": formatting.rate(rate)},
            "quantity": Decimal(1),
            "unit": "",
            "unit_price": total_ht,
            "discount": Decimal(0),
            "vat_rate": rate,
        }
    ]
