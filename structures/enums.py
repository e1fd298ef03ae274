from django.db import models
from django.utils.translation import gettext_lazy as _


class IdentifierType(models.TextChoices):
    """`typeIdentifiantStructure` (domain §7.1); the annuaire file uses the numeric codes."""

    SIRET = "SIRET", _("Structure avec n° SIRET")
    EU_OUTSIDE_FRANCE = "UE_HORS_FRANCE", _("Structure européenne hors France")
    OUTSIDE_EU = "HORS_UE", _("Structure hors UE")
    RIDET = "RIDET", _("RIDET (Nouvelle-Calédonie)")
    TAHITI = "TAHITI", _("Numéro TAHITI (Polynésie française)")
    OTHER = "AUTRE", _("En cours d'immatriculation")
    INDIVIDUAL = "PARTICULIER", _("Particulier")


# Numeric codes of the annuaire export (domain §7.1, S4 `type_identifiant`).
IDENTIFIER_TYPE_BY_CODE = {
    "1": IdentifierType.SIRET,
    "2": IdentifierType.EU_OUTSIDE_FRANCE,
    "3": IdentifierType.OUTSIDE_EU,
    "4": IdentifierType.RIDET,
    "5": IdentifierType.TAHITI,
    "6": IdentifierType.OTHER,
    "7": IdentifierType.INDIVIDUAL,
}


class StructureKind(models.TextChoices):
    # `structurePriveePublique`
    PRIVATE = "PRIVEE", _("Structure privée")
    PUBLIC = "PUBLIQUE", _("Structure publique")


class StructureStatus(models.TextChoices):
    ACTIVE = "ACTIF", _("Active")
    # Inactivated (e.g. absorbed by another structure, §7.5): no new activity, invoices readable.
    INACTIVE = "INACTIF", _("Inactive")


class Role(models.TextChoices):
    """`roleUtilisateur` (domain §6.1)."""

    PRINCIPAL_MANAGER = "GESTIONNAIRE_PRINCIPAL", _("Gestionnaire principal")
    SECONDARY_MANAGER = "GESTIONNAIRE_SECONDAIRE", _("Gestionnaire secondaire")
    USER = "UTILISATEUR", _("Utilisateur")


MANAGER_ROLES = frozenset({Role.PRINCIPAL_MANAGER, Role.SECONDARY_MANAGER})


class MembershipStatus(models.TextChoices):
    """Status of a membership (rattachement) of a user to a structure (domain §6.3)."""

    PENDING = "EN_COURS_DE_VALIDATION", _("En cours de validation")
    ACTIVE = "ACTIF", _("Actif")
    REFUSED = "REFUSE", _("Refusé")
    INACTIVE = "INACTIF", _("Inactif")


class Space(models.TextChoices):
    """Espaces of the portal (domain §5.1); the codes are the clone's."""

    MON_COMPTE = "MON_COMPTE", _("Mon compte")
    FACTURES_EMISES = "FACTURES_EMISES", _("Factures émises")
    FACTURES_RECUES = "FACTURES_RECUES", _("Factures reçues")
    FACTURES_A_VALIDER = "FACTURES_A_VALIDER", _("Factures à valider")
    FACTURES_TRAVAUX = "FACTURES_TRAVAUX", _("Factures de travaux")
    SOLLICITATIONS_EMISES = "SOLLICITATIONS_EMISES", _("Sollicitations émises")
    SOLLICITATIONS_RECUES = "SOLLICITATIONS_RECUES", _("Sollicitations reçues")
    ACTIVITES_GESTIONNAIRE = "ACTIVITES_GESTIONNAIRE", _("Activités du gestionnaire")
    # The structure's software and EDI connections (issue 14 §1); its managers' only.
    RACCORDEMENT = "RACCORDEMENT_EDI_API", _("Raccordement EDI et API")


# Opened on every new structure (issue 2 §3; domain §5.2), public ones also get FACTURES_RECUES
# and SOLLICITATIONS_RECUES (domain §5.2: both sollicitation spaces open automatically).
DEFAULT_SPACES = (
    Space.FACTURES_EMISES,
    Space.SOLLICITATIONS_EMISES,
    Space.MON_COMPTE,
    Space.ACTIVITES_GESTIONNAIRE,
)
DEFAULT_PUBLIC_SPACES = (*DEFAULT_SPACES, Space.FACTURES_RECUES, Space.SOLLICITATIONS_RECUES)
# Spaces a user subscribes to without a manager's approval (domain §5.2).
SELF_SERVICE_SPACES = frozenset({Space.FACTURES_EMISES, Space.MON_COMPTE, Space.SOLLICITATIONS_EMISES})
# Spaces that come with the role rather than a subscription.
MANAGER_SPACES = frozenset({Space.ACTIVITES_GESTIONNAIRE, Space.RACCORDEMENT})
# Spaces a subscription cannot end: Mon compte is every user's, the manager's comes with the role.
PERMANENT_SPACES = frozenset({Space.MON_COMPTE, *MANAGER_SPACES})


