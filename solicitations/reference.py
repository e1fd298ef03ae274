"""The reference list of catégories and sous-catégories (domain §10, API
`rechercherCategorieSollicitation` / `rechercherSousCategorieSollicitation`) and the one routing
table saying who handles each catégorie. Pure: loaded by `manage.py load_solicitation_categories`."""

from django.utils.translation import gettext_lazy as _

from solicitations.enums import Addressee

# code → (libellé, [(code, libellé)…]); codes are the clone's, in the official style.
CATEGORIES = {
    "FACTURE_TRAITEMENT": (
        _("Traitement d'une facture par le destinataire"),
        [
            ("FACTURE_EN_ATTENTE", _("Facture mise à disposition sans traitement")),
            ("FACTURE_PAIEMENT", _("Suivi du paiement d'une facture")),
            ("FACTURE_RETOUR", _("Question sur un rejet, une suspension ou un recyclage")),
        ],
    ),
    "FACTURE_DEPOT": (
        _("Dépôt et saisie de factures"),
        [
            ("DEPOT_FORMAT", _("Fichier refusé au dépôt")),
            ("DEPOT_DESTINATAIRE", _("Destinataire ou service introuvable")),
        ],
    ),
    "COMPTE_ACCES": (
        _("Accès au portail et compte utilisateur"),
        [
            ("COMPTE_ACTIVATION", _("Lien d'activation non reçu ou expiré")),
            ("COMPTE_MOT_DE_PASSE", _("Mot de passe oublié ou compte bloqué")),
            ("COMPTE_DOUBLE_FACTEUR", _("Second facteur d'authentification perdu")),
        ],
    ),
    "STRUCTURE_GESTION": (
        _("Gestion de la structure et des utilisateurs"),
        [
            ("STRUCTURE_TRANSFERT_GP", _("Désignation d'un nouveau gestionnaire principal")),
            ("STRUCTURE_RATTACHEMENT", _("Rattachement à une structure")),
            ("STRUCTURE_ESPACES", _("Ouverture d'espaces et abonnements")),
        ],
    ),
    "RACCORDEMENT": (
        _("Raccordement EDI et API"),
        [("RACCORDEMENT_API", _("Compte technique et API")), ("RACCORDEMENT_EDI", _("Flux EDI"))],
    ),
    "AUTRE": (_("Autre demande"), [("AUTRE_DEMANDE", _("Autre demande"))]),
}

# The routing table: who handles each catégorie. A service « métier » needs a linked invoice,
# whose recipient structure and service receive the sollicitation.
ROUTES = {
    "FACTURE_TRAITEMENT": Addressee.SERVICE,
    "FACTURE_DEPOT": Addressee.SUPPORT,
    "COMPTE_ACCES": Addressee.SUPPORT,
    "STRUCTURE_GESTION": Addressee.SUPPORT,
    "RACCORDEMENT": Addressee.SUPPORT,
    "AUTRE": Addressee.SUPPORT,
}
assert set(ROUTES) == set(CATEGORIES)

# What the public form offers to people who cannot log in (their most common case, domain §10).
PUBLIC_CATEGORY = "COMPTE_ACCES"


def route(category_code: str) -> str:
    """The addressee of a catégorie; one the table does not know goes to the support."""
    return ROUTES.get(category_code, Addressee.SUPPORT)
