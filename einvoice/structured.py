"""CII and UBL invoices read into the same fields, one mapping table per syntax, each row named by
its EN 16931 business term (standards.md). The same invoice in both syntaxes reads the same."""

import datetime
import re
from decimal import Decimal, InvalidOperation

from einvoice.result import ExtractionError

CII = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
}
UBL_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
UBL_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
UBL = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
ZUGFERD1 = "urn:ferd:CrossIndustryDocument:invoice:1p0"
ORDER_X = "urn:un:unece:uncefact:data:SCRDMCCBDACIOMessageStructure:100"

_H = "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction"
_AGREEMENT = f"{_H}/ram:ApplicableHeaderTradeAgreement"
_SETTLEMENT = f"{_H}/ram:ApplicableHeaderTradeSettlement"
_TOTALS = f"{_SETTLEMENT}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"
_MEANS = f"{_SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans"

# field: (business term, XPath) — header data of a CII invoice.
CII_FIELDS = {
    "invoice_number": ("BT-1", "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:ID"),
    "issue_date": (
        "BT-2",
        "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString",
    ),
    "type_code": ("BT-3", "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:TypeCode"),
    "currency": ("BT-5", f"{_SETTLEMENT}/ram:InvoiceCurrencyCode"),
    "due_date": (
        "BT-9",
        f"{_SETTLEMENT}/ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString",
    ),
    "service_code": ("BT-10", f"{_AGREEMENT}/ram:BuyerReference"),
    "contract_number": ("BT-12", f"{_AGREEMENT}/ram:ContractReferencedDocument/ram:IssuerAssignedID"),
    "engagement_number": ("BT-13", f"{_AGREEMENT}/ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID"),
    "note": ("BT-22", "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:IncludedNote[1]/ram:Content"),
    "cadre": (
        "BT-23",
        "/rsm:CrossIndustryInvoice/rsm:ExchangedDocumentContext"
        "/ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID",
    ),
    "profile": (
        "BT-24",
        "/rsm:CrossIndustryInvoice/rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID",
    ),
    "origin_invoice_number": ("BT-25", f"{_SETTLEMENT}/ram:InvoiceReferencedDocument/ram:IssuerAssignedID"),
    "supplier_name": ("BT-27", f"{_AGREEMENT}/ram:SellerTradeParty/ram:Name"),
    "supplier_legal_id": (
        "BT-30",
        f"{_AGREEMENT}/ram:SellerTradeParty/ram:SpecifiedLegalOrganization/ram:ID",
    ),
    # A scheme-qualified identifier (GlobalID) is the one UBL keeps: it comes first.
    "supplier_id": ("BT-29", f"{_AGREEMENT}/ram:SellerTradeParty/ram:GlobalID"),
    "supplier_local_id": ("BT-29", f"{_AGREEMENT}/ram:SellerTradeParty/ram:ID"),
    "supplier_vat_number": (
        "BT-31",
        f"{_AGREEMENT}/ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']",
    ),
    "recipient_name": ("BT-44", f"{_AGREEMENT}/ram:BuyerTradeParty/ram:Name"),
    "recipient_legal_id": (
        "BT-47",
        f"{_AGREEMENT}/ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:ID",
    ),
    "recipient_id": ("BT-46", f"{_AGREEMENT}/ram:BuyerTradeParty/ram:GlobalID"),
    "recipient_local_id": ("BT-46", f"{_AGREEMENT}/ram:BuyerTradeParty/ram:ID"),
    "payment_means_code": ("BT-81", f"{_MEANS}/ram:TypeCode"),
    "iban": ("BT-84", f"{_MEANS}/ram:PayeePartyCreditorFinancialAccount/ram:IBANID"),
    "bic": ("BT-86", f"{_MEANS}/ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID"),
    "total_ht": ("BT-109", f"{_TOTALS}/ram:TaxBasisTotalAmount"),
    "total_ttc": ("BT-112", f"{_TOTALS}/ram:GrandTotalAmount"),
    "prepaid_amount": ("BT-113", f"{_TOTALS}/ram:TotalPrepaidAmount"),
    "amount_due": ("BT-115", f"{_TOTALS}/ram:DuePayableAmount"),
}
CII_LINES = f"{_H}/ram:IncludedSupplyChainTradeLineItem"
CII_LINE = {
    "position": "ram:AssociatedDocumentLineDocument/ram:LineID",
    "designation": "ram:SpecifiedTradeProduct/ram:Name",
    "reference": "ram:SpecifiedTradeProduct/ram:SellerAssignedID",
    "quantity": "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity",
    "unit": "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity/@unitCode",
    "net_price": "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:ChargeAmount",
    "base_quantity": "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:BasisQuantity",
    "vat_category": "ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:CategoryCode",
    "vat_rate": "ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:RateApplicablePercent",
    "amount_ht": (
        "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount"
    ),
}
CII_LINE_ALLOWANCES = (
    "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeAllowanceCharge"
    "[ram:ChargeIndicator/udt:Indicator='false']/ram:ActualAmount"
)
CII_LINE_CHARGES = (
    "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeAllowanceCharge"
    "[ram:ChargeIndicator/udt:Indicator='true']/ram:ActualAmount"
)
CII_BREAKDOWN = f"{_SETTLEMENT}/ram:ApplicableTradeTax"
CII_BREAKDOWN_ROW = {
    "category": "ram:CategoryCode",
    "rate": "ram:RateApplicablePercent",
    "base": "ram:BasisAmount",
    "amount": "ram:CalculatedAmount",
    "exemption_reason": "ram:ExemptionReason",
    "exemption_code": "ram:ExemptionReasonCode",
}

