"""UN/CEFACT CII D16B XML of an invoice at the EN 16931 profile (Factur-X EN16931 level).

Mapping (standards.md): BT-1 number, BT-2 date, BT-3 380/381 (credit notes keep positive
amounts), BT-5 currency, BT-6/BT-111 VAT in EUR, BT-10 service code, BT-12 contract, BT-13
engagement, BT-23 the reform's business process, BT-25/BT-26 origin invoice (credit notes),
BG-4/BG-7 parties, BG-13 delivery, BG-16 payment means, BT-9 due date, BG-25 lines, BG-23 VAT
breakdown, BG-22 totals.

It passes the French reform's rules (BR-FR, XP Z12-012 V1.4, fatal set): BT-23 is the reform's
cadre (B/S/M for goods/services/both, 1 or 2 when already paid) and the Chorus Pro cadre (A1,
A9…) goes in a note; a French party's SIREN is its legal identifier (scheme 0002) and its SIRET
its global identifier and electronic address (scheme 0009); a foreign party is reached at its VAT
number, and has a SIREN only when registered for VAT in France.

The portal's global discount is a TTC amount that does not reduce the VAT bases
(invoices.computations): an EN 16931 document allowance (BG-20) is HT, per VAT category, and
reduces the VAT base, so it cannot express it without changing the VAT amounts printed on the
invoice. It is therefore carried in BT-113 (paid amount, with BT-112 = HT + TVA before the
discount and BT-115 = net à payer) and explained in a BT-22 note.
"""

import re
from decimal import ROUND_HALF_UP, Decimal

from lxml import etree

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
NSMAP = {"rsm": RSM, "ram": RAM, "qdt": QDT, "udt": UDT}

PROFILE_EN16931 = "urn:cen.eu:en16931:2017"
CENT = Decimal("0.01")
ZERO = Decimal("0")

# The portal's stored codes (invoices.enums) are the keys: this package does not import Django.
TYPE_CODES = {"FACTURE": "380", "AVOIR": "381"}
# BT-81 (UNTDID 4461). A transfer without an IBAN cannot be 30/58 (BR-61): 1 = not defined.
PAYMENT_MEANS = {
    "VIREMENT": "58",
    "CHEQUE": "20",
    "PRELEVEMENT": "49",
    "ESPECE": "10",
    "AUTRE": "1",
    "REPORT": "97",
}
# BT-120 legal mention of each VATEX code (BT-121) of category E the portal offers, in French
# whatever language the user who sends the invoice reads (invoices.enums.ExemptionReason).
EXEMPTION_TEXTS = {
    "VATEX-FR-FRANCHISE": "TVA non applicable, art. 293 B du CGI",
    "VATEX-FR-CGI261-2": "Exonération de TVA, art. 261-2 du CGI",
    "VATEX-FR-CGI261-4": "Exonération de TVA, art. 261-4 du CGI",
    "VATEX-FR-CGI261-5": "Exonération de TVA, art. 261-5 du CGI",
    "VATEX-FR-CGI261-7": "Exonération de TVA, art. 261-7 du CGI",
    "VATEX-FR-CGI261C-1": "Exonération de TVA, art. 261 C-1° du CGI",
    "VATEX-FR-CGI261D-1": "Exonération de TVA, art. 261 D-1° du CGI",
    "VATEX-EU-132": "Exonération de TVA, art. 132 de la directive 2006/112/CE",
}
# The categories whose reason is fixed: (VATEX code, legal mention).
CATEGORY_REASONS = {
    "AE": ("VATEX-EU-AE", "Autoliquidation : TVA due par le preneur (art. 283 du CGI)"),
    "K": ("VATEX-EU-IC", "Livraison intracommunautaire exonérée (art. 262 ter I du CGI)"),
    "G": ("VATEX-EU-G", "Exportation exonérée (art. 262 I du CGI)"),
    "O": ("VATEX-EU-O", "Opération non soumise à la TVA"),
}
# BT-23 of the reform: the operation category, then 1 (invoice to pay) or 2 (already paid).
PROCESS_PREFIXES = {"BIENS": "B", "SERVICES": "S", "MIXTE": "M"}
ALREADY_PAID_CADRES = frozenset({"A2"})
# BT-8: VAT on debits → invoice issue date (5); VAT on receipts → paid to date (72).
VAT_DUE_DATE_CODES = {"TVA_SUR_DEBIT": "5", "TVA_SUR_ENCAISSEMENT": "72"}
# Free-text units of the entry form → UN/ECE Recommendation 20 (BT-130); default C62 (one).
UNIT_CODES = {
    "": "C62",
    "u": "C62",
    "unite": "C62",
    "unité": "C62",
    "pce": "H87",
    "piece": "H87",
    "pièce": "H87",
    "h": "HUR",
    "heure": "HUR",
    "heures": "HUR",
    "j": "DAY",
    "jour": "DAY",
    "jours": "DAY",
    "mois": "MON",
    "an": "ANN",
    "kg": "KGM",
    "g": "GRM",
    "t": "TNE",
    "m": "MTR",
    "m2": "MTK",
    "m²": "MTK",
    "m3": "MTQ",
    "m³": "MTQ",
    "l": "LTR",
    "litre": "LTR",
    "km": "KMT",
    "forfait": "LS",
    "lot": "LO",
}

