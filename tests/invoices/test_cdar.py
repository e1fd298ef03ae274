"""The reform's lifecycle messages (CDAR): every status of the mapping table gives a message the
official artefacts of `france-rfe/CDAR/` accept (D22B XSD and the BR-FR-CDV fatal schematron),
the Traiter motifs carry the reform's reason codes, and the downloads stay in the user's scope."""

import datetime
import io
import os
import zipfile
from decimal import Decimal as D
from pathlib import Path

import pytest
from lxml import etree

from einvoice import cdar, validation
from invoices import reform, services
from invoices.enums import InvoiceStatus
from invoices.exceptions import InvoiceError
from tests.conftest import require_or_skip
from tests.factories import UserFactory


def _standards() -> Path:
    """The official artefacts: beside the project (../shared/standards), wherever it is cloned."""
    candidates = [
        os.environ.get("CHORUS_STANDARDS", ""),
        Path(__file__).resolve().parents[3] / "shared" / "standards",
        "/work/shared/standards",
    ]
    return next(
        (Path(path) for path in candidates if path and Path(path, "france-rfe").is_dir()), Path(candidates[1])
    )


CDAR_DIR = _standards() / "france-rfe" / "CDAR"
SVRL = "{http://purl.oclc.org/dsdl/svrl}"


class CdarValidator:
    """The official XSD and fatal schematron, each loaded once for the module."""

    def __init__(self):
        require_or_skip(
            CDAR_DIR.is_dir(), f"needs the official artefacts of ../shared/standards ({CDAR_DIR})"
        )
        self.schema = etree.XMLSchema(
            file=str(
                CDAR_DIR / "1xsd-CDAR_D22B_uncoupled" / "CrossDomainAcknowledgementAndResponse_100pD22B.xsd"
            )
        )
        with validation._lock:  # one Saxon processor per process, shared with the invoice validators
            compiler = validation._saxon().new_xslt30_processor()
            self.schematron = compiler.compile_stylesheet(
                stylesheet_file=str(CDAR_DIR / "2xslt" / "BR-FR-CDV-Schematron-CDAR.xslt")
            )

    def errors(self, xml: bytes) -> list[str]:
        """XSD errors, then the ids of the fatal assertions that failed; [] when valid."""
        root = etree.fromstring(xml)
        if not self.schema.validate(root):
            return [f"XSD: {error.message}" for error in self.schema.error_log]
        with validation._lock:
            node = validation._saxon().parse_xml(xml_text=xml.decode())
            svrl = etree.fromstring(self.schematron.transform_to_string(xdm_node=node).encode())
        assert list(svrl.iter(f"{SVRL}fired-rule")), "the schematron ran no rule: not a CDAR it knows"
        return [
            failed.get("id")
            for failed in svrl.iter(f"{SVRL}failed-assert")
            if (failed.get("flag") or "fatal") == "fatal"
        ]


@pytest.fixture(scope="module")
def validator():
    return CdarValidator()


SELLER = cdar.Party("Menuiserie Test", "418166096")
BUYER = cdar.Party("Commune de Recevoir", "213800006")
INVOICE = cdar.InvoiceReference("F2026-0042", datetime.date(2026, 11, 2), "380", SELLER, BUYER)
AT = datetime.datetime(2026, 11, 5, 14, 30, tzinfo=datetime.UTC)


def _message(status: str, reason: str = "") -> bytes:
    found = reform.reform_status(status)
    return cdar.build_cdar(
        "CDV-1-1",
        INVOICE,
        cdar.Status(
            found.code,
            found.label,
            found.phase,
            found.issuer_role,
            AT,
            reform.cdar_reason(status, reason),
            "Le code service indiqué n'existe pas",
        ),
        issued_at=AT,
    )


CASES = [(status, "") for status in reform.STATUSES] + [
    (status, reason) for status, reasons in reform.REASONS.items() for reason in reasons
]


@pytest.mark.parametrize(("status", "reason"), CASES, ids=[f"{s}-{r or 'sans-motif'}" for s, r in CASES])
def test_each_status_and_motif_of_the_table_gives_a_valid_cdar(validator, status, reason):
    xml = _message(status, reason)
    assert validator.errors(xml) == []
    root = etree.fromstring(xml)
    assert root.findtext(".//ram:ProcessConditionCode", namespaces=cdar.NSMAP) == reform.STATUSES[status].code


def test_the_validator_refuses_what_the_rules_refuse(validator):
    """A reason code outside the CDAR list, and a suspension without one, are fatal errors."""
    found = reform.STATUSES[InvoiceStatus.SUSPENDED]
    status = cdar.Status(found.code, found.label, found.phase, found.issuer_role, AT, reason_code="SE_ERR")
    errors = validator.errors(cdar.build_cdar("CDV-1-1", INVOICE, status, issued_at=AT))
    assert "BR-FR-CDV-CL-09_MDT-113" in errors
    status = cdar.Status(found.code, found.label, found.phase, found.issuer_role, AT)
    assert validator.errors(cdar.build_cdar("CDV-1-1", INVOICE, status, issued_at=AT)) == [
        "BR-FR-CDV-15_MDT-113"
    ]


