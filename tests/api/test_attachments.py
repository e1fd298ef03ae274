"""transverses/ajouter/fichier and factures/completer (api.md §3.6, §6.8): the supplier's software
sends a file checked by the screens' attachment rules, then completes a suspended invoice with it;
the recipient finds it among the invoice's attachments. Another structure's pieces are not usable."""

import base64

import pytest

from invoices.models import Invoice
from tests.api.conftest import open_raccordement
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(cpro, software, name, data, **extra):
    body = {"pieceJointeFichier": base64.b64encode(data).decode(), "pieceJointeNom": name, **extra}
    return cpro(software, "transverses/v1/ajouter/fichier", body)


@pytest.fixture
def suspended(make_invoice, cpro, connect, recipient):
    invoice = make_invoice()
    entity = connect(recipient)
    answer = cpro(
        entity,
        "factures/v1/traiter/recue",
        {"idFacture": invoice.pk, "nouveauStatut": "SUSPENDUE", "motif": "Bon de livraison manquant"},
    )
    assert answer.status_code == 200, answer.content
    return invoice


def test_a_suspended_invoice_is_completed_with_a_file(cpro, connect, supplier, suspended, recipient):
    software = connect(supplier)
    added = upload(
        cpro,
        software,
        "bon-livraison",
        PDF,
        pieceJointeExtension="PDF",
        pieceJointeTypeMime="application/pdf",
    )
    assert added.status_code == 200, added.content
    piece_id = added.json()["pieceJointeId"]
    assert isinstance(piece_id, int)
    completed = cpro(
        software,
        "factures/v1/completer",
        {
            "identifiantFactureCPP": suspended.pk,
            "commentaire": "Voici le bon de livraison",
            "pieceJointeComplementaire": [
                {"pieceJointeComplementaireId": piece_id, "pieceJointeComplementaireDesignation": "BL"}
            ],
        },
    )
    assert completed.status_code == 200, completed.content
    assert completed.json()["statutFacture"] == "COMPLETEE"
    invoice = Invoice.objects.get(pk=suspended.pk)
    assert invoice.attachments.filter(name="bon-livraison.pdf", kind="COMPLEMENTAIRE").exists()
    stored = invoice.attachments.get(name="bon-livraison.pdf")
    with stored.file.open("rb") as handle:
        assert handle.read() == PDF
    # Attached once: the piece cannot be used again.
    again = cpro(
        software,
        "factures/v1/completer",
        {
            "identifiantFactureCPP": suspended.pk,
            "pieceJointeComplementaire": [{"pieceJointeComplementaireId": piece_id}],
        },
    )
    assert again.status_code == 400
    seen = cpro(
        connect(recipient), "factures/v1/consulter/recipiendaire", {"identifiantFactureCPP": suspended.pk}
    )
    names = [
        piece["pieceJointeDesignation"]
        for piece in seen.json()["facture"]["listeDesPiecesJointes"]["pieceJointe"]
    ]
    assert "bon-livraison.pdf" in names


def test_files_are_checked_as_in_the_screens(cpro, connect, supplier):
    software = connect(supplier)
    wrong = upload(cpro, software, "facture.exe", b"MZ\x90\x00")
    assert wrong.status_code == 400 and "exe" in wrong.json()["libelle"]
    lying = upload(cpro, software, "photo.png", b"pas une image")
    assert lying.status_code == 400 and "ne correspond pas" in lying.json()["libelle"]
    big = upload(cpro, software, "gros.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024))
    assert (big.status_code, big.json()["codeRetour"]) == (400, 20003)
    garbled = cpro(
        software, "transverses/v1/ajouter/fichier", {"pieceJointeFichier": "@@@", "pieceJointeNom": "a.pdf"}
    )
    assert garbled.status_code == 400


def test_another_structures_piece_or_invoice_is_not_usable(
    cpro, connect, supplier, recipient, suspended, make_structure
):
    gp = UserFactory()
    other = make_structure(gp)
    other.gp = gp
    theirs = connect(open_raccordement(other))
    piece_id = upload(cpro, theirs, "piece.pdf", PDF).json()["pieceJointeId"]
    mine = connect(supplier)
    borrowed = cpro(
        mine,
        "factures/v1/completer",
        {
            "identifiantFactureCPP": suspended.pk,
            "pieceJointeComplementaire": [{"pieceJointeComplementaireId": piece_id}],
        },
    )
    assert borrowed.status_code == 400 and "introuvable" in borrowed.json()["libelle"]
    assert Invoice.objects.get(pk=suspended.pk).status == "SUSPENDUE"
    # Their software does not complete our invoice either: « not found », as for any invoice of ours.
    foreign = cpro(
        theirs, "factures/v1/completer", {"identifiantFactureCPP": suspended.pk, "commentaire": "x"}
    )
    assert (foreign.status_code, foreign.json()["codeRetour"]) == (400, 20006)


def test_sent_files_are_listed_and_an_invoices_attachment_downloaded(
    cpro, connect, supplier, recipient, suspended
):
    software = connect(supplier)
    piece_id = upload(cpro, software, "bon.pdf", PDF).json()["pieceJointeId"]
    mine = cpro(software, "transverses/v1/rechercher/pj/moncompte", {}).json()
    assert [(p["pieceJointeId"], p["pieceJointeExtension"]) for p in mine["listePiecesJointes"]] == [
        (piece_id, "PDF")
    ]
    assert mine["parametresRetour"]["total"] == 1
    ours = cpro(software, "transverses/v1/rechercher/pj/structure", {"idStructureCPP": supplier.pk}).json()
    assert [p["pieceJointeId"] for p in ours["listePiecesJointes"]] == [piece_id]
    entity = connect(recipient)
    theirs = cpro(entity, "transverses/v1/rechercher/pj/structure", {"idStructureCPP": supplier.pk})
    assert (theirs.status_code, theirs.json()["codeRetour"]) == (400, 20005)
    none = cpro(entity, "transverses/v1/rechercher/pj/moncompte", {}).json()
    assert (none["codeRetour"], none["listePiecesJointes"]) == (20000, [])
    cpro(
        software,
        "factures/v1/completer",
        {
            "identifiantFactureCPP": suspended.pk,
            "pieceJointeComplementaire": [{"pieceJointeComplementaireId": piece_id}],
        },
    )
    attachment = Invoice.objects.get(pk=suspended.pk).attachments.get(name="bon.pdf")
    wanted = {
        "objetPieceJointe": "DEMANDE_PAIEMENT",
        "pieceJointeDemandePaiement": {"idDemandePaiement": suspended.pk, "pieceJointeId": attachment.pk},
    }
    downloaded = cpro(entity, "transverses/v1/telecharger/pieceJointe", wanted).json()
    assert base64.b64decode(downloaded["pieceJointe"]) == PDF
    assert Invoice.objects.get(pk=suspended.pk).downloaded_by_recipient


def test_another_structure_downloads_no_attachment(cpro, connect, suspended, make_structure):
    gp = UserFactory()
    other = make_structure(gp)
    other.gp = gp
    theirs = connect(open_raccordement(other))
    attachment = Invoice.objects.get(pk=suspended.pk).attachments.first()
    wanted = {"idFacture": suspended.pk, "pieceJointeId": attachment.pk if attachment else 1}
    refused = cpro(theirs, "transverses/v1/telecharger/pieceJointe", wanted)
    assert (refused.status_code, refused.json()["codeRetour"]) == (400, 20006)
