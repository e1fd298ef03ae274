"""factures/* through HTTP (api.md §3, §4, §8): a Factur-X deposited by the supplier's software is
integrated straight through, followed by its CR, found by its flux number, and processed by the
recipient's software; another structure's invoices are never found."""

import base64
import io

import pypdf
import pytest
from lxml import etree

from api.models import ApiFlux
from invoices.models import Invoice

pytestmark = pytest.mark.django_db


def deposit(cpro, software, name, data, syntax="IN_DP_E2_CII_FACTURX", callbacks=None):
    body = {
        "idUtilisateurCourant": 0,
        "fichierFlux": base64.b64encode(data).decode(),
        "nomFichier": name,
        "syntaxeFlux": syntax,
        "avecSignature": False,
    }
    with callbacks(execute=True):
        return cpro(software, "factures/v1/deposer/flux", body)


@pytest.fixture
def flux(cpro, supplier, connect, structured_invoice, django_capture_on_commit_callbacks):
    """A Factur-X deposited through the API by the supplier's software, its tasks run."""
    software = connect(supplier)
    response = deposit(
        cpro,
        software,
        "factur-x_chorus_facture_FX-0001.pdf",
        structured_invoice("FX/2026/001"),
        callbacks=django_capture_on_commit_callbacks,
    )
    assert response.status_code == 200, response.content
    return software, response.json()


def test_a_facturx_flux_is_integrated_straight_through(cpro, flux, supplier):
    software, answer = flux
    number = answer["numeroFluxDepot"]
    assert len(number) == 25 and number.startswith("CPP0011110")
    assert answer["codeRetour"] == 0 and answer["syntaxeFlux"] == "IN_DP_E2_CII_FACTURX"
    assert len(answer["dateDepot"]) == 10
    report = cpro(software, "transverses/v1/consulterCRDetaille", {"numeroFluxDepot": number}).json()
    assert report["etatCourantDepotFlux"] == "IN_INTEGRE"
    assert report["listeErreurDP"] == [] and report["listeErreurTechnique"] == []
    assert report["nomFichier"] == f"FSO1110A_CPP001_{number}"
    simple = cpro(software, "transverses/v1/consulterCR", {"numeroFluxDepot": number}).json()
    assert simple["etatCourantFlux"] == "IN_INTEGRE"
    found = cpro(
        software, "factures/v1/rechercher/fournisseur", {"numeroFluxDepot": number, "typeFacture": "FACTURE"}
    ).json()
    assert found["codeRetour"] == 0
    [invoice] = found["listeFactures"]
    assert invoice["numeroFacture"] == "FX/2026/001"
    assert invoice["statut"] == "MISE_A_DISPOSITION"
    assert invoice["numeroFluxDepot"] == number
    stored = Invoice.objects.get(pk=invoice["identifiantFactureCPP"])
    assert stored.supplier == supplier and stored.created_by == software.account.user
    assert ApiFlux.objects.get().file_name == "factur-x_chorus_facture_FX-0001.pdf"


def test_history_newest_first_for_both_sides(cpro, flux, recipient, connect):
    software, answer = flux
    [invoice] = cpro(
        software, "factures/v1/rechercher/fournisseur", {"numeroFluxDepot": answer["numeroFluxDepot"]}
    ).json()["listeFactures"]
    history = cpro(
        software, "factures/v1/consulter/historique", {"idFacture": invoice["identifiantFactureCPP"]}
    ).json()
    assert history["idFacture"] == invoice["identifiantFactureCPP"]
    assert history["statutCourantCode"] == "MISE_A_DISPOSITION"
    codes = [entry["histoStatutCode"] for entry in history["historiquesDesStatuts"]["histoStatut"]]
    assert codes[0] == "MISE_A_DISPOSITION" and codes[-1] == "BROUILLON"
    assert len(history["historiquesDesStatuts"]["histoStatut"][0]["histoStatutDatePassage"]) == 16
    entity = cpro(
        connect(recipient),
        "factures/v1/consulter/historique",
        {"idFacture": invoice["identifiantFactureCPP"], "idEspace": 7},
    )
    assert entity.json()["statutCourantCode"] == "MISE_A_DISPOSITION"


