"""The table of /cpro/ operations: path (under /cpro/) → methods and function."""

from dataclasses import dataclass

from api.operations import factures, structures, transverses


@dataclass(frozen=True)
class Operation:
    function: object
    methods: tuple[str, ...] = ("POST",)


OPERATIONS = {
    # Health-check is a GET for chorus-api and go-choruspro; POST is harmless (api.md §6.1).
    "transverses/v1/health-check": Operation(transverses.health_check, ("GET", "POST")),
    "transverses/v1/consulterCR": Operation(transverses.consulter_cr),
    "transverses/v1/consulterCRDetaille": Operation(transverses.consulter_cr_detaille),
    "transverses/v1/consulter/information/siret": Operation(transverses.information_siret),
    "transverses/v1/rechercher/destinataire": Operation(transverses.rechercher_destinataire),
    "transverses/v1/recuperer/structures/actives/destinataire": Operation(
        transverses.structures_actives_destinataire
    ),
    "transverses/v1/recuperer/structures/actives/fournisseur": Operation(
        transverses.structures_actives_fournisseur
    ),
    "transverses/v1/recuperer/devises": Operation(transverses.devises),
    "transverses/v1/recuperer/tauxtva": Operation(transverses.taux_tva),
    "transverses/v1/recuperer/cadrefacturation": Operation(transverses.cadres),
    "transverses/v1/recuperer/motifs/exonerationtva": Operation(transverses.motifs_exoneration),
    "transverses/v1/recuperer/modereglements": Operation(transverses.modes_reglement),
    "transverses/v1/recuperer/typeidentifiant/structure": Operation(transverses.types_identifiant),
    "transverses/v1/recuperer/etats/traitement": Operation(transverses.etats_traitement),
    "structures/v1/rechercher": Operation(structures.rechercher),
    "structures/v1/consulter": Operation(structures.consulter),
    "structures/v1/rechercher/services": Operation(structures.rechercher_services),
    "structures/v1/consulter/service": Operation(structures.consulter_service),
    "engagementsJuridiques/v1/rechercher": Operation(structures.rechercher_engagements),
    "factures/v1/deposer/flux": Operation(factures.deposer_flux),
    "factures/v1/rechercher/fournisseur": Operation(factures.rechercher_fournisseur),
    "factures/v1/recycler": Operation(factures.recycler),
    "factures/v1/completer": Operation(factures.completer),
    "factures/v1/consulter/historique": Operation(factures.consulter_historique),
    "factures/v1/telecharger/groupe": Operation(factures.telecharger_groupe),
    "factures/v1/rechercher/recipiendaire": Operation(factures.rechercher_recipiendaire),
    "factures/v1/traiter/recue": Operation(factures.traiter_recue),
    "facturesTravaux/v1/rechercher": Operation(factures.rechercher_travaux),
}
