"""The PIVOT export of telecharger/groupe: one XML with the invoices and their files embedded, in
the shape Pastell reads (api.md §4.2; the official XSD is not published, hence the minimum)."""

import base64

from lxml import etree

from invoices.enums import AttachmentKind, PaymentMode


def _text(parent, tag: str, value) -> etree._Element:
    element = etree.SubElement(parent, tag)
    element.text = "" if value is None else str(value)
    return element


def _unit(root, invoice) -> None:
    unit = etree.SubElement(root, "CPPFacturePivotUnitaire")
    supplier = etree.SubElement(unit, "Fournisseur")
    _text(supplier, "TypeIdentifiant", invoice.supplier.identifier_type)
    _text(supplier, "Identifiant", invoice.supplier.identifier)
    _text(supplier, "RaisonSociale", invoice.supplier.raison_sociale)
    _text(supplier, "CodePays", invoice.supplier.pays)
    if invoice.bank_account_id:
        reference = etree.SubElement(supplier, "ReferenceBancaire", Type="IBAN")
        _text(reference, "Compte", invoice.bank_account.iban)
        _text(reference, "Etablissement", invoice.bank_account.bic)
    _text(supplier, "ModeEmission", invoice.deposit_mode)
    debtor = etree.SubElement(unit, "Debiteur")
    _text(debtor, "Identifiant", invoice.recipient.identifier)
    _text(debtor, "Nom", invoice.recipient.raison_sociale)
    _text(debtor, "CodeService", invoice.recipient_service.code if invoice.recipient_service_id else "")
    data = etree.SubElement(unit, "DonneesFacture")
    _text(data, "Id", invoice.number)
    _text(data, "Type", invoice.invoice_type)
    _text(data, "Cadre", invoice.cadre)
    _text(data, "DateEmissionFacture", invoice.invoice_date.isoformat() if invoice.invoice_date else "")
    _text(data, "DateReception", invoice.deposited_at.date().isoformat() if invoice.deposited_at else "")
    mode = etree.SubElement(data, "ModePaiement")
    _text(mode, "Code", invoice.payment_mode)
    _text(mode, "Libelle", PaymentMode(invoice.payment_mode).label if invoice.payment_mode else "")
    _text(data, "Devise", invoice.currency)
    amounts = etree.SubElement(data, "Montants")
    _text(amounts, "MontantHT", invoice.total_ht)
    _text(amounts, "MontantTTC", invoice.total_ttc)
    _text(amounts, "MontantNetAPayer", invoice.amount_due)
    commitment = etree.SubElement(data, "Engagement")
    _text(commitment, "NumeroMarche", invoice.contract_number)
    _text(commitment, "NumeroEngagement", invoice.numero_engagement)
    for attachment in invoice.attachments.order_by("kind", "pk"):
        piece = etree.SubElement(unit, "PJ")
        _text(piece, "TypePJ", "01" if attachment.kind == AttachmentKind.PRINCIPAL else "02")
        _text(piece, "NomPJ", attachment.name)
        with attachment.file.open("rb") as handle:
            _text(piece, "Contenu", base64.b64encode(handle.read()).decode())


def pivot_xml(invoices) -> bytes:
    root = etree.Element("CPPFacturePivot")
    factures = etree.SubElement(root, "CPPFactures")
    for invoice in invoices:
        _unit(factures, invoice)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
