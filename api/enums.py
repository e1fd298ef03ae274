from django.db import models
from django.utils.translation import gettext_lazy as _


class UsageType(models.TextChoices):
    """« Type d'utilisation » of an API connection (raccordement PISTE): what the software does."""

    ISSUE = "EMISSION", _("Émission de factures")
    RECEIVE = "RECEPTION", _("Réception de factures")
    ISSUE_AND_RECEIVE = "EMISSION_RECEPTION", _("Émission et réception de factures")


class ConnectionStatus(models.TextChoices):
    ACTIVE = "ACTIF", _("Actif")
    # Closed by a manager: its application gets no token any more.
    CLOSED = "CLOS", _("Clos")


class AccountStatus(models.TextChoices):
    ACTIVE = "ACTIF", _("Actif")
    # Revoked by a manager: its calls are refused for good.
    REVOKED = "REVOQUE", _("Révoqué")


class ApiAuditAction(models.TextChoices):
    """What a manager did in Raccordement EDI et API; one row per write."""

    CONNECTION_DECLARED = "RACCORDEMENT_DECLARE", _("Déclaration d'un raccordement")
    SECRET_RENEWED = "SECRET_RENOUVELE", _("Renouvellement du secret de l'application")
    CONNECTION_CLOSED = "RACCORDEMENT_CLOS", _("Clôture d'un raccordement")
    ACCOUNT_CREATED = "COMPTE_TECHNIQUE_CREE", _("Création d'un compte technique")
    PASSWORD_RESET = "MOT_DE_PASSE_REINITIALISE", _("Réinitialisation du mot de passe d'un compte technique")
    ACCOUNT_REVOKED = "COMPTE_TECHNIQUE_REVOQUE", _("Révocation d'un compte technique")
    EDI_DECLARED = "RACCORDEMENT_EDI_DECLARE", _("Déclaration d'un raccordement EDI")


# Flux syntaxes served first (api.md §8.2): the three formats of OCA and Pastell.
class FluxSyntax(models.TextChoices):
    FACTURX = "IN_DP_E2_CII_FACTURX", _("Factur-X (PDF/A-3 avec CII)")
    CII = "IN_DP_E1_CII_16B", _("XML CII D16B")
    UBL = "IN_DP_E1_UBL_INVOICE", _("XML UBL 2.1")