def test_the_recipient_finds_downloads_and_processes_the_invoice(cpro, flux, recipient, connect):
    entity = connect(recipient)
    found = cpro(
        entity,
        "factures/v1/rechercher/recipiendaire",
        {
            "typeDemandePaiement": "FACTURE",
            "paramRecherche": {"nbResultatsParPage": 1000, "pageResultatDemandee": 1},
        },
    ).json()
    assert (found["pageCourante"], found["pages"], found["total"]) == (1, 1, 1)
    [invoice] = found["listeFactures"]
    assert (
        invoice["codeFournisseur"] == flux[0].structure.identifier
        and invoice["codeDestinataire"] == recipient.identifier
    )
    pdf = cpro(
        entity,
        "factures/v1/telecharger/groupe",
        {"format": "PDF", "listeFacture": [{"idFacture": invoice["idFacture"]}]},
    ).json()
    assert base64.b64decode(pdf["fichierResultat"]).startswith(b"%PDF-")
    assert Invoice.objects.get(pk=invoice["idFacture"]).downloaded_by_recipient
    pivot = cpro(
        entity,
        "factures/v1/telecharger/groupe",
        {"format": "PIVOT", "listeFacture": [{"idFacture": invoice["idFacture"]}]},
    ).json()
    root = etree.fromstring(base64.b64decode(pivot["fichierResultat"]))
    [unit] = root.findall("CPPFactures/CPPFacturePivotUnitaire")
    assert unit.findtext("DonneesFacture/Id") == "FX/2026/001"
    assert unit.findtext("Debiteur/Identifiant") == recipient.identifier
    assert unit.findtext("DonneesFacture/Montants/MontantTTC") == str(
        Invoice.objects.get(pk=invoice["idFacture"]).total_ttc
    )
    [main] = [piece for piece in unit.findall("PJ") if piece.findtext("TypePJ") == "01"]
    assert base64.b64decode(main.findtext("Contenu")).startswith(b"%PDF-")
    detail = cpro(
        entity, "factures/v1/consulter/recipiendaire", {"identifiantFactureCPP": invoice["idFacture"]}
    ).json()
    assert detail["facture"]["numeroFacture"] == "FX/2026/001"
    assert len(detail["facture"]["lignesDePoste"]["lignePoste"]) == 2
    assert (
        cpro(
            entity, "factures/v1/consulter/fournisseur", {"identifiantFactureCPP": invoice["idFacture"]}
        ).status_code
        == 400
    )
    supplier_view = cpro(
        flux[0], "factures/v1/consulter/fournisseur", {"identifiantFactureCPP": invoice["idFacture"]}
    ).json()
    assert supplier_view["facture"]["destinataire"]["codeDestinataire"] == recipient.identifier
    refused = cpro(
        entity, "factures/v1/traiter/recue", {"idFacture": invoice["idFacture"], "nouveauStatut": "REJETEE"}
    )
    assert refused.status_code == 400 and "motif" in refused.json()["libelle"]
    done = cpro(
        entity,
        "factures/v1/traiter/recue",
        {"idFacture": invoice["idFacture"], "nouveauStatut": "SERVICE_FAIT"},
    ).json()
    assert (done["codeRetour"], done["nouveauStatut"], done["idFacture"]) == (
        0,
        "SERVICE_FAIT",
        invoice["idFacture"],
    )
    paid = cpro(
        entity,
        "factures/v1/traiter/recue",
        {"idFacture": invoice["idFacture"], "nouveauStatut": "MANDATEE", "numeroDPMandat": "M-1"},
    ).json()
    assert paid["nouveauStatut"] == "MANDATEE"
    downloaded = cpro(
        entity, "factures/v1/rechercher/recipiendaire", {"factureTelechargeeParDestinataire": False}
    ).json()
    assert downloaded["codeRetour"] == 20000 and downloaded["pages"] == 0


