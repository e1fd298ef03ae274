"""structures/*, engagements and transverses/* through HTTP (api.md §5, §6)."""

import pytest

from structures import services as structure_services

pytestmark = pytest.mark.django_db


def test_search_finds_public_structures_and_the_callers_own_private_one(
    cpro, supplier, recipient, make_structure, connect
):
    software = connect(supplier)
    hidden = make_structure(raison_sociale="Autre Fournisseur")
    own = cpro(
        software,
        "structures/v1/rechercher",
        {"structure": {"identifiantStructure": supplier.identifier}, "restreindreStructuresPrivees": ""},
    ).json()
    assert own["codeRetour"] == 0
    assert own["listeStructures"] == [
        {
            "idStructureCPP": supplier.pk,
            "identifiantStructure": supplier.identifier,
            "typeIdentifiantStructure": "SIRET",
            "designationStructure": supplier.raison_sociale,
            "statut": "ACTIF",
        }
    ]
    assert own["parametresRetour"] == {"nbResultatsParPage": 10, "pageCourante": 1, "pages": 1, "total": 1}
    public = cpro(
        software, "structures/v1/rechercher", {"structure": {"identifiantStructure": recipient.identifier}}
    ).json()
    assert [s["idStructureCPP"] for s in public["listeStructures"]] == [recipient.pk]
    other = cpro(
        software, "structures/v1/rechercher", {"structure": {"identifiantStructure": hidden.identifier}}
    )
    assert other.status_code == 200
    assert other.json()["codeRetour"] == 20000
    assert other.json()["listeStructures"] == []
    assert other.json()["parametresRetour"]["total"] == 0
    # OCA's « Test Chorus API » button.
    assert (
        cpro(
            software, "structures/v1/rechercher", {"structure": {"nomStructure": "This is just a test"}}
        ).status_code
        == 200
    )


def test_consult_a_structure_never_sends_null_objects(cpro, supplier, recipient, connect):
    software = connect(supplier)
    structure_services.update_structure(
        actor=recipient.gp, structure_id=recipient.pk, data={"code_service_required": True, "is_moa": True}
    )
    for key in ("idStructureCPP", "idStructure"):
        answer = cpro(software, "structures/v1/consulter", {key: recipient.pk, "codeLangue": "fr"}).json()
        assert answer["codeRetour"] == 0
        assert answer["informationGenerales"]["identifiantStructure"] == recipient.identifier
        assert answer["informationGenerales"]["structurePriveePublique"] == "PUBLIQUE"
        assert answer["parametres"]["codeServiceDoitEtreRenseigne"] is True
        assert answer["parametres"]["aMoa"] is True and answer["parametres"]["getaMoa"] is True
        assert answer["adressePostaleDuSiege"]["ville"] == recipient.ville
    own = cpro(software, "structures/v1/consulter", {"idStructureCPP": str(supplier.pk)}).json()
    assert (
        own["informationGenerales"]["dateExpirationMotPasseCompteTech"]
        == software.account.password_expires_at.date().isoformat()
    )


def test_another_private_structure_is_not_found(cpro, supplier, make_structure, connect):
    hidden = make_structure(raison_sociale="Autre Fournisseur")
    response = cpro(connect(supplier), "structures/v1/consulter", {"idStructureCPP": hidden.pk})
    assert response.status_code == 400
    assert response.json() == {"codeRetour": 20002, "libelle": "Structure introuvable."}
    assert "Autre" not in response.content.decode()


def test_services_are_listed_and_consulted(cpro, supplier, recipient, connect):
    service = structure_services.create_service(
        actor=recipient.gp,
        structure_id=recipient.pk,
        code="COMPTA",
        libelle="Comptabilité",
        engagement_required=True,
    )
    software = connect(supplier)
    listed = cpro(
        software,
        "structures/v1/rechercher/services",
        {"idStructure": recipient.pk, "parametresRechercherServicesStructure": {"nbResultatsParPage": 10000}},
    ).json()
    assert listed["codeRetour"] == 0
    assert [(s["idService"], s["codeService"], s["estActif"]) for s in listed["listeServices"]] == [
        (service.pk, "COMPTA", True)
    ]
    assert len(listed["listeServices"][0]["dateDbtService"]) == 16
    consulted = cpro(
        software, "structures/v1/consulter/service", {"idStructure": recipient.pk, "idService": service.pk}
    ).json()
    assert consulted["codeRetour"] == 0
    assert consulted["informationsGenerales"]["codeService"] == "COMPTA"
    assert consulted["parametres"]["numeroEngagement"] is True
    assert (
        cpro(
            software, "structures/v1/consulter/service", {"idStructure": supplier.pk, "idService": service.pk}
        ).status_code
        == 400
    )