PENALTIES_NOTE = (
    "En cas de retard de paiement, des pénalités de retard sont exigibles au taux d'intérêt "
    "appliqué par la Banque centrale européenne à son opération de refinancement la plus récente "
    "majoré de 10 points (art. L441-10 du Code de commerce)."
)
RECOVERY_NOTE = (
    "Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 € "
    "(art. L441-10 et D441-5 du Code de commerce)."
)
NO_DISCOUNT_NOTE = "Pas d'escompte pour paiement anticipé."


def amount(value) -> str:
    """An amount with exactly two decimals (BR-DEC-xx)."""
    return str(Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP))


def decimal_text(value) -> str:
    """A quantity, price or rate: at least two decimals, no trailing zeros beyond them."""
    value = Decimal(value or 0)
    text = format(value.normalize(), "f")
    if "." not in text:
        return f"{text}.00"
    whole, fraction = text.split(".")
    return f"{whole}.{fraction.ljust(2, '0')}"


def unit_code(unit: str) -> str:
    unit = (unit or "").strip()
    if len(unit) in (2, 3) and unit.isupper() and unit.isalnum():
        return unit  # already a Recommendation 20 code
    return UNIT_CODES.get(unit.lower(), "C62")


def cadre_code(cadre: str) -> str:
    """`A1_FACTURE_FOURNISSEUR` → `A1` (the Chorus Pro cadre)."""
    return (cadre or "").split("_", 1)[0]


def business_process(invoice) -> str:
    """BT-23 as the reform reads it (BR-FR-08): `S1`, `B2`, `M1`…"""
    prefix = PROCESS_PREFIXES.get(invoice.operation_category, "S")
    return f"{prefix}{2 if cadre_code(invoice.cadre) in ALREADY_PAID_CADRES else 1}"


def exemption(category: str, reason_code: str) -> tuple[str, str]:
    """(BT-120 text, BT-121 VATEX code) of a VAT category; empty for S and Z."""
    if category == "E":
        return EXEMPTION_TEXTS.get(reason_code, "Exonération de TVA"), reason_code
    code, text = CATEGORY_REASONS.get(category, ("", ""))
    return text, code


