"""Factures à valider through the API (api.md §3.7): the validator's software finds the A9 invoice
waiting for it, consults it, validates or refuses it with an official motif, on the services of
the screens; the supplier's software corrects a wrong validator and takes note of the refusal
(traiterRejet). Other structures' software never reaches those invoices."""

import pytest

from invoices.models import Invoice
from tests.api.conftest import open_raccordement
from tests.invoices.conftest import send_a9  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def validator(titulaire):
    return open_raccordement(titulaire)


@pytest.fixture
def waiting(send_a9, validator):  # noqa: F811
    return send_a9(validator)


def test_the_validator_finds_consults_and_validates(
    cpro, connect, waiting, validator, supplier, recipient, django_capture_on_commit_callbacks
):
    software = connect(validator)
    found = cpro(software, "factures/v1/rechercher/valideur", {"pagination": {"nbResultatsParPage": 50}})
    assert found.status_code == 200
    [item] = found.json()["listeFactures"]
    assert item["idFacture"] == waiting.pk and item["statut"] == "A_VALIDER_1"
    assert found.json()["parametresRetour"]["total"] == 1
    detail = cpro(software, "factures/v1/consulter/valideur", {"identifiantFactureCPP": waiting.pk}).json()
    assert detail["facture"]["numeroFacture"] == waiting.number
    with django_capture_on_commit_callbacks(execute=True):
        decided = cpro(
            software, "factures/v1/traiter/factureAValider", {"idFacture": waiting.pk, "action": "VALIDATION"}
        )
    assert decided.status_code == 200, decided.content
    assert decided.json()["statutFacture"] == "VALIDEE_1"
    assert len(decided.json()["dateTraitement"]) == 10
    # Routed on by the worker, as after the screen's Valider: the recipient's software now sees it.
    assert Invoice.objects.get(pk=waiting.pk).status == "MISE_A_DISPOSITION"
    entity = connect(recipient)
    received = cpro(entity, "factures/v1/rechercher/recipiendaire", {}).json()
    assert [entry["idFacture"] for entry in received["listeFactures"]] == [waiting.pk]


def test_a_refusal_needs_an_official_motif_then_the_supplier_takes_note(
    cpro, connect, waiting, validator, supplier, django_capture_on_commit_callbacks
):
    software = connect(validator)
    motifs = cpro(software, "transverses/v1/recuperer/motifs/refus/Facture/AValider", {}).json()
    codes = [entry["codeMotif"] for entry in motifs["listeMotifRefusFactureAValider"]]
    assert "ERR_MONTANT" in codes and "ERR_VALIDEUR" in codes
    refused = cpro(
        software, "factures/v1/traiter/factureAValider", {"idFacture": waiting.pk, "action": "REFUS"}
    )
    assert refused.status_code == 400 and "motif" in refused.json()["libelle"]
    unknown = cpro(
        software, "factures/v1/traiter/factureAValider", {"idFacture": waiting.pk, "action": "PEUT-ETRE"}
    )
    assert unknown.status_code == 400
    assert Invoice.objects.get(pk=waiting.pk).status == "A_VALIDER_1"
    with django_capture_on_commit_callbacks(execute=True):
        refused = cpro(
            software,
            "factures/v1/traiter/factureAValider",
            {
                "idFacture": waiting.pk,
                "action": "REFUS",
                "motifRefus": "ERR_MONTANT",
                "complementInfo": "Total faux",
            },
        )
    assert refused.json()["statutFacture"] == "REFUSEE_1"
    mine = connect(supplier)
    listed = cpro(mine, "factures/v1/rechercher/fournisseur", {}).json()["listeFactures"]
    assert [(entry["statut"], entry["rejetTraite"]) for entry in listed] == [("REFUSEE_1", False)]
    noted = cpro(
        mine, "factures/v1/traiterRejet", {"listeDemandePaiement": [{"idDemandePaiement": waiting.pk}]}
    )
    assert noted.status_code == 200 and noted.json()["codeRetour"] == 0
    listed = cpro(mine, "factures/v1/rechercher/fournisseur", {}).json()["listeFactures"]
    assert listed[0]["rejetTraite"] is True
    # Taking note twice is refused with the screens' reason, nothing else changes.
    again = cpro(
        mine, "factures/v1/traiterRejet", {"listeDemandePaiement": [{"idDemandePaiement": waiting.pk}]}
    )
    assert again.status_code == 200


