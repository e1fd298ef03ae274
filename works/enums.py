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


class DossierKind(models.TextChoices):
    """A dossier is a monthly payment request or the end-of-contract one (domain §9.3, §9.4)."""

    MONTHLY = "MENSUEL", _("Décompte mensuel")
    FINAL = "FINAL", _("Fin de marché")


class DossierStatus(models.TextChoices):
    """Statuses of a dossier de facturation: the official codes of the validation and works
    families (domain §1.1 B and C); the last one is the core lifecycle's, for the service
    financier."""

    TO_VALIDATE_1 = "A_VALIDER_1", _("À valider par le titulaire ou le mandataire")
    VALIDATED_1 = "VALIDEE_1", _("Validée par le valideur")
    REFUSED_1 = "REFUSEE_1", _("Refusée par le valideur")
    TACITLY_VALIDATED_1 = "ABSENCE_VALIDATION_1_HORS_DELAI", _("Validée tacitement (hors délai)")
    TO_VALIDATE_2 = "A_VALIDER_2", _("À valider par le mandataire")
    VALIDATED_2 = "VALIDEE_2", _("Validée par le second valideur")
    REFUSED_2 = "REFUSEE_2", _("Refusée par le second valideur")
    TACITLY_VALIDATED_2 = (
        "ABSENCE_VALIDATION_2_HORS_DELAI",
        _("Validée tacitement par le second valideur (hors délai)"),
    )
    MADE_AVAILABLE_MOE = "MISE_A_DISPOSITION_MOE", _("Mise à disposition de la MOE")
    REFUSED_MOE = "REFUSEE_MOE", _("Refusée par la MOE")
    MOE_DEADLINE_PASSED = (
        "ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE",
        _("Absence de validation de la MOE dans le délai réglementaire"),
    )
    MADE_AVAILABLE_MOA = "MISE_A_DISPOSITION_MOA", _("Mise à disposition de la MOA")
    REFUSED_MOA = "REFUSEE_MOA", _("Refusée par la MOA")
    # The décompte général is notified: the titulaire signs it and deposits the DGD (A8).
    TO_ASSOCIATE_SUPPLIER = "A_ASSOCIER_FOURNISSEUR", _("Décompte général notifié au titulaire")
    # The titulaire's projet de décompte général of the tacit procedure (A22) replaces the wait.
    REPLACED_BY_A22 = "REMPLACEE_PAR_A22", _("Procédure tacite : projet de décompte général déposé")
    MADE_AVAILABLE = "MISE_A_DISPOSITION", _("Mise à disposition du service financier")


STATUS_BADGES = {
    DossierStatus.TO_VALIDATE_1: "new",
    DossierStatus.VALIDATED_1: "info",
    DossierStatus.REFUSED_1: "error",
    DossierStatus.TACITLY_VALIDATED_1: "info",
    DossierStatus.TO_VALIDATE_2: "new",
    DossierStatus.VALIDATED_2: "info",
    DossierStatus.REFUSED_2: "error",
    DossierStatus.TACITLY_VALIDATED_2: "info",
    DossierStatus.TO_ASSOCIATE_SUPPLIER: "new",
    DossierStatus.REPLACED_BY_A22: "warning",
    DossierStatus.MADE_AVAILABLE_MOE: "new",
    DossierStatus.REFUSED_MOE: "error",
    DossierStatus.MOE_DEADLINE_PASSED: "warning",
    DossierStatus.MADE_AVAILABLE_MOA: "info",
    DossierStatus.REFUSED_MOA: "error",
    DossierStatus.MADE_AVAILABLE: "success",
}


class WorksCadre(models.TextChoices):
    """Cadres of the works pieces (domain §2)."""

    A4 = "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR", _("A4 — Projet de décompte mensuel")
    A5 = "A5_ETAT_ACOMPTE_FOURNISSEUR", _("A5 — État d'acompte (titulaire, sans MOE)")
    A6 = "A6_ETAT_ACOMPTE_VALIDE_FOURNISSEUR", _("A6 — État d'acompte validé (titulaire, sans MOE)")
    A7 = "A7_PROJET_DECOMPTE_FINAL_FOURNISSEUR", _("A7 — Projet de décompte final")
    A8 = "A8_DECOMPTE_GENERAL_DEFINITIF_FOURNISSEUR", _("A8 — Décompte général et définitif signé")
    A10 = "A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT", _("A10 — Projet de décompte mensuel (sous-traitant)")
    A11 = "A11_PROJET_DECOMPTE_FINAL_SOUSTRAITANT", _("A11 — Projet de décompte final (sous-traitant)")
    A13 = "A13_PROJET_DECOMPTE_MENSUEL_COTRAITANT", _("A13 — Projet de décompte mensuel (cotraitant)")
    A14 = "A14_PROJET_DECOMPTE_FINAL_COTRAITANT", _("A14 — Projet de décompte final (cotraitant)")
    A15 = "A15_ETAT_ACOMPTE_MOE", _("A15 — État d'acompte (MOE)")
    A16 = "A16_ETAT_ACOMPTE_VALIDE_MOE", _("A16 — État d'acompte validé (MOE)")
    A17 = "A17_PROJET_DECOMPTE_GENERAL_MOE", _("A17 — Projet de décompte général (MOE)")
    A18 = "A18_DECOMPTE_GENERAL_MOE", _("A18 — Décompte général (MOE)")
    A19 = "A19_ETAT_ACOMPTE_VALIDE_MOA", _("A19 — État d'acompte validé (MOA)")
    A20 = "A20_DECOMPTE_GENERAL_MOA", _("A20 — Décompte général (MOA)")
    A22 = (
        "A22_PROJET_DECOMPTE_GENERAL_FOURNISSEUR_PROCEDURE_TACITE",
        _("A22 — Projet de décompte général (procédure tacite)"),
    )
    A23 = "A23_DECOMPTE_GENERAL_DEFINITIF_TACITE_FOURNISSEUR", _("A23 — Décompte général et définitif tacite")
    A24 = "A24_DECOMPTE_GENERAL_DEFINITIF_TACITE_MOE", _("A24 — Décompte général et définitif tacite (MOE)")
    A25 = (
        "A25_DECOMPTE_GENERAL_DEFINITIF_MOE_PROCEDURE_TACITE",
        _("A25 — Décompte général et définitif (MOA, procédure tacite)"),
    )


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
