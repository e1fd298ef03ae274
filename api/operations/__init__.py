"""The table of /cpro/ operations: path (under /cpro/) → methods and function."""

from dataclasses import dataclass

from api.operations import factures, structures, transverses


@dataclass(frozen=True)
class Operation:
    function: object
    methods: tuple[str, ...] = ("POST",)
    # The keys every successful answer carries besides codeRetour and libelle: the list of a search
    # (always an array) or the object a client dereferences. The OpenAPI document requires them.
    returns: tuple[str, ...] = ()
    lists: tuple[str, ...] = ()
    # Mandatory request fields and their JSON types (the others are optional, unknown ones ignored).
    requires: tuple[tuple[str, str], ...] = ()

    @property
    def summary(self) -> str:
        return (self.function.__doc__ or self.function.__name__).strip().splitlines()[0]


OPERATIONS = {
    # Health-check is a GET for chorus-api and go-choruspro; POST is harmless (api.md §6.1).
    "transverses/v1/health-check": Operation(
        transverses.health_check, ("GET", "POST"), returns=("body", "statusCode", "statusCodeValue")
    ),
    "transverses/v1/consulterCR": Operation(
        transverses.consulter_cr,
        requires=(("numeroFluxDepot", "string"),),
        returns=("numeroFluxDepot", "etatCourantFlux"),
    ),
    "transverses/v1/consulterCRDetaille": Operation(
        transverses.consulter_cr_detaille,
        requires=(("numeroFluxDepot", "string"),),
        returns=("numeroFluxDepot", "etatCourantDepotFlux", "listeErreurDP", "listeErreurTechnique"),
    ),
    "transverses/v1/consulter/information/siret": Operation(
        transverses.information_siret, requires=(("siretStructure", "string"),), returns=("siret", "siren")
    ),
    "transverses/v1/rechercher/destinataire": Operation(
        transverses.rechercher_destinataire, lists=("listeDestinataires",)
    ),
    "transverses/v1/recuperer/structures/actives/destinataire": Operation(
        transverses.structures_actives_destinataire, lists=("listeStructures",)
    ),
    "transverses/v1/recuperer/structures/actives/fournisseur": Operation(
        transverses.structures_actives_fournisseur, lists=("listeStructures",)
    ),
    "transverses/v1/recuperer/devises": Operation(transverses.devises, lists=("listeDevises",)),
    "transverses/v1/recuperer/tauxtva": Operation(transverses.taux_tva, lists=("listeTauxTva",)),
    "transverses/v1/recuperer/cadrefacturation": Operation(
        transverses.cadres, lists=("listeCadreFacturation",)
    ),
    "transverses/v1/recuperer/motifs/exonerationtva": Operation(
        transverses.motifs_exoneration, lists=("listeMotifsExonerationTva",)
    ),
    "transverses/v1/recuperer/modereglements": Operation(
        transverses.modes_reglement, lists=("listeModePaiement",)
    ),
    "transverses/v1/recuperer/typeidentifiant/structure": Operation(
        transverses.types_identifiant, lists=("listeTypeIdentifiant",)
    ),
    "transverses/v1/ajouter/fichier": Operation(
        transverses.ajouter_fichier,
        requires=(("pieceJointeFichier", "string"), ("pieceJointeNom", "string")),
        returns=("pieceJointeId",),
    ),
    "transverses/v1/rechercher/pj/moncompte": Operation(
        transverses.pieces_mon_compte, lists=("listePiecesJointes",)
    ),
    "transverses/v1/rechercher/pj/structure": Operation(
        transverses.pieces_structure, lists=("listePiecesJointes",)
    ),
    "transverses/v1/telecharger/pieceJointe": Operation(
        factures.telecharger_piece_jointe, returns=("pieceJointe",)
    ),
    "transverses/v1/rechercher/categorieSollicitation": Operation(
        transverses.categories_sollicitation, lists=("listeCategories",)
    ),
    "transverses/v1/rechercher/sousCategorieSollicitation": Operation(
        transverses.sous_categories_sollicitation, lists=("listeSousCategories",)
    ),
    "transverses/v1/recuperer/pays": Operation(transverses.pays, lists=("listePays",)),
    "transverses/v1/recuperer/modedepot": Operation(transverses.modes_depot, lists=("listeModeDepot",)),
    "transverses/v1/recuperer/typedp": Operation(
        transverses.types_demande_paiement, lists=("listeTypeDemandePaiement",)
    ),
    "transverses/v1/recuperer/etat/typedp": Operation(
        transverses.etats_type_demande_paiement, lists=("listeEtatDemandePaiement",)
    ),
    "transverses/v1/recuperer/typespj": Operation(
        transverses.types_piece_jointe, lists=("listeTypePieceJointe",)
    ),
    "transverses/v1/recuperer/formatflux": Operation(transverses.formats_flux, lists=("listeFormatFlux",)),
    "transverses/v1/recuperer/coordbanc/valides": Operation(
        transverses.coordonnees_bancaires, lists=("listeCoordonneeBancaire",)
    ),
    "transverses/v1/recuperer/etats/traitement": Operation(
        transverses.etats_traitement, lists=("listeStatutsPossiblesPourTraitement",)
    ),
    "structures/v1/rechercher": Operation(structures.rechercher, lists=("listeStructures",)),
    "structures/v1/consulter": Operation(
        structures.consulter,
        requires=(("idStructureCPP", "integer"),),
        returns=("adressePostaleDuSiege", "informationGenerales", "parametres"),
    ),
    "structures/v1/rechercher/services": Operation(
        structures.rechercher_services, requires=(("idStructure", "integer"),), lists=("listeServices",)
    ),
    "structures/v1/consulter/service": Operation(
        structures.consulter_service,
        requires=(("idStructure", "integer"), ("idService", "integer")),
        returns=("adressePostale", "informationsGenerales", "parametres"),
    ),
    "engagementsJuridiques/v1/rechercher": Operation(
        structures.rechercher_engagements, lists=("listeEngagementJuridique",)
    ),
    "factures/v1/deposer/flux": Operation(
        factures.deposer_flux,
        requires=(("fichierFlux", "string"), ("nomFichier", "string"), ("syntaxeFlux", "string")),
        returns=("numeroFluxDepot", "dateDepot", "syntaxeFlux"),
    ),
    "factures/v1/deposer/pdf": Operation(
        factures.deposer_pdf,
        returns=("pieceJointeId",),
        requires=(("fichierFacture", "string"), ("nomFichier", "string")),
    ),
    "factures/v1/soumettre": Operation(
        factures.soumettre,
        returns=("identifiantFactureCPP", "statutFacture"),
        requires=(("numeroFactureSaisi", "string"), ("dateFacture", "string"), ("destinataire", "object")),
    ),
    "factures/v1/rechercher/fournisseur": Operation(
        factures.rechercher_fournisseur, lists=("listeFactures",)
    ),
    "factures/v1/recycler": Operation(
        factures.recycler,
        requires=(("identifiantFactureCPP", "integer"),),
        returns=("identifiantFactureCPP", "statutFacture"),
    ),
    "factures/v1/completer": Operation(
        factures.completer,
        requires=(("identifiantFactureCPP", "integer"),),
        returns=("identifiantFactureCPP", "statutFacture"),
    ),
    "factures/v1/consulter/historique": Operation(
        factures.consulter_historique,
        requires=(("idFacture", "integer"),),
        returns=("idFacture", "statutCourantCode", "historiquesDesStatuts"),
    ),
    "factures/v1/telecharger/groupe": Operation(
        factures.telecharger_groupe,
        requires=(("format", "string"), ("listeFacture", "array")),
        returns=("fichierResultat",),
    ),
    "factures/v1/consulter/fournisseur": Operation(
        factures.consulter_fournisseur, returns=("facture",), requires=(("identifiantFactureCPP", "integer"),)
    ),
    "factures/v1/consulter/recipiendaire": Operation(
        factures.consulter_recipiendaire,
        returns=("facture",),
        requires=(("identifiantFactureCPP", "integer"),),
    ),
    "factures/v1/rechercher/recipiendaire": Operation(
        factures.rechercher_recipiendaire,
        lists=("listeFactures",),
        returns=("pageCourante", "pages", "total"),
    ),
    "factures/v1/traiter/recue": Operation(
        factures.traiter_recue,
        requires=(("idFacture", "integer"), ("nouveauStatut", "string")),
        returns=("idFacture", "nouveauStatut"),
    ),
    "factures/v1/traiterRejet": Operation(
        factures.traiter_rejet, requires=(("listeDemandePaiement", "array"),)
    ),
    "factures/v1/corriger/valideur/facture": Operation(
        factures.corriger_valideur, requires=(("idFacture", "integer"),), returns=("idFacture",)
    ),
    "factures/v1/rechercher/valideur": Operation(factures.rechercher_valideur, lists=("listeFactures",)),
    "factures/v1/consulter/valideur": Operation(
        factures.consulter_valideur, returns=("facture",), requires=(("identifiantFactureCPP", "integer"),)
    ),
    "factures/v1/traiter/factureAValider": Operation(
        factures.traiter_facture_a_valider,
        requires=(("idFacture", "integer"), ("action", "string")),
        returns=("idFacture", "statutFacture"),
    ),
    "factures/v1/recuperer/statutsFactureVisibles/valideur": Operation(
        factures.statuts_visibles_valideur, lists=("listeStatutFacture",)
    ),
    "transverses/v1/recuperer/motifs/refus/Facture/AValider": Operation(
        factures.motifs_refus_a_valider, lists=("listeMotifRefusFactureAValider",)
    ),
    "facturesTravaux/v1/rechercher": Operation(factures.rechercher_travaux, lists=("listeFacturesTravaux",)),
}