def test_a_wrong_validator_is_corrected_by_the_supplier(
    cpro, connect, waiting, validator, supplier, make_validator, django_capture_on_commit_callbacks
):
    software = connect(validator)
    with django_capture_on_commit_callbacks(execute=True):
        cpro(
            software,
            "factures/v1/traiter/factureAValider",
            {"idFacture": waiting.pk, "action": "REFUS", "motifRefus": "ERR_VALIDEUR"},
        )
    assert Invoice.objects.get(pk=waiting.pk).status == "ERREUR_FOURNISSEUR_SUR_VALIDEUR"
    right = make_validator("Mandataire Bâtiment")
    mine = connect(supplier)
    missing = cpro(mine, "factures/v1/corriger/valideur/facture", {"idFacture": waiting.pk})
    assert missing.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        corrected = cpro(
            mine,
            "factures/v1/corriger/valideur/facture",
            {
                "idFacture": waiting.pk,
                "identifiantStructure": right.identifier,
                "typeIdentifiantStructure": "SIRET",
            },
        )
    assert corrected.status_code == 200, corrected.content
    assert corrected.json()["idFacture"] == waiting.pk
    invoice = Invoice.objects.get(pk=waiting.pk)
    assert invoice.validator == right and invoice.status == "A_VALIDER_1"


def test_other_structures_never_reach_the_invoices_to_validate(
    cpro, connect, waiting, supplier, recipient, make_validator
):
    # The supplier and the recipient are not its validator; neither is another validator.
    for structure in (supplier, recipient, open_raccordement(make_validator("Autre valideur"))):
        software = connect(structure)
        found = cpro(software, "factures/v1/rechercher/valideur", {}).json()
        assert (found["codeRetour"], found["listeFactures"], found["parametresRetour"]["total"]) == (
            20000,
            [],
            0,
        )
        consulted = cpro(software, "factures/v1/consulter/valideur", {"identifiantFactureCPP": waiting.pk})
        assert (consulted.status_code, consulted.json()["codeRetour"]) == (400, 20006)
        decided = cpro(
            software, "factures/v1/traiter/factureAValider", {"idFacture": waiting.pk, "action": "VALIDATION"}
        )
        assert (decided.status_code, decided.json()["codeRetour"]) == (400, 20006)
    assert Invoice.objects.get(pk=waiting.pk).status == "A_VALIDER_1"
    # Nor may anyone but its supplier take note of it or correct its validator.
    entity = connect(recipient)
    noted = cpro(
        entity, "factures/v1/traiterRejet", {"listeDemandePaiement": [{"idDemandePaiement": waiting.pk}]}
    )
    assert noted.json()["codeRetour"] == 20006
    corrected = cpro(
        entity,
        "factures/v1/corriger/valideur/facture",
        {"idFacture": waiting.pk, "idStructure": recipient.pk},
    )
    assert corrected.json()["codeRetour"] == 20006


def test_the_statuses_a_validator_sees(cpro, connect, validator):
    listed = cpro(connect(validator), "factures/v1/recuperer/statutsFactureVisibles/valideur", {}).json()
    codes = {entry["codeStatutFacture"] for entry in listed["listeStatutFacture"]}
    assert {"A_VALIDER_1", "VALIDEE_1", "REFUSEE_1", "MISE_A_DISPOSITION"} <= codes
    assert "BROUILLON" not in codes