_SUPPLIER = "/*/cac:AccountingSupplierParty/cac:Party"
_BUYER = "/*/cac:AccountingCustomerParty/cac:Party"
UBL_FIELDS = {
    "invoice_number": ("BT-1", "/*/cbc:ID"),
    "issue_date": ("BT-2", "/*/cbc:IssueDate"),
    "type_code": ("BT-3", "/*/cbc:InvoiceTypeCode | /*/cbc:CreditNoteTypeCode"),
    "currency": ("BT-5", "/*/cbc:DocumentCurrencyCode"),
    "due_date": ("BT-9", "/*/cbc:DueDate | /*/cac:PaymentMeans/cbc:PaymentDueDate"),
    "service_code": ("BT-10", "/*/cbc:BuyerReference"),
    "contract_number": ("BT-12", "/*/cac:ContractDocumentReference/cbc:ID"),
    "engagement_number": ("BT-13", "/*/cac:OrderReference/cbc:ID"),
    "note": ("BT-22", "/*/cbc:Note[1]"),
    "cadre": ("BT-23", "/*/cbc:ProfileID"),
    "profile": ("BT-24", "/*/cbc:CustomizationID"),
    "origin_invoice_number": ("BT-25", "/*/cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID"),
    "supplier_name": ("BT-27", f"{_SUPPLIER}/cac:PartyLegalEntity/cbc:RegistrationName"),
    "supplier_legal_id": ("BT-30", f"{_SUPPLIER}/cac:PartyLegalEntity/cbc:CompanyID"),
    "supplier_id": ("BT-29", f"{_SUPPLIER}/cac:PartyIdentification/cbc:ID[@schemeID]"),
    "supplier_local_id": ("BT-29", f"{_SUPPLIER}/cac:PartyIdentification/cbc:ID[not(@schemeID)]"),
    "supplier_vat_number": (
        "BT-31",
        f"{_SUPPLIER}/cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='VAT']/cbc:CompanyID",
    ),
    "recipient_name": ("BT-44", f"{_BUYER}/cac:PartyLegalEntity/cbc:RegistrationName"),
    "recipient_legal_id": ("BT-47", f"{_BUYER}/cac:PartyLegalEntity/cbc:CompanyID"),
    "recipient_id": ("BT-46", f"{_BUYER}/cac:PartyIdentification/cbc:ID[@schemeID]"),
    "recipient_local_id": ("BT-46", f"{_BUYER}/cac:PartyIdentification/cbc:ID[not(@schemeID)]"),
    "payment_means_code": ("BT-81", "/*/cac:PaymentMeans/cbc:PaymentMeansCode"),
    "iban": ("BT-84", "/*/cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID"),
    "bic": ("BT-86", "/*/cac:PaymentMeans/cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID"),
    "total_ht": ("BT-109", "/*/cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount"),
    "total_ttc": ("BT-112", "/*/cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount"),
    "prepaid_amount": ("BT-113", "/*/cac:LegalMonetaryTotal/cbc:PrepaidAmount"),
    "amount_due": ("BT-115", "/*/cac:LegalMonetaryTotal/cbc:PayableAmount"),
}
UBL_LINES = "/*/cac:InvoiceLine | /*/cac:CreditNoteLine"
UBL_LINE = {
    "position": "cbc:ID",
    "designation": "cac:Item/cbc:Name",
    "reference": "cac:Item/cac:SellersItemIdentification/cbc:ID",
    "quantity": "cbc:InvoicedQuantity | cbc:CreditedQuantity",
    "unit": "cbc:InvoicedQuantity/@unitCode | cbc:CreditedQuantity/@unitCode",
    "net_price": "cac:Price/cbc:PriceAmount",
    "base_quantity": "cac:Price/cbc:BaseQuantity",
    "vat_category": "cac:Item/cac:ClassifiedTaxCategory/cbc:ID",
    "vat_rate": "cac:Item/cac:ClassifiedTaxCategory/cbc:Percent",
    "amount_ht": "cbc:LineExtensionAmount",
}
UBL_LINE_ALLOWANCES = "cac:AllowanceCharge[cbc:ChargeIndicator='false']/cbc:Amount"
UBL_LINE_CHARGES = "cac:AllowanceCharge[cbc:ChargeIndicator='true']/cbc:Amount"
UBL_BREAKDOWN = "/*/cac:TaxTotal/cac:TaxSubtotal"
UBL_BREAKDOWN_ROW = {
    "category": "cac:TaxCategory/cbc:ID",
    "rate": "cac:TaxCategory/cbc:Percent",
    "base": "cbc:TaxableAmount",
    "amount": "cbc:TaxAmount",
    "exemption_reason": "cac:TaxCategory/cbc:TaxExemptionReason",
    "exemption_code": "cac:TaxCategory/cbc:TaxExemptionReasonCode",
}

