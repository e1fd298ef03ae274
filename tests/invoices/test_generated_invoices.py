"""Every kind of invoice the portal issues from the entry form passes the official rules: the
Factur-X EN16931 and CII D16B XSDs, the CEN EN 16931 schematron, the FNFE Factur-X EN16931
schematron and the French reform's BR-FR rules (V1.4, fatal set), run from ../shared/standards."""

import datetime
import io
from decimal import Decimal

import facturx
import pytest
from lxml import etree
from pypdf import PdfReader

from einvoice.cii import NSMAP, build_cii_xml
from invoices import documents
from invoices import services as invoice_services
from invoices.models import Invoice
from invoices.services.sending import submission_errors
from structures.enums import IdentifierType
from structures.models import BankAccount
from tests.conftest import with_signed_mandate
from tests.factories import UserFactory, french_vat_number
from tests.invoices.official_validators import failures, require_standards
from tests.invoices.test_views_supplier import entry_data

GERMAN_VAT = "DE136695976"
S_LINES = [
    {"designation": "Fenêtre PVC", "quantity": "2", "unit_price": "450", "discount": "30", "vat_rate": "20"},
    {"designation": "Isolation", "quantity": "1", "unit_price": "1234.56", "vat_rate": "5.5"},
]


def _lines(category, rate="0"):
    line = {"designation": "Prestation", "quantity": "3", "unit_price": "120.50"}
    return [{**line, "vat_category": category, "vat_rate": rate}]


# name → (header data, lines); `{recipient_vat}` and `{validator}` are filled in by the fixture.
MATRIX = {
    "S-standard-rates": ({"global_discount": Decimal("10"), "global_discount_reason": "Geste"}, S_LINES),
    "Z-zero-rate": ({"operation_category": "BIENS"}, _lines("Z")),
    "E-exempt": ({"vat_type": "EXONERATION", "exemption_reason": "VATEX-FR-CGI261-4"}, _lines("E")),
    "E-franchise-293B": ({"vat_type": "EXONERATION", "exemption_reason": "VATEX-FR-FRANCHISE"}, _lines("E")),
    "AE-reverse-charge": ({"vat_type": "EXONERATION", "buyer_vat_number": "{recipient_vat}"}, _lines("AE")),
    "K-intra-community": (
        {
            "vat_type": "EXONERATION",
            "operation_category": "BIENS",
            "buyer_vat_number": GERMAN_VAT,
            "delivery_country": "DE",
            "delivery_date": datetime.date(2026, 10, 28),
            "delivery_address": "Hauptstraße 5",
            "delivery_postcode": "10115",
            "delivery_city": "Berlin",
        },
        _lines("K"),
    ),
    "G-export": (
        {"vat_type": "EXONERATION", "operation_category": "BIENS", "delivery_country": "CH"},
        _lines("G"),
    ),
    "O-out-of-scope": ({"vat_type": "SANS_TVA"}, _lines("O")),
    "mixed-S-and-E": (
        {"operation_category": "MIXTE", "exemption_reason": "VATEX-FR-CGI261-4"},
        [*S_LINES, *_lines("E")],
    ),
    "credit-note": (
        {
            "invoice_type": "AVOIR",
            "payment_mode": "",
            "bank_account_id": None,
            "origin_invoice_number": "F2026-0001",
            "origin_invoice_date": datetime.date(2026, 10, 1),
        },
        S_LINES,
    ),
    "foreign-currency": ({"currency": "USD", "tax_total_eur": Decimal("171.61")}, S_LINES),
    "delivery-address-differs": (
        {
            "operation_category": "BIENS",
            "delivery_address": "Atelier municipal, 3 rue du Port",
            "delivery_postcode": "38100",
            "delivery_city": "Grenoble",
            "delivery_country": "FR",
            "delivery_date": datetime.date(2026, 10, 30),
        },
        S_LINES,
    ),
    "cadre-A2-already-paid": ({"cadre": "A2_FACTURE_FOURNISSEUR_DEJA_PAYEE"}, S_LINES),
    "cadre-A9-subcontractor": ({"cadre": "A9_FACTURE_SOUSTRAITANT", "validator_id": "{validator}"}, S_LINES),
    "cadre-A12-cotractor": ({"cadre": "A12_FACTURE_COTRAITANT", "validator_id": "{validator}"}, S_LINES),
    # A German supplier registered for VAT in France: its French VAT number carries its SIREN.
    "EU-supplier-registered-in-France": ({"supplier": "{eu_supplier_fr}"}, S_LINES),
    # A German supplier with only its German VAT number: the French buyer self-assesses the VAT.
    "EU-supplier-without-siren": (
        {"supplier": "{eu_supplier}", "vat_type": "EXONERATION", "buyer_vat_number": "{recipient_vat}"},
        _lines("AE"),
    ),
}
# BR-FR-10 asks every seller for a SIREN: one not established nor registered in France has none,
# and its invoices are outside the reform's flux 2 (art. 289 bis CGI); every other rule holds.
OUT_OF_SCOPE_RULES = {"EU-supplier-without-siren": {"BR-FR-10_BT-30"}}


