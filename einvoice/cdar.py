"""Lifecycle status messages of the French reform (CDV, flux 6) as UN/CEFACT Cross Domain
Acknowledgement And Response D22B (CDAR), following the BR-FR-CDV rules (XP Z12-012 v1.4,
`france-rfe/CDAR/`).

One message states one status of one invoice (MDT-105), with its reason (MDT-113, MDT-114)
when the status needs one. The rules tie the message's parties to its phase (MDT-77): a
transmission status (305: déposée, émise, mise à disposition) is stated by the platform (WK),
a processing status (23: prise en charge, approuvée, suspendue, refusée…) by the buyer (BY) or
the seller (SE), with its legal identifier. The sender is always the platform: the portal is
Chorus Pro, the B2G platform, whose directory number is 9999 (scheme 0238), which is what
opens the B2G refusal reasons of BR-FR-CDV-CL-09.

Plain data in, bytes out: this module knows nothing of the portal's models.
"""

import datetime
from dataclasses import dataclass

from lxml import etree

from einvoice.cii import QDT, RAM, UDT

RSM = "urn:un:unece:uncefact:data:standard:CrossDomainAcknowledgementAndResponse:100"
NSMAP = {"rsm": RSM, "ram": RAM, "qdt": QDT, "udt": UDT}

# MDT-3: lifecycle messages exchanged between platforms; MDT-2: an invoice under the reform.
GUIDELINE = "urn.cpro.gouv.fr:1p0:CDV:invoice"
BUSINESS_PROCESS = "REGULATED"
TRANSMISSION, PROCESSING = "305", "23"
PLATFORM, BUYER, SELLER = "WK", "BY", "SE"
# The B2G platform's number in the directory of platforms (scheme 0238).
CHORUS_PRO_ID = ("0238", "9999")
SIREN_SCHEME = "0002"
ELECTRONIC_ADDRESS_SCHEME = "0225"


@dataclass(frozen=True)
class Party:
    name: str
    legal_id: str  # the SIREN of a French company
    scheme: str = SIREN_SCHEME  # "" for an identifier no ISO 6523 scheme names

    @property
    def electronic_address(self) -> str:
        # The reform's default electronic address of a company is its SIREN (scheme 0225).
        return self.legal_id


@dataclass(frozen=True)
class InvoiceReference:
    number: str  # MDT-87
    issue_date: datetime.date  # MDG-35
    type_code: str  # MDT-91: 380 invoice, 381 credit note
    seller: Party  # MDT-129
    buyer: Party


@dataclass(frozen=True)
class Status:
    code: str  # MDT-105, 200–213
    label: str  # its official French name (MDT-106)
    phase: str  # MDT-77: TRANSMISSION or PROCESSING
    issuer_role: str  # who states it: PLATFORM, BUYER or SELLER
    at: datetime.datetime  # when the invoice reached it (aware)
    reason_code: str = ""  # MDT-113, mandatory for 206, 207, 208, 210, 213
    reason_text: str = ""  # MDT-114, at most 250 characters
    # 212 (encaissée): the amounts received per VAT rate, (amount TTC, rate %), as MDG-43 "MEN"
    # blocks (BR-FR-CDV-14), in `currency`.
    collected: tuple = ()
    currency: str = "EUR"


def _sub(parent, tag: str, text: str | None = None, **attrib):
    prefix, name = tag.split(":")
    element = etree.SubElement(parent, f"{{{NSMAP[prefix]}}}{name}", attrib)
    if text is not None:
        element.text = text
    return element


def _timestamp(parent, tag: str, moment: datetime.datetime) -> None:
    # Format 204: CCYYMMDDHHMMSS, in UTC so that every reader gets the same instant.
    utc = moment.astimezone(datetime.UTC)
    _sub(_sub(parent, tag), "udt:DateTimeString", utc.strftime("%Y%m%d%H%M%S"), format="204")


def _party(parent, tag: str, role: str, party: Party | None, *, identified: bool, addressed: bool):
    element = _sub(parent, tag)
    if party is None:
        _sub(element, "ram:GlobalID", CHORUS_PRO_ID[1], schemeID=CHORUS_PRO_ID[0])
        _sub(element, "ram:Name", "Chorus Pro")
    else:
        if identified:
            _sub(
                element,
                "ram:GlobalID",
                party.legal_id,
                **({"schemeID": party.scheme} if party.scheme else {}),
            )
        _sub(element, "ram:Name", party.name[:200])
    _sub(element, "ram:RoleCode", role)
    if addressed and party is not None:
        uri = _sub(element, "ram:URIUniversalCommunication")
        _sub(uri, "ram:URIID", party.electronic_address, schemeID=ELECTRONIC_ADDRESS_SCHEME)
    return element