# BT-34/BT-49 scheme (EAS) of a VAT number, by its country prefix: how a party without a SIRET is
# reached (BR-FR-13 makes the seller's electronic address mandatory).
VAT_EAS = {
    "AT": "9914", "BE": "9925", "BG": "9926", "CY": "9928", "CZ": "9929", "DE": "9930", "EE": "9931",
    "EL": "9933", "ES": "9920", "FR": "9957", "HR": "9934", "HU": "9910", "IE": "9935", "LT": "9937",
    "LU": "9938", "LV": "9939", "MT": "9943", "NL": "9944", "PL": "9945", "PT": "9946", "RO": "9947",
    "SI": "9949", "SK": "9950", "FI": "0213", "IT": "0211", "CH": "9927", "GB": "9932",
}  # fmt: skip
FRENCH_VAT = re.compile(r"^FR[0-9A-Z]{2}(\d{9})$")


def _siret(structure) -> str:
    identifier = (structure.identifier or "").strip()
    if structure.identifier_type == "SIRET" and len(identifier) == 14 and identifier.isdigit():
        return identifier
    return ""


def siren_of(structure) -> str:
    """The SIREN of a structure identified by its SIRET, or of a foreign one registered for VAT in
    France (a French VAT number ends with the SIREN the registration gave it), else empty."""
    if _siret(structure):
        return _siret(structure)[:9]
    registered = FRENCH_VAT.match((structure.numero_tva or "").replace(" ", "").upper())
    return registered.group(1) if registered else ""


def electronic_address(structure) -> tuple[str, str]:
    """(BT-34/BT-49, its scheme): the SIRET (0009) of a French structure, else its VAT number."""
    if _siret(structure):
        return _siret(structure), "0009"
    vat_number = (structure.numero_tva or "").replace(" ", "").upper()
    scheme = VAT_EAS.get(vat_number[:2], "")
    return (vat_number, scheme) if scheme else ("", "")