def _fill(value, fillers):
    return fillers.get(value, value) if isinstance(value, str) else value


def _german_supplier(make_structure, identifier, vat_number):
    """A supplier established in Germany, identified by its German VAT number."""
    gp = UserFactory()
    structure = make_structure(
        gp,
        identifier_type=IdentifierType.EU_OUTSIDE_FRANCE,
        identifier=identifier,
        raison_sociale="Möbelwerk Berlin GmbH",
        adresse="Hauptstraße 5",
        code_postal="10115",
        ville="Berlin",
        pays="DE",
        numero_tva=vat_number,
    )
    return with_signed_mandate(structure, gp)


FRENCH_REGISTRATION_SIREN = "552100554"


@pytest.fixture
def issue(supplier, recipient, make_structure):
    """issue(name) → the draft of MATRIX[name], complete enough to be sent."""
    require_standards()
    fillers = {
        "{recipient_vat}": french_vat_number(recipient.identifier[:9]),
        "{validator}": make_structure(raison_sociale="Titulaire du marché").pk,
    }
    fillers["{eu_supplier}"] = _german_supplier(make_structure, GERMAN_VAT, GERMAN_VAT)
    fillers["{eu_supplier_fr}"] = _german_supplier(
        make_structure, "DE811907980", french_vat_number(FRENCH_REGISTRATION_SIREN)
    )
    ibans = {supplier.pk: "FR7630006000011234567890189"}
    accounts = {
        issuer.pk: BankAccount.objects.create(
            structure=issuer,
            libelle="Compte courant",
            iban=ibans.get(issuer.pk, "DE89370400440532013000"),
            bic="AGRIFRPPXXX",
        )
        for issuer in (supplier, fillers["{eu_supplier}"], fillers["{eu_supplier_fr}"])
    }

    def make(name):
        data, lines = MATRIX[name]
        data = {key: _fill(value, fillers) for key, value in data.items()}
        issuer = data.pop("supplier", supplier)
        values = {
            "recipient_id": recipient.pk,
            "number": f"F-{name}"[:20],
            "invoice_date": datetime.date(2026, 11, 2),
            "due_date": datetime.date(2026, 12, 2),
            "payment_mode": "VIREMENT",
            "bank_account_id": accounts[issuer.pk].pk,
            "numero_engagement": "EJ-2026-0042",
            **data,
        }
        return invoice_services.save_draft(actor=issuer.gp, structure=issuer, data=values, lines=lines)

    return make


@pytest.mark.parametrize("name", list(MATRIX))
def test_generated_invoice_passes_the_official_rules(issue, name):
    invoice = issue(name)
    assert submission_errors(invoice) == {}
    found = failures(build_cii_xml(invoice))
    expected = OUT_OF_SCOPE_RULES.get(name, set())
    assert {rule.split(":")[0] for rule in found.pop("BR-FR", [])} == expected
    assert found == {}


def test_a_foreign_supplier_is_reached_at_its_vat_number(issue):
    seller = "//ram:SellerTradeParty"
    german = build_cii_xml(issue("EU-supplier-without-siren"))
    assert xpath(german, f"{seller}/ram:URIUniversalCommunication/ram:URIID[@schemeID='9930']/text()") == [
        GERMAN_VAT
    ]
    assert xpath(german, f"{seller}/ram:SpecifiedLegalOrganization/ram:ID/text()") == [GERMAN_VAT]
    registered = build_cii_xml(issue("EU-supplier-registered-in-France"))
    assert xpath(registered, f"{seller}/ram:SpecifiedLegalOrganization/ram:ID[@schemeID='0002']/text()") == [
        FRENCH_REGISTRATION_SIREN
    ]


def xpath(xml: bytes, path: str):
    return etree.fromstring(xml).xpath(path, namespaces=NSMAP)


