"""EDI: a file dropped in the inbound folder is deposited as deposer/flux deposits it; its report
and the invoices' status changes are written to the outbound folder (the folders are used
directly, as the SFTP service serves them)."""

import json

import pytest
from django.urls import reverse
from lxml import etree

from api import edi, services
from api.models import ApiFlux, EdiConnection
from api.tasks import scan_edi_folders_task

pytestmark = pytest.mark.django_db

CDAR = "urn:un:unece:uncefact:data:standard:CrossDomainAcknowledgementAndResponse:100"
NS = {"ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"}


@pytest.fixture(autouse=True)
def _edi_root(settings, tmp_path):
    settings.API_EDI_ROOT = tmp_path


def _edi(structure, software):
    connection = services.declare_edi_connection(
        actor=structure.gp, structure=structure, account_id=software.account.pk
    )
    return connection, *edi.folders(connection)


def test_a_dropped_facturx_is_deposited_and_reported(
    supplier, recipient, connect, structured_invoice, django_capture_on_commit_callbacks
):
    connection, inbound, outbound = _edi(supplier, connect(supplier))
    _entity, _entity_inbound, entity_outbound = _edi(recipient, connect(recipient))
    assert inbound.is_dir() and outbound.is_dir()
    (inbound / "facture-EDI-1.pdf").write_bytes(structured_invoice("EDI-1"))
    (inbound / "pas-un-pdf.pdf").write_bytes(b"bonjour")
    with django_capture_on_commit_callbacks(execute=True):
        assert scan_edi_folders_task.delay().get() == 2
    assert [p.name for p in inbound.iterdir() if p.is_file()] == []
    refusal = json.loads((outbound / "pas-un-pdf.pdf.refus.json").read_text())
    assert "PDF" in refusal["libelle"]
    flux = ApiFlux.objects.get(edi_connection=connection)
    edi.scan_edi_folders()
    [report_file] = outbound.glob("CPP001*_CR.json")
    report = json.loads(report_file.read_text())
    assert report["etatCourantDepotFlux"] == "IN_INTEGRE"
    assert report_file.name.startswith(report["numeroFluxDepot"])
    assert flux.deposit.items.get().invoice.number == "EDI-1"
    # Each change with a reform status is its CDAR message; the draft has none: a JSON line.
    messages = sorted(outbound.glob("CDV_EDI-1_*.xml"), key=lambda path: int(path.name.split("_")[2]))
    assert [path.name.rsplit("_", 1)[1] for path in messages] == ["200.xml", "201.xml", "203.xml"]
    made_available = etree.fromstring(messages[-1].read_bytes())
    assert made_available.tag == f"{{{CDAR}}}CrossDomainAcknowledgementAndResponse"
    assert made_available.findtext(".//ram:IssuerAssignedID", namespaces=NS) == "EDI-1"
    assert made_available.findtext(".//ram:ProcessConditionCode", namespaces=NS) == "203"
    lines = [json.loads(line) for line in (outbound / "statuts.jsonl").read_text().splitlines()]
    assert "BROUILLON" in [line["statut"] for line in lines]
    assert not {line["statut"] for line in lines} & {"DEPOSEE", "EN_COURS_ACHEMINEMENT", "MISE_A_DISPOSITION"}
    # The recipient hears of the invoice from its making available on, never of the drafts.
    assert [path.name.rsplit("_", 1)[1] for path in entity_outbound.glob("CDV_*.xml")] == ["203.xml"]
    assert not (entity_outbound / "statuts.jsonl").exists()
    # A second scan writes nothing twice.
    edi.scan_edi_folders()
    assert len((outbound / "statuts.jsonl").read_text().splitlines()) == len(lines)
    assert len(list(outbound.glob("CDV_*.xml"))) == 3
    assert len(list(outbound.glob("*_CR.json"))) == 1


def test_a_manager_declares_an_edi_connection_in_the_space(client, supplier, connect, tmp_path):
    software = connect(supplier)
    client.force_login(supplier.gp)
    response = client.post(reverse("api:declare_edi"), {"account": software.account.pk})
    assert response.status_code == 302
    connection = EdiConnection.objects.get(structure=supplier)
    assert (tmp_path / str(connection.folder) / "entrant").is_dir()
    assert str(connection.folder) in client.get(reverse("api:home")).content.decode()
    assert client.post(reverse("api:declare_edi"), {"account": 0}).status_code == 422


def test_the_sftp_login_of_a_connection_sees_its_folder_only(client, supplier, connect, tmp_path):
    software = connect(supplier)
    client.force_login(supplier.gp)
    bad = client.post(
        reverse("api:declare_edi"), {"account": software.account.pk, "ssh_public_key": "bonjour"}
    )
    assert bad.status_code == 422 and "clé publique SSH" in bad.content.decode()
    assert not EdiConnection.objects.exists()
    key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJx0Dq4mS0sL7Fq4T2oY9h0n3cXo8m6bQe3i0v1Cw2Zf erp@dupont.fr"
    response = client.post(
        reverse("api:declare_edi"), {"account": software.account.pk, "ssh_public_key": key}
    )
    assert response.status_code == 302
    connection = EdiConnection.objects.get(structure=supplier)
    login = connection.sftp_login
    assert login.startswith("edi-") and len(login) == 16
    # What the sftp service reads (deploy/sftp/logins.sh): the login's key and its folder.
    logins = tmp_path / edi.LOGINS
    assert (logins / f"{login}.pub").read_text() == key + "\n"
    assert (logins / f"{login}.dossier").read_text().strip() == str(connection.folder)
    assert not str(logins).startswith(str(tmp_path / str(connection.folder)))
    assert login in client.get(reverse("api:home")).content.decode()