# UNTDID 1001 codes that credit the buyer.
CREDIT_NOTE_CODES = {"81", "83", "261", "262", "296", "308", "381", "396", "420", "458", "532"}
CENT = Decimal("0.01")


def syntax_of(root) -> str:
    """ "cii" or "ubl"; anything else is refused with the reason."""
    namespace = root.tag.partition("}")[0].lstrip("{")
    local = root.tag.partition("}")[2]
    if namespace == CII["rsm"] and local == "CrossIndustryInvoice":
        return "cii"
    if (namespace, local) in ((UBL_INVOICE, "Invoice"), (UBL_CREDIT_NOTE, "CreditNote")):
        return "ubl"
    if namespace == ZUGFERD1:
        raise ExtractionError(
            "zugferd1",
            "Ce fichier est au format ZUGFeRD 1, abandonné : déposez-le en Factur-X (ZUGFeRD 2) ou en PDF.",
        )
    if namespace == ORDER_X or local == "SCRDMCCBDACIOMessageStructure":
        raise ExtractionError("order_x", "Ce fichier est une commande (Order-X), pas une facture.")
    raise ExtractionError(
        "not_an_invoice",
        "Ce fichier XML n'est pas une facture UBL ou CII (élément racine « %(root)s »).",
        {"root": str(local or root.tag)[:60]},
    )


def _text(node, path, namespaces) -> str | None:
    found = node.xpath(path, namespaces=namespaces)
    if not found:
        return None
    value = found[0] if isinstance(found[0], str) else found[0].text
    value = " ".join((value or "").split())
    return value or None


# No invoice amount comes near this; beyond it a value is a forgery meant to overflow the sums.
MAX_AMOUNT = Decimal("1e15")
# Validation time grows with the lines (6,521 lines: 68 s of schematron): an invoice above this is
# refused before it is validated. The portal's entry form allows 500.
MAX_LINES = 1000


def _amount(value) -> Decimal | None:
    """Every amount of the file goes through here. Unparseable text reads as absent; a number that
    parses but is no amount (exponent, NaN, Infinity, absurd size) refuses the file, since
    `Decimal` would accept it and fail later in a sum or a rounding."""
    if value is None:
        return None
    text = value.strip().replace(",", ".")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None
    if "e" in text.lower() or not amount.is_finite() or abs(amount) > MAX_AMOUNT:
        raise ExtractionError(
            "invalid_amount",
            "Le montant « %(amount)s » n'est pas un montant valide : il est refusé.",
            {"amount": text[:40]},
        )
    return amount