def _issuer(invoice: InvoiceReference, status: Status) -> Party | None:
    return {PLATFORM: None, BUYER: invoice.buyer, SELLER: invoice.seller}[status.issuer_role]


def _recipients(invoice: InvoiceReference, status: Status) -> list[tuple[str, Party]]:
    """Who the status is for: the other party, or both when the platform states it."""
    parties = [(SELLER, invoice.seller), (BUYER, invoice.buyer)]
    return [(role, party) for role, party in parties if role != status.issuer_role]


def build_tree(message_id: str, invoice: InvoiceReference, status: Status, *, issued_at: datetime.datetime):
    root = etree.Element(f"{{{RSM}}}CrossDomainAcknowledgementAndResponse", nsmap=NSMAP)
    context = _sub(root, "rsm:ExchangedDocumentContext")
    _sub(_sub(context, "ram:BusinessProcessSpecifiedDocumentContextParameter"), "ram:ID", BUSINESS_PROCESS)
    _sub(_sub(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", GUIDELINE)

    document = _sub(root, "rsm:ExchangedDocument")
    _sub(document, "ram:ID", message_id)
    _sub(document, "ram:Name", f"Statut {status.code} {status.label}")
    _timestamp(document, "ram:IssueDateTime", issued_at)
    _party(document, "ram:SenderTradeParty", PLATFORM, None, identified=True, addressed=False)
    _party(
        document,
        "ram:IssuerTradeParty",
        status.issuer_role,
        _issuer(invoice, status),
        identified=status.phase == PROCESSING,
        addressed=False,
    )
    for role, party in _recipients(invoice, status):
        _party(document, "ram:RecipientTradeParty", role, party, identified=True, addressed=True)

    acknowledgement = _sub(root, "rsm:AcknowledgementDocument")
    _sub(_sub(acknowledgement, "ram:MultipleReferencesIndicator"), "udt:Indicator", "false")
    _sub(acknowledgement, "ram:TypeCode", status.phase)
    _timestamp(acknowledgement, "ram:IssueDateTime", status.at)
    reference = _sub(acknowledgement, "ram:ReferenceReferencedDocument")
    _sub(reference, "ram:IssuerAssignedID", invoice.number)
    _sub(reference, "ram:TypeCode", invoice.type_code)
    formatted = _sub(reference, "ram:FormattedIssueDateTime")
    _sub(formatted, "qdt:DateTimeString", invoice.issue_date.strftime("%Y%m%d"), format="102")
    _sub(reference, "ram:ProcessConditionCode", status.code)
    _sub(reference, "ram:ProcessCondition", status.label)
    _party(reference, "ram:IssuerTradeParty", SELLER, invoice.seller, identified=True, addressed=False)
    _party(reference, "ram:RecipientTradeParty", BUYER, invoice.buyer, identified=True, addressed=False)
    if status.reason_code or status.collected:
        detail = _sub(reference, "ram:SpecifiedDocumentStatus")
        if status.reason_code:
            _sub(detail, "ram:ReasonCode", status.reason_code)
            if status.reason_text.strip():
                _sub(detail, "ram:Reason", " ".join(status.reason_text.split())[:250])
        _sub(detail, "ram:SequenceNumeric", "1")
        for amount, rate in status.collected:
            characteristic = _sub(detail, "ram:SpecifiedDocumentCharacteristic")
            _sub(characteristic, "ram:TypeCode", "MEN")
            _sub(characteristic, "ram:ValueAmount", f"{amount:.2f}", currencyID=status.currency)
            _sub(characteristic, "ram:ValuePercent", f"{rate:.2f}")
    return root


def build_cdar(
    message_id: str, invoice: InvoiceReference, status: Status, *, issued_at: datetime.datetime
) -> bytes:
    """The CDAR message stating `status` of `invoice`, UTF-8 with its XML declaration."""
    tree = build_tree(message_id, invoice, status, issued_at=issued_at)
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True)