def test_another_structures_invoices_are_never_found(cpro, flux, make_structure, connect):
    software, answer = flux
    [invoice] = cpro(
        software, "factures/v1/rechercher/fournisseur", {"numeroFluxDepot": answer["numeroFluxDepot"]}
    ).json()["listeFactures"]
    other = make_structure(public=True, raison_sociale="Commune Voisine")
    other.gp = other.memberships.get().user
    stranger = connect(other)
    assert (
        cpro(
            stranger, "transverses/v1/consulterCRDetaille", {"numeroFluxDepot": answer["numeroFluxDepot"]}
        ).json()["codeRetour"]
        == 20004
    )
    assert (
        cpro(
            stranger, "factures/v1/rechercher/fournisseur", {"numeroFluxDepot": answer["numeroFluxDepot"]}
        ).json()["listeFactures"]
        == []
    )
    assert cpro(stranger, "factures/v1/rechercher/recipiendaire", {}).json()["total"] == 0
    for path, body in (
        ("factures/v1/consulter/historique", {"idFacture": invoice["identifiantFactureCPP"]}),
        (
            "factures/v1/traiter/recue",
            {"idFacture": invoice["identifiantFactureCPP"], "nouveauStatut": "SERVICE_FAIT"},
        ),
        (
            "factures/v1/telecharger/groupe",
            {"format": "PDF", "listeFacture": [{"idFacture": invoice["identifiantFactureCPP"]}]},
        ),
    ):
        response = cpro(stranger, path, body)
        assert response.status_code == 400, path
        assert "FX/2026/001" not in response.content.decode()
    # The supplier's own software cannot process its invoice as a recipient.
    assert (
        cpro(
            software,
            "factures/v1/traiter/recue",
            {"idFacture": invoice["identifiantFactureCPP"], "nouveauStatut": "SERVICE_FAIT"},
        ).status_code
        == 400
    )


def test_a_rejected_file_is_reported_by_its_invoice_number(
    cpro, supplier, connect, structured_invoice, django_capture_on_commit_callbacks
):
    software = connect(supplier)
    xml = structured_invoice("CII-001", as_xml=True).replace(
        b"<ram:TypeCode>380</ram:TypeCode>", b"<ram:TypeCode>999</ram:TypeCode>", 1
    )
    answer = deposit(
        cpro,
        software,
        "cii_chorus_facture_CII-001.xml",
        xml,
        "IN_DP_E1_CII_16B",
        django_capture_on_commit_callbacks,
    ).json()
    report = cpro(
        software, "transverses/v1/consulterCRDetaille", {"numeroFluxDepot": answer["numeroFluxDepot"]}
    ).json()
    assert report["etatCourantDepotFlux"] == "IN_REJETE"
    [error] = report["listeErreurDP"]
    assert error["numeroDP"] == "CII-001" and error["libelleErreurDP"]
    # consulterCR carries the printable report: the flux, its state and the rejected invoice.
    simple = cpro(
        software, "transverses/v1/consulterCR", {"numeroFluxDepot": answer["numeroFluxDepot"]}
    ).json()
    assert simple["etatCourantFlux"] == "IN_REJETE"
    pdf = base64.b64decode(simple["fichierCR"])
    assert pdf.startswith(b"%PDF-")
    printed = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert answer["numeroFluxDepot"] in printed and "IN_REJETE" in printed and "CII-001" in printed
    assert (
        cpro(
            software, "factures/v1/rechercher/fournisseur", {"numeroFluxDepot": answer["numeroFluxDepot"]}
        ).json()["codeRetour"]
        == 20000
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"nomFichier": "a.pdf", "syntaxeFlux": "IN_DP_E2_CII_FACTURX"}, "fichierFlux"),
        ({"fichierFlux": "@@@", "nomFichier": "a.pdf", "syntaxeFlux": "IN_DP_E2_CII_FACTURX"}, "base64"),
        ({"fichierFlux": "JVBERi0=", "nomFichier": "a.pdf", "syntaxeFlux": "IN_DP_E1_XCBL"}, "IN_DP_E1_XCBL"),
        (
            {
                "fichierFlux": base64.b64encode(b"pas un pdf").decode(),
                "nomFichier": "a.pdf",
                "syntaxeFlux": "IN_DP_E2_CII_FACTURX",
            },
            "PDF",
        ),
    ],
)
def test_a_bad_envelope_is_refused_at_once(cpro, supplier, connect, body, message):
    response = cpro(connect(supplier), "factures/v1/deposer/flux", body)
    assert response.status_code == 400
    assert message in response.json()["libelle"]