def test_the_reform_values_are_where_br_fr_reads_them(issue, supplier, recipient):
    xml = build_cii_xml(issue("cadre-A2-already-paid"))
    # BR-FR-08: the reform's process (services, already paid); the Chorus cadre stays in a note.
    assert xpath(xml, "//ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID/text()") == ["S2"]
    assert "Cadre de facturation Chorus Pro : A2" in xpath(xml, "//ram:IncludedNote/ram:Content/text()")
    # BR-FR-10: SIREN as legal identifier (0002), the SIRET as global id and address (0009).
    seller = "//ram:SellerTradeParty"
    assert xpath(xml, f"{seller}/ram:SpecifiedLegalOrganization/ram:ID[@schemeID='0002']/text()") == [
        supplier.identifier[:9]
    ]
    assert xpath(xml, f"{seller}/ram:GlobalID[@schemeID='0009']/text()") == [supplier.identifier]
    assert xpath(xml, f"{seller}/ram:URIUniversalCommunication/ram:URIID/text()") == [supplier.identifier]
    # The customer's SIREN, a mandatory mention of the reform.
    buyer = "//ram:BuyerTradeParty"
    assert xpath(xml, f"{buyer}/ram:SpecifiedLegalOrganization/ram:ID[@schemeID='0002']/text()") == [
        recipient.identifier[:9]
    ]
    # BR-FR-CO-09: already paid, nothing due.
    assert xpath(xml, "//ram:DuePayableAmount/text()") == ["0.00"]


def test_credit_note_and_foreign_currency_carry_what_br_fr_asks(issue):
    credit_note = build_cii_xml(issue("credit-note"))
    assert xpath(credit_note, "//rsm:ExchangedDocument/ram:TypeCode/text()") == ["381"]
    assert xpath(credit_note, "//ram:IncludedNote/ram:SubjectCode/text()") == ["PMD", "PMT", "AAB"]
    reference = "//ram:ApplicableHeaderTradeSettlement/ram:InvoiceReferencedDocument"
    issued = f"{reference}/ram:FormattedIssueDateTime/qdt:DateTimeString/text()"
    assert xpath(credit_note, issued) == ["20261001"]
    dollars = build_cii_xml(issue("foreign-currency"))
    assert xpath(dollars, "//ram:TaxCurrencyCode/text()") == ["EUR"]
    assert xpath(dollars, "//ram:TaxTotalAmount[@currencyID='EUR']/text()") == ["171.61"]


def test_intra_community_invoice_pdf_states_its_mentions(issue):
    invoice = issue("K-intra-community")
    pdf = documents.build_facturx_pdf(invoice)
    _name, xml = facturx.get_xml_from_pdf(pdf, check_xsd=False)
    assert failures(xml) == {}
    assert xpath(xml, "//ram:ApplicableTradeTax/ram:ExemptionReasonCode/text()") == ["VATEX-EU-IC"]
    assert xpath(xml, "//ram:ShipToTradeParty/ram:PostalTradeAddress/ram:CountryID/text()") == ["DE"]
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    for mention in (
        "Livraison intracommunautaire exonérée (art. 262 ter I du CGI)",
        "Livraison de biens",
        GERMAN_VAT,
        "Berlin",
        "28/10/2026",
    ):
        assert mention in text


def test_the_form_says_next_to_each_field_what_an_intra_community_supply_needs(client, supplier, recipient):
    client.force_login(supplier.gp)
    data = entry_data(
        recipient, **{"vat_type": "EXONERATION", "lines-0-vat_rate": "K", "delivery_country": "FR"}
    )
    response = client.post("/factures-emises/saisir/", data)
    invoice = Invoice.objects.get(supplier=supplier)  # the draft is kept
    assert response.status_code == 302 and response.url == f"/factures-emises/{invoice.pk}/modifier/"
    errors = client.get(response.url).context["form"].errors
    assert errors["buyer_vat_number"] == [
        "L'autoliquidation et la livraison intracommunautaire demandent le numéro de TVA "
        "intracommunautaire du destinataire."
    ]
    assert errors["delivery_country"] == [
        "Une livraison intracommunautaire est livrée dans un autre pays de l'Union européenne."
    ]
    assert errors["delivery_date"] == [
        "La date de livraison est obligatoire pour une livraison intracommunautaire."
    ]
    assert [line.vat_category for line in invoice.lines.all()] == ["K"]

    data.update(buyer_vat_number="DE 136 695 976", delivery_country="de", delivery_date="2026-10-28")
    response = client.post(f"/factures-emises/{invoice.pk}/modifier/", data)
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == "DEPOSEE"
    assert (invoice.buyer_vat_number, invoice.delivery_country) == (GERMAN_VAT, "DE")
    assert invoice.total_vat == 0


def test_a_wrong_vat_number_is_refused_next_to_its_field(client, supplier, recipient):
    client.force_login(supplier.gp)
    response = client.post(
        "/factures-emises/saisir/", entry_data(recipient, buyer_vat_number="DE123", action="save")
    )
    assert response.context["form"].errors["buyer_vat_number"] == [
        "Ce numéro de TVA intracommunautaire n'est pas valide."
    ]