def _money(value) -> Decimal | None:
    amount = _amount(value)
    return amount.quantize(CENT) if amount is not None else None


def _normal(value: Decimal | None) -> Decimal | None:
    """The same number whatever the syntax wrote (19.00 and 19 read the same)."""
    if value is None:
        return None
    value = value.normalize()
    return value.quantize(Decimal(1)) if value == value.to_integral() else value


def _date(value) -> datetime.date | None:
    if not value:
        return None
    digits = re.sub(r"\D", "", value)
    try:
        return datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:  # also for fewer than eight digits
        return None


def _party_identifier(*candidates: str | None) -> str | None:
    """The party's SIRET when one of its identifiers is one (the French reform puts the SIREN in
    the legal identifier and the SIRET in the global one), else its first identifier."""
    given = [value.strip() for value in candidates if value and value.strip()]
    siret = next((value for value in given if len(value) == 14 and value.isdigit()), None)
    return siret or next(iter(given), None)


def read(root, syntax: str) -> tuple[dict, list, list]:
    """(fields, lines, VAT breakdown) of a CII or UBL invoice."""
    namespaces, table = (CII, CII_FIELDS) if syntax == "cii" else (UBL, UBL_FIELDS)
    count = int(root.xpath(f"count({CII_LINES if syntax == 'cii' else UBL_LINES})", namespaces=namespaces))
    if count > MAX_LINES:
        raise ExtractionError(
            "too_many_lines",
            "Cette facture compte %(count)d lignes : le portail en accepte %(max)d au plus. "
            "Scindez-la en plusieurs factures.",
            {"count": count, "max": MAX_LINES},
        )
    raw = {name: _text(root, path, namespaces) for name, (_term, path) in table.items()}
    fields = {
        "invoice_number": raw["invoice_number"],
        "issue_date": _date(raw["issue_date"]),
        "due_date": _date(raw["due_date"]),
        "currency": (raw["currency"] or "").upper() or None,
        "service_code": raw["service_code"],
        "contract_number": raw["contract_number"],
        "engagement_number": raw["engagement_number"],
        "origin_invoice_number": raw["origin_invoice_number"],
        "note": raw["note"],
        "cadre": raw["cadre"],
        "supplier_name": raw["supplier_name"],
        "supplier_identifier": _party_identifier(
            raw["supplier_legal_id"], raw["supplier_id"], raw["supplier_local_id"]
        ),
        "supplier_vat_number": (raw["supplier_vat_number"] or "").replace(" ", "") or None,
        "recipient_name": raw["recipient_name"],
        "recipient_identifier": _party_identifier(
            raw["recipient_legal_id"], raw["recipient_id"], raw["recipient_local_id"]
        ),
        "payment_means_code": raw["payment_means_code"],
        "iban": (raw["iban"] or "").replace(" ", "").upper() or None,
        "bic": raw["bic"],
    }
    for name in ("total_ht", "total_ttc", "prepaid_amount", "amount_due"):
        fields[name] = _money(raw[name])
    fields["total_vat"] = _vat_total(root, syntax, fields["currency"])
    lines = _lines(root, syntax)
    breakdown = _breakdown(root, syntax)
    # A credit note is an AVOIR with positive amounts, whether its code says so (381) or its amounts
    # are negative on an invoice code (380): the sign rule of standards.md.
    negative = (fields["total_ttc"] or fields["amount_due"] or Decimal(0)) < 0
    is_credit = raw["type_code"] in CREDIT_NOTE_CODES or root.tag.endswith("}CreditNote")
    fields["document_type"] = "AVOIR" if is_credit or negative else "FACTURE"
    fields["type_code"] = raw["type_code"]
    if negative:
        _flip(fields, lines, breakdown)
    return fields, lines, breakdown


