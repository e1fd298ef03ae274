"""deposer/pdf then soumettre (Pastell's supplier « PDF » mode, api.md §3.5): the PDF is read for
a pre-fill, then the invoice given as JSON is sent with the checks of *Valider et envoyer*."""

import base64

import pytest
from weasyprint import HTML

from api.models import ApiPiece
from invoices.models import Invoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def pdf(recipient):
    return HTML(
        string=f"<h1>FACTURE N° PDF-2026-7</h1><p>Date de facture : 15/10/2026</p>"
        f"<p>SIRET client : {recipient.identifier}</p><p>Total HT 100,00 € TVA 20,00 € Total TTC 120,00 €</p>"
    ).write_pdf()


def _submission(recipient, piece_id, **changes):
    return {
        "modeDepot": "DEPOT_PDF_API",
        "numeroFactureSaisi": "PDF-2026-7",
        "dateFacture": "2026-10-15",
        "destinataire": {"codeDestinataire": recipient.identifier},
        "fournisseur": {"idFournisseur": 0},
        "cadreDeFacturation": {"codeCadreFacturation": "A1_FACTURE_FOURNISSEUR"},
        "references": {
            "deviseFacture": "EUR",
            "typeFacture": "FACTURE",
            "typeTva": "TVA_SUR_DEBIT",
            "modePaiement": "CHEQUE",
        },
        "montantTotal": {
            "montantHtTotal": 100.0,
            "montantTVA": 20.0,
            "montantTtcTotal": 120.0,
            "montantAPayer": 120.0,
        },
        "pieceJointePrincipale": [
            {"pieceJointePrincipaleDesignation": "facture.pdf", "pieceJointePrincipaleId": piece_id}
        ],
        **changes,
    }


def test_a_pdf_deposited_then_submitted_becomes_a_sent_invoice(
    cpro, supplier, recipient, connect, pdf, django_capture_on_commit_callbacks
):
    software = connect(supplier)
    read = cpro(
        software,
        "factures/v1/deposer/pdf",
        {
            "fichierFacture": base64.b64encode(pdf).decode(),
            "nomFichier": "facture.pdf",
            "formatDepot": "PDF_NON_SIGNE",
        },
    ).json()
    assert read["codeRetour"] == 0
    assert read["numeroFacture"] == "PDF-2026-7"
    assert read["codeDestinataire"] == recipient.identifier
    refused = cpro(
        software,
        "factures/v1/soumettre",
        _submission(recipient, read["pieceJointeId"], destinataire={"codeDestinataire": "00000000000000"}),
    )
    assert refused.status_code == 400
    assert not Invoice.objects.filter(number="PDF-2026-7").exists()
    with django_capture_on_commit_callbacks(execute=True):
        sent = cpro(software, "factures/v1/soumettre", _submission(recipient, read["pieceJointeId"]))
    assert sent.status_code == 200, sent.content
    answer = sent.json()
    invoice = Invoice.objects.get(pk=answer["identifiantFactureCPP"])
    assert (invoice.number, invoice.supplier, invoice.total_ttc) == ("PDF-2026-7", supplier, 120)
    assert invoice.status == "MISE_A_DISPOSITION"
    assert invoice.attachments.get().name == "facture.pdf"
    assert not ApiPiece.objects.exists()
    # The piece is used once: a second soumettre has nothing to send.
    again = cpro(software, "factures/v1/soumettre", _submission(recipient, read["pieceJointeId"]))
    assert again.status_code == 400


def test_another_structures_piece_cannot_be_submitted(
    cpro, supplier, recipient, make_structure, connect, pdf
):
    software = connect(supplier)
    piece = cpro(
        software,
        "factures/v1/deposer/pdf",
        {"fichierFacture": base64.b64encode(pdf).decode(), "nomFichier": "facture.pdf"},
    ).json()["pieceJointeId"]
    other = make_structure(raison_sociale="Autre Fournisseur")
    other.gp = other.memberships.get().user
    response = cpro(connect(other), "factures/v1/soumettre", _submission(recipient, piece))
    assert response.status_code == 400
    assert "introuvable" in response.json()["libelle"]


def test_a_file_that_is_not_a_pdf_is_refused(cpro, supplier, connect):
    response = cpro(
        connect(supplier),
        "factures/v1/deposer/pdf",
        {"fichierFacture": base64.b64encode(b"bonjour").decode(), "nomFichier": "facture.pdf"},
    )
    assert response.status_code == 400
    assert "PDF" in response.json()["libelle"]