class _Builder:
    def __init__(self, invoice):
        self.invoice = invoice
        self.currency = invoice.currency or "EUR"

    @staticmethod
    def sub(parent, tag, text=None, **attrib):
        prefix, name = tag.split(":")
        element = etree.SubElement(parent, f"{{{NSMAP[prefix]}}}{name}", attrib)
        if text is not None:
            element.text = str(text)
        return element

    def date(self, parent, tag, value):
        wrapper = self.sub(parent, tag)
        self.sub(wrapper, "udt:DateTimeString", value.strftime("%Y%m%d"), format="102")

    def build(self) -> etree._Element:
        invoice = self.invoice
        root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NSMAP)
        context = self.sub(root, "rsm:ExchangedDocumentContext")
        business = self.sub(context, "ram:BusinessProcessSpecifiedDocumentContextParameter")
        self.sub(business, "ram:ID", business_process(invoice))
        guideline = self.sub(context, "ram:GuidelineSpecifiedDocumentContextParameter")
        self.sub(guideline, "ram:ID", PROFILE_EN16931)

        document = self.sub(root, "rsm:ExchangedDocument")
        self.sub(document, "ram:ID", invoice.number)
        self.sub(document, "ram:TypeCode", TYPE_CODES.get(invoice.invoice_type, "380"))
        self.date(document, "ram:IssueDateTime", invoice.invoice_date)
        for subject, text in self.notes():
            note = self.sub(document, "ram:IncludedNote")
            self.sub(note, "ram:Content", text)
            if subject:
                self.sub(note, "ram:SubjectCode", subject)

        transaction = self.sub(root, "rsm:SupplyChainTradeTransaction")
        lines = list(invoice.lines.all())
        self.categories = {line.vat_category for line in lines}
        for line in lines:
            self.line(transaction, line)
        self.agreement(transaction)
        self.delivery(transaction)
        self.settlement(transaction)
        return root

    def notes(self):
        invoice = self.invoice
        notes = []
        if invoice.comment.strip():
            notes.append(("", invoice.comment.strip()))
        if invoice.global_discount:
            reason = invoice.global_discount_reason.strip()
            notes.append(
                (
                    "",
                    f"Remise globale TTC de {amount(invoice.global_discount)} {self.currency}"
                    + (f" : {reason}" if reason else "")
                    + " (déduite du net à payer, portée en montant déjà payé).",
                )
            )
        if cadre_code(invoice.cadre):
            notes.append(("", f"Cadre de facturation Chorus Pro : {cadre_code(invoice.cadre)}"))
        # BR-FR-05: every invoice, credit notes included, carries these three mentions.
        notes += [("PMD", PENALTIES_NOTE), ("PMT", RECOVERY_NOTE), ("AAB", NO_DISCOUNT_NOTE)]
        return notes

    def party(self, parent, tag, structure, *, vat_number=""):
        party = self.sub(parent, tag)
        identifier = (structure.identifier or "").strip()
        siren = siren_of(structure)
        endpoint, scheme = electronic_address(structure)
        if scheme == "0009":
            self.sub(party, "ram:GlobalID", identifier, schemeID="0009")
        self.sub(party, "ram:Name", structure.raison_sociale)
        if identifier:
            organization = self.sub(party, "ram:SpecifiedLegalOrganization")
            if siren:
                self.sub(organization, "ram:ID", siren, schemeID="0002")
            else:
                self.sub(organization, "ram:ID", identifier)
            self.sub(organization, "ram:TradingBusinessName", structure.libelle or structure.raison_sociale)
        address = self.sub(party, "ram:PostalTradeAddress")
        if structure.code_postal:
            self.sub(address, "ram:PostcodeCode", structure.code_postal)
        for value, tag_name in (
            (structure.adresse, "ram:LineOne"),
            (structure.complement_adresse_1, "ram:LineTwo"),
            (structure.complement_adresse_2, "ram:LineThree"),
        ):
            if value:
                self.sub(address, tag_name, value)
        if structure.ville:
            self.sub(address, "ram:CityName", structure.ville)
        self.sub(address, "ram:CountryID", (structure.pays or "FR").upper())
        if endpoint:
            uri = self.sub(party, "ram:URIUniversalCommunication")
            self.sub(uri, "ram:URIID", endpoint, schemeID=scheme)
        if vat_number:
            registration = self.sub(party, "ram:SpecifiedTaxRegistration")
            self.sub(registration, "ram:ID", vat_number.replace(" ", ""), schemeID="VA")
        return party

    def agreement(self, transaction):
        invoice = self.invoice
        agreement = self.sub(transaction, "ram:ApplicableHeaderTradeAgreement")
        if invoice.recipient_service_id:
            self.sub(agreement, "ram:BuyerReference", invoice.recipient_service.code)
        # BR-O-02/03: an invoice "not subject to VAT" carries no VAT identifier.
        out_of_scope = self.categories == {"O"}
        self.party(
            agreement,
            "ram:SellerTradeParty",
            invoice.supplier,
            vat_number="" if out_of_scope else invoice.supplier.numero_tva,
        )
        self.party(
            agreement,
            "ram:BuyerTradeParty",
            invoice.recipient,
            vat_number="" if out_of_scope else buyer_vat_number(invoice),
        )
        if invoice.numero_engagement.strip():
            order = self.sub(agreement, "ram:BuyerOrderReferencedDocument")
            self.sub(order, "ram:IssuerAssignedID", invoice.numero_engagement.strip())
        if invoice.contract_number.strip():
            contract = self.sub(agreement, "ram:ContractReferencedDocument")
            self.sub(contract, "ram:IssuerAssignedID", invoice.contract_number.strip())

    def line(self, transaction, line):
        item = self.sub(transaction, "ram:IncludedSupplyChainTradeLineItem")
        document = self.sub(item, "ram:AssociatedDocumentLineDocument")
        self.sub(document, "ram:LineID", str(line.position))
        product = self.sub(item, "ram:SpecifiedTradeProduct")
        if line.reference:
            self.sub(product, "ram:SellerAssignedID", line.reference)
        self.sub(product, "ram:Name", line.designation)
        agreement = self.sub(item, "ram:SpecifiedLineTradeAgreement")
        price = self.sub(agreement, "ram:NetPriceProductTradePrice")
        self.sub(price, "ram:ChargeAmount", decimal_text(line.unit_price))
        delivery = self.sub(item, "ram:SpecifiedLineTradeDelivery")
        self.sub(delivery, "ram:BilledQuantity", decimal_text(line.quantity), unitCode=unit_code(line.unit))
        settlement = self.sub(item, "ram:SpecifiedLineTradeSettlement")
        tax = self.sub(settlement, "ram:ApplicableTradeTax")
        self.sub(tax, "ram:TypeCode", "VAT")
        self.sub(tax, "ram:CategoryCode", line.vat_category)
        if line.vat_category != "O":
            self.sub(tax, "ram:RateApplicablePercent", decimal_text(line.vat_rate))
        if line.discount:
            allowance = self.sub(settlement, "ram:SpecifiedTradeAllowanceCharge")
            indicator = self.sub(allowance, "ram:ChargeIndicator")
            self.sub(indicator, "udt:Indicator", "false")
            self.sub(allowance, "ram:ActualAmount", amount(line.discount))
            self.sub(allowance, "ram:ReasonCode", "95")
            self.sub(allowance, "ram:Reason", "Remise")
        summation = self.sub(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation")
        self.sub(summation, "ram:LineTotalAmount", amount(line.amount_ht))

    def delivery(self, transaction):
        """BG-13: where and when the goods or services are delivered, when the invoice says it."""
        invoice = self.invoice
        delivery = self.sub(transaction, "ram:ApplicableHeaderTradeDelivery")
        if invoice.delivery_country or invoice.delivery_address.strip():
            party = self.sub(delivery, "ram:ShipToTradeParty")
            if invoice.recipient_id:
                self.sub(party, "ram:Name", invoice.recipient.raison_sociale)
            address = self.sub(party, "ram:PostalTradeAddress")
            if invoice.delivery_postcode.strip():
                self.sub(address, "ram:PostcodeCode", invoice.delivery_postcode.strip())
            if invoice.delivery_address.strip():
                self.sub(address, "ram:LineOne", invoice.delivery_address.strip())
            if invoice.delivery_city.strip():
                self.sub(address, "ram:CityName", invoice.delivery_city.strip())
            self.sub(address, "ram:CountryID", (invoice.delivery_country or "FR").upper())
        if invoice.delivery_date:
            event = self.sub(delivery, "ram:ActualDeliverySupplyChainEvent")
            self.date(event, "ram:OccurrenceDateTime", invoice.delivery_date)

    def settlement(self, transaction):
        invoice = self.invoice
        settlement = self.sub(transaction, "ram:ApplicableHeaderTradeSettlement")
        if self.currency != "EUR":
            self.sub(settlement, "ram:TaxCurrencyCode", "EUR")  # BR-FR-CO-12: VAT accounted in EUR
        self.sub(settlement, "ram:InvoiceCurrencyCode", self.currency)
        self.payment_means(settlement)
        for row in invoice.vat_lines.all():
            text, code = exemption(row.category, invoice.exemption_reason)
            tax = self.sub(settlement, "ram:ApplicableTradeTax")
            self.sub(tax, "ram:CalculatedAmount", amount(row.vat))
            self.sub(tax, "ram:TypeCode", "VAT")
            if text:
                self.sub(tax, "ram:ExemptionReason", text)
            self.sub(tax, "ram:BasisAmount", amount(row.base))
            self.sub(tax, "ram:CategoryCode", row.category)
            if code:
                self.sub(tax, "ram:ExemptionReasonCode", code)
            if invoice.vat_type in VAT_DUE_DATE_CODES and row.category == "S":
                self.sub(tax, "ram:DueDateTypeCode", VAT_DUE_DATE_CODES[invoice.vat_type])
            if row.category != "O":
                self.sub(tax, "ram:RateApplicablePercent", decimal_text(row.rate))
        if invoice.amount_due > 0 or invoice.due_date:
            terms = self.sub(settlement, "ram:SpecifiedTradePaymentTerms")
            description = (
                f"Paiement à réception, au plus tard le {invoice.due_date:%d/%m/%Y}."
                if invoice.due_date
                else "Paiement dans le délai légal de paiement."
            )
            self.sub(terms, "ram:Description", description)
            if invoice.due_date:
                self.date(terms, "ram:DueDateDateTime", invoice.due_date)
        self.summation(settlement)
        if invoice.invoice_type == "AVOIR" and invoice.origin_invoice_number:
            reference = self.sub(settlement, "ram:InvoiceReferencedDocument")
            self.sub(reference, "ram:IssuerAssignedID", invoice.origin_invoice_number)
            if invoice.origin_invoice_date:  # BT-26, which BR-FR-CO-05 requires
                issued = self.sub(reference, "ram:FormattedIssueDateTime")
                issue_date = invoice.origin_invoice_date.strftime("%Y%m%d")
                self.sub(issued, "qdt:DateTimeString", issue_date, format="102")

    def payment_means(self, settlement):
        invoice = self.invoice
        if not invoice.payment_mode:
            return
        account = invoice.bank_account if invoice.bank_account_id else None
        code = PAYMENT_MEANS.get(invoice.payment_mode, "1")
        if code == "58" and account is None:
            code = "1"
        means = self.sub(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
        self.sub(means, "ram:TypeCode", code)
        self.sub(means, "ram:Information", invoice.get_payment_mode_display())
        if account is not None and code in ("58", "30", "31", "42"):
            creditor = self.sub(means, "ram:PayeePartyCreditorFinancialAccount")
            self.sub(creditor, "ram:IBANID", account.iban.replace(" ", ""))
            if account.libelle:
                self.sub(creditor, "ram:AccountName", account.libelle)
            if account.bic:
                institution = self.sub(means, "ram:PayeeSpecifiedCreditorFinancialInstitution")
                self.sub(institution, "ram:BICID", account.bic)

    def summation(self, settlement):
        invoice = self.invoice
        line_total = sum((Decimal(line.amount_ht) for line in invoice.lines.all()), ZERO)
        tax_total = Decimal(invoice.total_vat)
        grand_total = Decimal(invoice.total_ht) + tax_total  # BR-CO-15, before the TTC discount
        due = Decimal(invoice.amount_due)
        summation = self.sub(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
        self.sub(summation, "ram:LineTotalAmount", amount(line_total))
        self.sub(summation, "ram:TaxBasisTotalAmount", amount(invoice.total_ht))
        self.sub(summation, "ram:TaxTotalAmount", amount(tax_total), currencyID=self.currency)
        if self.currency != "EUR":
            self.sub(summation, "ram:TaxTotalAmount", amount(invoice.tax_total_eur), currencyID="EUR")
        self.sub(summation, "ram:GrandTotalAmount", amount(grand_total))
        if due != grand_total:
            self.sub(summation, "ram:TotalPrepaidAmount", amount(grand_total - due))
        self.sub(summation, "ram:DuePayableAmount", amount(due))


def buyer_vat_number(invoice) -> str:
    """BT-48: the number typed on the invoice, else the recipient's."""
    if invoice.buyer_vat_number.strip():
        return invoice.buyer_vat_number.strip()
    return invoice.recipient.numero_tva if invoice.recipient_id else ""


def build_cii_tree(invoice) -> etree._Element:
    return _Builder(invoice).build()


def build_cii_xml(invoice) -> bytes:
    """The invoice as Factur-X EN 16931 CII XML (UTF-8, with XML declaration)."""
    return etree.tostring(build_cii_tree(invoice), xml_declaration=True, encoding="UTF-8", pretty_print=True)