def _vat_total(root, syntax, currency) -> Decimal | None:
    """BT-110: the VAT total in the invoice's currency (BT-111 may give it in another one)."""
    if syntax == "cii":
        amounts = root.xpath(f"{_TOTALS}/ram:TaxTotalAmount", namespaces=CII)
    else:
        amounts = root.xpath("/*/cac:TaxTotal/cbc:TaxAmount", namespaces=UBL)
    for amount in amounts:
        if currency is None or amount.get("currencyID") in (None, currency):
            return _money(amount.text)
    return None


def _lines(root, syntax) -> list[dict]:
    namespaces = CII if syntax == "cii" else UBL
    row_paths = CII_LINE if syntax == "cii" else UBL_LINE
    allowances = CII_LINE_ALLOWANCES if syntax == "cii" else UBL_LINE_ALLOWANCES
    charges = CII_LINE_CHARGES if syntax == "cii" else UBL_LINE_CHARGES
    lines = []
    for index, node in enumerate(
        root.xpath(CII_LINES if syntax == "cii" else UBL_LINES, namespaces=namespaces), 1
    ):
        raw = {name: _text(node, path, namespaces) for name, path in row_paths.items()}
        price = _amount(raw["net_price"])
        base = _amount(raw["base_quantity"])
        if price is not None and base not in (None, Decimal(0)):
            # BT-149: the price is for `base` units; the form wants the price of one unit.
            price = price / base
        discount = _sum(node.xpath(allowances, namespaces=namespaces))
        charge = _sum(node.xpath(charges, namespaces=namespaces))
        lines.append(
            {
                "position": raw["position"] or str(index),
                "reference": raw["reference"] or "",
                "designation": raw["designation"] or "",
                "quantity": _normal(_amount(raw["quantity"])),
                "unit": raw["unit"] or "",
                "unit_price": _normal(price),
                "discount": _normal(discount.quantize(CENT)),
                "charge": _normal(charge.quantize(CENT)),
                "vat_category": raw["vat_category"] or "",
                "vat_rate": _normal(_amount(raw["vat_rate"])),
                "amount_ht": _money(raw["amount_ht"]),
            }
        )
    return lines


def _sum(nodes) -> Decimal:
    return sum((_amount(node.text) or Decimal(0) for node in nodes), Decimal(0))


def line_findings(lines: list[dict]) -> list[tuple[str, str]]:
    """BT-131 is quantity × net price + charges − allowances (EN 16931 §6.4). No schematron rule
    checks it, and a wrong price misleads the recipient: the portal does."""
    findings = []
    for line in lines:
        quantity, price, amount = line["quantity"], line["unit_price"], line["amount_ht"]
        if quantity is None or price is None or amount is None:
            continue
        expected = (quantity * price + (line["charge"] or 0) - (line["discount"] or 0)).quantize(CENT)
        if abs(expected - amount) > CENT:
            findings.append(
                (
                    "PORTAIL-BT-131",
                    f"Ligne {line['position']} : quantité × prix net ({quantity} × {price}) "
                    f"donne {expected}, mais le montant de la ligne est {amount}.",
                )
            )
    return findings


def _breakdown(root, syntax) -> list[dict]:
    namespaces = CII if syntax == "cii" else UBL
    row_paths = CII_BREAKDOWN_ROW if syntax == "cii" else UBL_BREAKDOWN_ROW
    rows = []
    for node in root.xpath(CII_BREAKDOWN if syntax == "cii" else UBL_BREAKDOWN, namespaces=namespaces):
        raw = {name: _text(node, path, namespaces) for name, path in row_paths.items()}
        rows.append(
            {
                "category": raw["category"] or "",
                "rate": _normal(_amount(raw["rate"])) if raw["rate"] is not None else Decimal(0),
                "base": _money(raw["base"]),
                "amount": _money(raw["amount"]),
                "exemption_reason": raw["exemption_reason"] or "",
                "exemption_code": raw["exemption_code"] or "",
            }
        )
    return rows


def _flip(fields, lines, breakdown) -> None:
    for name in ("total_ht", "total_vat", "total_ttc", "prepaid_amount", "amount_due"):
        if fields.get(name) is not None:
            fields[name] = -fields[name]
    for line in lines:
        for name in ("quantity", "amount_ht"):
            if line.get(name) is not None:
                line[name] = -line[name]
    for row in breakdown:
        for name in ("base", "amount"):
            if row.get(name) is not None:
                row[name] = -row[name]