def test_chorus_motifs_are_stated_in_the_cdar_vocabulary():
    assert reform.cdar_reason(InvoiceStatus.TO_RECYCLE, "SE_ERR") == "CODE_ROUTAGE_ERR"
    assert reform.cdar_reason(InvoiceStatus.REJECTED, "CMD_EJ_ERR") == "CMD_ERR"
    assert reform.cdar_reason(InvoiceStatus.SUSPENDED, "") == "JUSTIF_ABS"
    assert reform.cdar_reason(InvoiceStatus.REJECTED, "") == "AUTRE"
    assert reform.cdar_reason(InvoiceStatus.PAID, "AUTRE") == ""
    assert not reform.reason_allowed(InvoiceStatus.SUSPENDED, "AUTRE")


@pytest.fixture
def recipient_client(client, recipient):
    client.force_login(recipient.gp)
    return client


def _entries(response) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.django_db
def test_a_refusal_with_its_motif_reaches_the_supplier_as_cdar(
    validator, recipient_client, client, supplier, make_invoice
):
    invoice = make_invoice()
    page = recipient_client.get(f"/factures-recues/{invoice.pk}/").content.decode()
    assert 'data-reform-status="203"' in page
    assert '<option value="SE_ERR">SE_ERR — Code service erroné ou absent</option>' in page
    response = recipient_client.post(
        f"/factures-recues/{invoice.pk}/traiter/",
        {
            "transition": "reject",
            "reason_code": "CMD_EJ_ERR",
            "reason": "Le numéro d'engagement EJ-12 est clos",
            "expected_status": invoice.status,
        },
    )
    assert response.status_code == 302
    change = invoice.status_changes.get(to_status=InvoiceStatus.REJECTED)
    assert change.payload == {"reason_code": "CMD_EJ_ERR"}

    client.force_login(supplier.gp)
    page = client.get(f"/factures-emises/{invoice.pk}/").content.decode()
    assert 'data-reform-status="210"' in page
    assert "Code motif : CMD_EJ_ERR — Numéro de bon de commande ou d&#x27;engagement erroné ou absent" in page
    assert f"/factures-emises/{invoice.pk}/cycle-de-vie/{change.pk}/" in page
    response = client.get(f"/factures-emises/{invoice.pk}/cycle-de-vie/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    messages = _entries(response)
    assert [name.rsplit("_", 1)[1] for name in messages] == ["200.xml", "201.xml", "203.xml", "210.xml"]
    for xml in messages.values():
        assert validator.errors(xml) == []
    refusal = etree.fromstring(client.get(f"/factures-emises/{invoice.pk}/cycle-de-vie/{change.pk}/").content)
    status = refusal.find(".//ram:SpecifiedDocumentStatus", namespaces=cdar.NSMAP)
    assert status.findtext("ram:ReasonCode", namespaces=cdar.NSMAP) == "CMD_ERR"
    assert status.findtext("ram:Reason", namespaces=cdar.NSMAP) == "Le numéro d'engagement EJ-12 est clos"
    assert refusal.findtext(".//ram:IssuerAssignedID", namespaces=cdar.NSMAP) == invoice.number


@pytest.mark.django_db
def test_a_motif_the_action_does_not_take_is_refused_next_to_its_field(recipient_client, make_invoice):
    invoice = make_invoice()
    response = recipient_client.post(
        f"/factures-recues/{invoice.pk}/traiter/",
        {
            "transition": "suspend",
            "reason_code": "DOUBLON",
            "reason": "Déjà reçue",
            "expected_status": invoice.status,
        },
    )
    assert response.status_code == 422
    assert response.context["form"].errors["reason_code"] == ["Ce motif ne s'applique pas au statut choisi."]
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.MADE_AVAILABLE


@pytest.mark.django_db
def test_the_service_refuses_a_motif_the_status_does_not_take(recipient, make_invoice):
    invoice = make_invoice()
    with pytest.raises(InvoiceError, match="Ce motif ne s'applique pas au statut choisi."):
        services.process_invoice(
            actor=recipient.gp,
            structure=recipient,
            invoice_id=invoice.pk,
            transition="pay",
            reason_code="DOUBLON",
        )


@pytest.mark.django_db
def test_lifecycle_downloads_are_scoped_to_the_acting_structure(
    client, supplier, recipient, make_invoice, make_structure
):
    invoice = make_invoice()
    change = invoice.status_changes.get(to_status=InvoiceStatus.MADE_AVAILABLE)
    urls = [f"/factures-{side}/{invoice.pk}/cycle-de-vie/" for side in ("emises", "recues")]
    urls += [f"/factures-{side}/{invoice.pk}/cycle-de-vie/{change.pk}/" for side in ("emises", "recues")]
    client.force_login(supplier.gp)
    assert client.get(urls[0]).status_code == 200
    assert client.get(urls[2]).status_code == 200
    other_supplier, other_recipient = UserFactory(), UserFactory()
    make_structure(other_supplier)
    make_structure(other_recipient, public=True)
    for user in (other_supplier, other_recipient):
        client.force_login(user)
        assert {url: client.get(url).status_code for url in urls} == dict.fromkeys(urls, 404)
    # A status change of another invoice, through this invoice's address.
    other = make_invoice(number="F-AUTRE")
    client.force_login(recipient.gp)
    foreign_change = other.status_changes.get(to_status=InvoiceStatus.MADE_AVAILABLE)
    assert client.get(f"/factures-recues/{invoice.pk}/cycle-de-vie/{foreign_change.pk}/").status_code == 404
    assert client.get(urls[3]).status_code == 200


@pytest.mark.django_db
def test_a_draft_has_no_lifecycle_yet(client, supplier, make_invoice):
    draft = make_invoice(send=False)
    client.force_login(supplier.gp)
    page = client.get(f"/factures-emises/{draft.pk}/").content.decode()
    assert 'data-testid="cdar-lifecycle"' not in page
    assert "data-reform-status" not in page
    assert client.get(f"/factures-emises/{draft.pk}/cycle-de-vie/").status_code == 404
    change = draft.status_changes.get()
    assert client.get(f"/factures-emises/{draft.pk}/cycle-de-vie/{change.pk}/").status_code == 404


def test_a_credit_note_from_a_supplier_without_siren_gives_a_valid_cdar(validator):
    foreign = cdar.Party("Fensterbau GmbH", "DE123456789", scheme="")
    credit_note = cdar.InvoiceReference("AV-2026-7", datetime.date(2026, 11, 2), "381", foreign, BUYER)
    found = reform.STATUSES[InvoiceStatus.REJECTED]
    status = cdar.Status(found.code, found.label, found.phase, found.issuer_role, AT, reason_code="DOUBLON")
    xml = cdar.build_cdar("CDV-2-9", credit_note, status, issued_at=AT)
    assert validator.errors(xml) == []
    root = etree.fromstring(xml)
    assert root.findtext(".//ram:ReferenceReferencedDocument/ram:TypeCode", namespaces=cdar.NSMAP) == "381"


@pytest.mark.django_db
def test_an_invoice_deposited_already_paid_states_it_encaissee(validator, client, supplier, make_invoice):
    """Cadre A2 (déjà payée): its deposit is 200 Déposée and 212 Encaissée, with the amounts
    received per VAT rate that BR-FR-CDV-14 asks for."""
    invoice = make_invoice(cadre="A2_FACTURE_FOURNISSEUR_DEJA_PAYEE")
    client.force_login(supplier.gp)
    page = client.get(f"/factures-emises/{invoice.pk}/").content.decode()
    assert "212 Encaissée" in page
    messages = _entries(client.get(f"/factures-emises/{invoice.pk}/cycle-de-vie/"))
    assert [name.rsplit("_", 1)[1] for name in messages] == ["200.xml", "212.xml", "201.xml", "203.xml"]
    for xml in messages.values():
        assert validator.errors(xml) == []
    deposited = invoice.status_changes.get(to_status=InvoiceStatus.DEPOSITED)
    url = f"/factures-emises/{invoice.pk}/cycle-de-vie/{deposited.pk}/"
    assert f"{url}?statut=212" in page
    collected = etree.fromstring(client.get(f"{url}?statut=212").content)
    ns = cdar.NSMAP
    assert (
        collected.findtext(".//ram:ReferenceReferencedDocument/ram:ProcessConditionCode", namespaces=ns)
        == "212"
    )
    assert (
        collected.findtext("rsm:ExchangedDocument/ram:IssuerTradeParty/ram:RoleCode", namespaces=ns) == "SE"
    )
    blocks = collected.findall(".//ram:SpecifiedDocumentCharacteristic", namespaces=ns)
    received = {
        (block.findtext("ram:ValuePercent", namespaces=ns), block.findtext("ram:ValueAmount", namespaces=ns))
        for block in blocks
    }
    assert received == {
        (f"{line.rate:.2f}", f"{line.base + line.vat:.2f}") for line in invoice.vat_lines.all()
    }
    assert sum(D(amount) for _rate, amount in received) == invoice.total_ttc
    assert client.get(f"{url}?statut=210").status_code == 404
    # An invoice not paid beforehand states no 212.
    other = make_invoice()
    assert not any(
        name.endswith("_212.xml")
        for name in _entries(client.get(f"/factures-emises/{other.pk}/cycle-de-vie/"))
    )


def test_a_payment_received_without_amounts_is_refused_by_the_rules(validator):
    status = cdar.Status(
        reform.COLLECTED.code,
        reform.COLLECTED.label,
        reform.COLLECTED.phase,
        reform.COLLECTED.issuer_role,
        AT,
    )
    assert validator.errors(cdar.build_cdar("CDV-3-1", INVOICE, status, issued_at=AT)) == [
        "BR-FR-CDV-14_MDT-207"
    ]