def test_engagements_and_works_answer_no_result(cpro, supplier, connect):
    software = connect(supplier)
    engagements = cpro(
        software,
        "engagementsJuridiques/v1/rechercher",
        {
            "structureReceptriceEngagementJuridique": str(supplier.pk),
            "numeroEngagementJuridique": "EJ-1",
            "etatCourantEngagementJuridique": "COMMANDE",
        },
    )
    assert engagements.status_code == 200
    assert engagements.json()["listeEngagementJuridique"] == []
    works = cpro(software, "facturesTravaux/v1/rechercher", {"roleUtilisateur": "DESTINATAIRE"}).json()
    assert works["codeRetour"] == 20007
    assert works["parametresRetour"]["pageCourante"] == 1


def test_reference_lists(cpro, supplier, recipient, connect):
    software = connect(supplier)
    devises = cpro(software, "transverses/v1/recuperer/devises", {"codeLangue": "FR"}).json()
    assert {"codeDevise": "EUR", "libelleDevise": "Euro"} in devises["listeDevises"]
    english = cpro(software, "transverses/v1/recuperer/devises", {"codeLangue": "en"}).json()
    assert {"codeDevise": "USD", "libelleDevise": "US dollar"} in english["listeDevises"]
    rates = cpro(software, "transverses/v1/recuperer/tauxtva", {}).json()["listeTauxTva"]
    assert {"codeTauxTva": "TVA20", "libelleTauxTva": "20 %", "valeurTauxTva": 20.0} in rates
    cadres = cpro(software, "transverses/v1/recuperer/cadrefacturation").json()["listeCadreFacturation"]
    assert {"codeCadreFacturation": "A1_FACTURE_FOURNISSEUR"} in cadres
    targets = cpro(
        software, "transverses/v1/recuperer/etats/traitement", {"statutCourant": "MISE_A_DISPOSITION"}
    ).json()
    assert {"statutPossiblePourTraitement": "REJETEE"} in targets["listeStatutsPossiblesPourTraitement"]
    actives = cpro(software, "transverses/v1/recuperer/structures/actives/fournisseur").json()
    assert [s["idStructureCPP"] for s in actives["listeStructures"]] == [supplier.pk]
    assert (
        cpro(software, "transverses/v1/recuperer/structures/actives/destinataire").json()["listeStructures"]
        == []
    )
    entity = connect(recipient)
    assert [
        s["idStructureCPP"]
        for s in cpro(entity, "transverses/v1/recuperer/structures/actives/destinataire").json()[
            "listeStructures"
        ]
    ] == [recipient.pk]


def test_siret_information_and_recipient_search(cpro, supplier, recipient, connect):
    software = connect(supplier)
    info = cpro(
        software, "transverses/v1/consulter/information/siret", {"siretStructure": recipient.identifier}
    ).json()
    assert (info["siret"], info["siren"], info["estActif"]) == (
        recipient.identifier,
        recipient.identifier[:9],
        True,
    )
    assert (
        cpro(
            software, "transverses/v1/consulter/information/siret", {"siretStructure": "00000000000000"}
        ).status_code
        == 400
    )
    found = cpro(
        software, "transverses/v1/rechercher/destinataire", {"identifiant": recipient.identifier}
    ).json()
    assert [d["idStructureCPP"] for d in found["listeDestinataires"]] == [recipient.pk]
    assert (
        cpro(software, "transverses/v1/rechercher/destinataire", {"identifiant": supplier.identifier}).json()[
            "codeRetour"
        ]
        == 20000
    )