class SubscriptionMode(models.TextChoices):
    CONSULTATION = "CONSULTATION", _("Consultation")
    MODIFICATION = "MODIFICATION", _("Modification")


class SubscriptionStatus(models.TextChoices):
    PENDING = "EN_COURS_DE_VALIDATION", _("En cours de validation")
    ACTIVE = "ACTIF", _("Actif")
    REFUSED = "REFUSE", _("Refusé")
    INACTIVE = "INACTIF", _("Inactif")


class BankAccountStatus(models.TextChoices):
    PENDING = "EN_COURS_DE_VALIDATION", _("En cours de validation")
    VALID = "VALIDE", _("Valide")
    INACTIVE = "INACTIF", _("Inactif")


class MandateStatus(models.TextChoices):
    """Billing mandate (domain §7.6)."""

    # Subscribed, waiting for the signature through the e-mailed link.
    PENDING = "EN_COURS_DE_VALIDATION", _("En cours de validation")
    ACTIVE = "ACTIF", _("Actif")
    REVOKED = "REVOQUE", _("Révoqué")


class AuditAction(models.TextChoices):
    """What a manager (or the system on a user's behalf) did; one row per write."""

    STRUCTURE_CREATED = "STRUCTURE_CREEE", _("Création de la structure")
    STRUCTURE_UPDATED = "STRUCTURE_MODIFIEE", _("Modification de la structure")
    STRUCTURE_INACTIVATED = "STRUCTURE_INACTIVEE", _("Inactivation de la structure")
    SERVICE_CREATED = "SERVICE_CREE", _("Création d'un service")
    SERVICE_UPDATED = "SERVICE_MODIFIE", _("Modification d'un service")
    SPACE_OPENED = "ESPACE_OUVERT", _("Ouverture d'un espace")
    SPACE_CLOSED = "ESPACE_FERME", _("Fermeture d'un espace")
    BANK_ACCOUNT_ADDED = "COORDONNEES_BANCAIRES_AJOUTEES", _("Ajout de coordonnées bancaires")
    BANK_ACCOUNT_UPDATED = "COORDONNEES_BANCAIRES_MODIFIEES", _("Modification de coordonnées bancaires")
    MEMBERSHIP_REQUESTED = "RATTACHEMENT_DEMANDE", _("Demande de rattachement")
    MEMBERSHIP_APPROVED = "RATTACHEMENT_VALIDE", _("Validation d'un rattachement")
    MEMBERSHIP_REFUSED = "RATTACHEMENT_REFUSE", _("Refus d'un rattachement")
    MEMBERSHIP_CREATED = "RATTACHEMENT_DIRECT", _("Rattachement direct d'un utilisateur")
    MEMBERSHIP_DEACTIVATED = "RATTACHEMENT_DESACTIVE", _("Désactivation d'un utilisateur")
    MEMBERSHIP_REACTIVATED = "RATTACHEMENT_REACTIVE", _("Réactivation d'un utilisateur")
    MEMBERSHIP_REMOVED = "RATTACHEMENT_SUPPRIME", _("Détachement d'un utilisateur")
    ROLE_CHANGED = "ROLE_MODIFIE", _("Modification du rôle")
    PRINCIPAL_TRANSFERRED = "GP_TRANSFERE", _("Transfert du rôle de gestionnaire principal")
    RIGHTS_DUPLICATED = "DROITS_DUPLIQUES", _("Duplication des droits")
    SUBSCRIPTION_REQUESTED = "ABONNEMENT_DEMANDE", _("Demande d'abonnement")
    SUBSCRIPTION_APPROVED = "ABONNEMENT_VALIDE", _("Validation d'un abonnement")
    SUBSCRIPTION_REFUSED = "ABONNEMENT_REFUSE", _("Refus d'un abonnement")
    SUBSCRIPTION_CREATED = "ABONNEMENT_CREE", _("Abonnement")
    SUBSCRIPTION_ENDED = "ABONNEMENT_RESILIE", _("Résiliation d'un abonnement")
    MANDATE_SUBSCRIBED = "MANDAT_SOUSCRIT", _("Souscription d'un mandat de facturation")
    MANDATE_SIGNED = "MANDAT_SIGNE", _("Signature d'un mandat de facturation")
    MANDATE_REVOKED = "MANDAT_REVOQUE", _("Révocation d'un mandat de facturation")
