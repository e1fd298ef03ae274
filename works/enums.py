from django.db import models
from django.utils.translation import gettext_lazy as _


class PartyRole(models.TextChoices):
    """The parties of a marché de travaux (domain §9.1)."""

    TITULAIRE = "TITULAIRE", _("Titulaire")
    COTRAITANT = "COTRAITANT", _("Cotraitant")
    SOUS_TRAITANT = "SOUS_TRAITANT", _("Sous-traitant")
    MOE = "MOE", _("Maîtrise d'œuvre")
    MOA = "MOA", _("Maîtrise d'ouvrage")
    SERVICE_FINANCIER = "SERVICE_FINANCIER", _("Service financier")


class DossierStatus(models.TextChoices):
    """Statuses of a dossier de facturation in the monthly cycle: the official codes of the works
    family (domain §1.1 C); the last one is the core lifecycle's, for the service financier."""

    MADE_AVAILABLE_MOE = "MISE_A_DISPOSITION_MOE", _("Mise à disposition de la MOE")
    REFUSED_MOE = "REFUSEE_MOE", _("Refusée par la MOE")
    MOE_DEADLINE_PASSED = (
        "ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE",
        _("Absence de validation de la MOE dans le délai réglementaire"),
    )
    MADE_AVAILABLE_MOA = "MISE_A_DISPOSITION_MOA", _("Mise à disposition de la MOA")
    REFUSED_MOA = "REFUSEE_MOA", _("Refusée par la MOA")
    MADE_AVAILABLE = "MISE_A_DISPOSITION", _("Mise à disposition du service financier")


STATUS_BADGES = {
    DossierStatus.MADE_AVAILABLE_MOE: "new",
    DossierStatus.REFUSED_MOE: "error",
    DossierStatus.MOE_DEADLINE_PASSED: "warning",
    DossierStatus.MADE_AVAILABLE_MOA: "info",
    DossierStatus.REFUSED_MOA: "error",
    DossierStatus.MADE_AVAILABLE: "success",
}


class WorksCadre(models.TextChoices):
    """Cadres of the monthly cycle's pieces (domain §2)."""

    A4 = "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR", _("A4 — Projet de décompte mensuel")
    A15 = "A15_ETAT_ACOMPTE_MOE", _("A15 — État d'acompte (MOE)")
    A19 = "A19_ETAT_ACOMPTE_VALIDE_MOA", _("A19 — État d'acompte validé (MOA)")


class RefusalMotif(models.TextChoices):
    """Motifs of a refusal by the MOE or the MOA (domain §9.3)."""

    WRONG_AMOUNT = "ERREUR_MONTANT", _("Erreur de montant")
    NOT_PERFORMED = "TRAVAUX_NON_REALISES", _("Travaux non réalisés ou non conformes")
    WRONG_CONTRACT = "ERREUR_MARCHE", _("Pièce sans rapport avec ce marché")
    MISSING_DOCUMENTS = "PIECES_MANQUANTES", _("Pièces justificatives manquantes")
    OTHER = "AUTRE_MOTIF", _("Autre motif")


class VatRate(models.TextChoices):
    STANDARD = "20", _("20 %")
    INTERMEDIATE = "10", _("10 %")
    REDUCED = "5.5", _("5,5 %")
    NONE = "0", _("0 % (autoliquidation)")