def test_the_other_reference_lists(cpro, supplier, recipient, connect):
    from structures import services as structure_services

    software = connect(supplier)
    countries = cpro(software, "transverses/v1/recuperer/pays", {"codeLangue": "FR"}).json()["listePays"]
    assert {"codePays": "DE", "libellePays": "Allemagne"} in countries
    english = cpro(software, "transverses/v1/recuperer/pays", {"codeLangue": "EN"}).json()["listePays"]
    assert {"codePays": "DE", "libellePays": "Germany"} in english
    modes = cpro(software, "transverses/v1/recuperer/modedepot", {}).json()["listeModeDepot"]
    assert {"modeDepot": "DEPOT_PDF"} in modes
    kinds = cpro(software, "transverses/v1/recuperer/typedp", {}).json()["listeTypeDemandePaiement"]
    assert [k["typeDemandePaiement"] for k in kinds] == ["FACTURE", "FACTURE_TRAVAUX"]
    states = cpro(software, "transverses/v1/recuperer/etat/typedp", {"typeDemandePaiement": "FACTURE"}).json()
    assert {"etatDemandePaiement": "MISE_EN_PAIEMENT"} in states["listeEtatDemandePaiement"]
    unknown = cpro(software, "transverses/v1/recuperer/etat/typedp", {"typeDemandePaiement": "DEVIS"})
    assert unknown.status_code == 400 and unknown.json()["codeRetour"] == 20001
    pieces = cpro(software, "transverses/v1/recuperer/typespj", {"codeLangue": "FR"}).json()
    assert pieces["listeTypePieceJointe"][0]["idTypePieceJointe"] == 1
    assert {p["codeTypePieceJointe"] for p in pieces["listeTypePieceJointe"]} == {
        "PRINCIPALE",
        "COMPLEMENTAIRE",
    }
    formats = cpro(software, "transverses/v1/recuperer/formatflux", {}).json()["listeFormatFlux"]
    assert {"formatFlux": "IN_DP_E2_CII_FACTURX"} in formats
    structure_services.add_bank_account(
        actor=supplier.gp,
        structure_id=supplier.pk,
        libelle="Compte courant",
        iban="FR7630006000011234567890189",
    )
    banks = cpro(software, "transverses/v1/recuperer/coordbanc/valides", {"idStructure": supplier.pk}).json()
    assert [b["nomCoordonneeBancaire"] for b in banks["listeCoordonneeBancaire"]] == ["Compte courant"]
    assert isinstance(banks["listeCoordonneeBancaire"][0]["idCoordonneeBancaire"], int)
    # Another structure's bank details are not given.
    theirs = cpro(software, "transverses/v1/recuperer/coordbanc/valides", {"idStructure": recipient.pk})
    assert (theirs.status_code, theirs.json()["codeRetour"]) == (400, 20005)


def test_solicitation_categories(cpro, supplier, connect):
    from solicitations.management.commands.load_solicitation_categories import load_categories

    load_categories()
    software = connect(supplier)
    found = cpro(software, "transverses/v1/rechercher/categorieSollicitation", {"estActif": True}).json()
    assert found["codeRetour"] == 0 and found["parametresRetour"]["total"] == len(found["listeCategories"])
    category = found["listeCategories"][0]
    assert isinstance(category["idTechniqueCategorie"], int)
    subs = cpro(
        software,
        "transverses/v1/rechercher/sousCategorieSollicitation",
        {"idTechniqueCategorie": category["idTechniqueCategorie"], "pagination": {"nbResultatsParPage": 100}},
    ).json()
    [group] = subs["listeSousCategories"]
    assert group["categorie"][0]["code"] == category["codeCategorie"]
    assert group["ssCategorie"] and all(
        s["idTechniqueCategorie"] == category["idTechniqueCategorie"] for s in group["ssCategorie"]
    )
    empty = cpro(
        software, "transverses/v1/rechercher/categorieSollicitation", {"codeCategorie": "INCONNUE"}
    ).json()
    assert (empty["codeRetour"], empty["listeCategories"]) == (20000, [])
