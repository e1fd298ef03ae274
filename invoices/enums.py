from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class InvoiceStatus(models.TextChoices):
    """`statutFacture`, family A of domain §1.1, plus SUPPRIMEE for deleted drafts."""

    # Saved in the entry form, not submitted.
    DRAFT = "BROUILLON", _("Brouillon")
    # Integrated in the portal's database; a deposit certificate exists.
    DEPOSITED = "DEPOSEE", _("Déposée")
    # Being routed to the recipient structure/service.
    ROUTING = "EN_COURS_ACHEMINEMENT", _("En cours d'acheminement")
    # In the recipient's space; starts the délai global de paiement.
    MADE_AVAILABLE = "MISE_A_DISPOSITION", _("Mise à disposition du destinataire")
    # The recipient's information system took the invoice in charge.
    TAKEN_IN_CHARGE = "PRISE_EN_COMPTE_DESTINATAIRE", _("Prise en compte par le destinataire")
    # Returned: wrong recipient data (identifier, service, engagement); the supplier recycles it.
    TO_RECYCLE = "A_RECYCLER", _("À recycler")
    # Returned: supporting documents missing; the supplier completes it.
    SUSPENDED = "SUSPENDUE", _("Suspendue")
    # The supplier added documents to a suspended invoice: back with the recipient.
    COMPLETED = "COMPLETEE", _("Complétée")
    # Refused: final for this invoice.
    REJECTED = "REJETEE", _("Rejetée")
    # The recipient certified the service was performed (optional).
    SERVICE_DONE = "SERVICE_FAIT", _("Service fait")
    # Payment order issued (optional), with the mandate number.
    MANDATED = "MANDATEE", _("Mandatée")
    # Sent to the public accountant (optional).
    SENT_TO_ACCOUNTANT = "MISE_A_DISPOSITION_COMPTABLE", _("Mise à disposition du comptable")
    # Taken into account by the accountant (optional).
    ACCOUNTED = "COMPTABILISEE", _("Comptabilisée")
    # Payment made: terminal.
    PAID = "MISE_EN_PAIEMENT", _("Mise en paiement")
    # Deleted draft.
    DELETED = "SUPPRIMEE", _("Supprimée")
    # Validation circuit of the A9/A12 cadres (family B of domain §1.1): the validator decides
    # before the invoice reaches its recipient.
    TO_VALIDATE_1 = "A_VALIDER_1", _("À valider")
    VALIDATED_1 = "VALIDEE_1", _("Validée")
    REFUSED_1 = "REFUSEE_1", _("Refusée par le valideur")
    TACITLY_VALIDATED_1 = "ABSENCE_VALIDATION_1_HORS_DELAI", _("Validée tacitement (hors délai)")
    # A sub-contractor of a cotraitant: the cotraitant, then the mandataire.
    TO_VALIDATE_2 = "A_VALIDER_2", _("À valider par le second valideur")
    VALIDATED_2 = "VALIDEE_2", _("Validée par le second valideur")
    REFUSED_2 = "REFUSEE_2", _("Refusée par le second valideur")
    TACITLY_VALIDATED_2 = "ABSENCE_VALIDATION_2_HORS_DELAI", _("Validée tacitement par le second valideur")
    # Refused as sent to the wrong validator: the supplier names the right one.
    WRONG_VALIDATOR = "ERREUR_FOURNISSEUR_SUR_VALIDEUR", _("Erreur du fournisseur sur le valideur")


# One mapping status → DSFR badge type (house style §I).
STATUS_BADGES = {
    InvoiceStatus.DRAFT: "",
    InvoiceStatus.DEPOSITED: "info",
    InvoiceStatus.ROUTING: "info",
    InvoiceStatus.MADE_AVAILABLE: "new",
    InvoiceStatus.TAKEN_IN_CHARGE: "new",
    InvoiceStatus.TO_RECYCLE: "warning",
    InvoiceStatus.SUSPENDED: "warning",
    InvoiceStatus.COMPLETED: "new",
    InvoiceStatus.REJECTED: "error",
    InvoiceStatus.SERVICE_DONE: "info",
    InvoiceStatus.MANDATED: "info",
    InvoiceStatus.SENT_TO_ACCOUNTANT: "info",
    InvoiceStatus.ACCOUNTED: "info",
    InvoiceStatus.PAID: "success",
    InvoiceStatus.DELETED: "",
    InvoiceStatus.TO_VALIDATE_1: "new",
    InvoiceStatus.VALIDATED_1: "info",
    InvoiceStatus.REFUSED_1: "error",
    InvoiceStatus.TACITLY_VALIDATED_1: "info",
    InvoiceStatus.TO_VALIDATE_2: "new",
    InvoiceStatus.VALIDATED_2: "info",
    InvoiceStatus.REFUSED_2: "error",
    InvoiceStatus.TACITLY_VALIDATED_2: "info",
    InvoiceStatus.WRONG_VALIDATOR: "warning",
}


class Cadre(models.TextChoices):
    """`codeCadreFacturation` offered in Factures émises (domain §2)."""

    A1 = "A1_FACTURE_FOURNISSEUR", _("A1 — Dépôt par un fournisseur d'une facture")
    A2 = "A2_FACTURE_FOURNISSEUR_DEJA_PAYEE", _("A2 — Dépôt par un fournisseur d'une facture déjà payée")
    A9 = "A9_FACTURE_SOUSTRAITANT", _("A9 — Dépôt par un sous-traitant d'une facture")
    A12 = "A12_FACTURE_COTRAITANT", _("A12 — Dépôt par un cotraitant d'une facture")


class WorksPayableCadre(models.TextChoices):
    """Works pieces that reach the service financier as payable invoices (domain §9.3, §9.4):
    created by the works app, never typed in Factures émises."""

    A6 = "A6_ETAT_ACOMPTE_VALIDE_FOURNISSEUR", _("A6 — Dépôt par un fournisseur d'un état d'acompte validé")
    A8 = (
        "A8_DECOMPTE_GENERAL_DEFINITIF_FOURNISSEUR",
        _("A8 — Dépôt par un fournisseur d'un décompte général et définitif"),
    )
    A16 = "A16_ETAT_ACOMPTE_VALIDE_MOE", _("A16 — Dépôt par une MOE d'un état d'acompte validé")
    A19 = "A19_ETAT_ACOMPTE_VALIDE_MOA", _("A19 — Dépôt par une MOA d'un état d'acompte validé")
    A23 = (
        "A23_DECOMPTE_GENERAL_DEFINITIF_TACITE_FOURNISSEUR",
        _("A23 — Dépôt par un fournisseur d'un décompte général et définitif tacite"),
    )
    A24 = (
        "A24_DECOMPTE_GENERAL_DEFINITIF_TACITE_MOE",
        _("A24 — Dépôt par une MOE d'un décompte général et définitif tacite"),
    )
    A25 = (
        "A25_DECOMPTE_GENERAL_DEFINITIF_MOE_PROCEDURE_TACITE",
        _("A25 — Dépôt par une MOA d'un décompte général et définitif dans le cadre d'une procédure tacite"),
    )


INVOICE_CADRES = [*Cadre.choices, *WorksPayableCadre.choices]
CADRES_WITH_VALIDATOR = frozenset({Cadre.A9, Cadre.A12})
# Invoices deposited already paid: nothing is left to pay unless the supplier says otherwise.
CADRES_ALREADY_PAID = frozenset({Cadre.A2})


class ValidationRefusal(models.TextChoices):
    """Motifs of a validator's refusal (`recupererMotifsRefusFactureAValider`, domain §9.6); the
    codes follow the reform's (`ERR_VALIDEUR`, W28)."""

    WRONG_VALIDATOR = "ERR_VALIDEUR", _("Erreur de valideur")
    WRONG_AMOUNT = "ERR_MONTANT", _("Montant erroné")
    NOT_PERFORMED = "PRESTATION_NON_REALISEE", _("Prestation non réalisée ou non conforme")
    NOT_ADMITTED = "SOUS_TRAITANT_NON_AGREE", _("Sous-traitant ou cotraitant non agréé pour ce marché")
    DUPLICATE = "DOUBLON", _("Facture déjà présentée")
    OTHER = "AUT_MOTIF", _("Autre motif")


class InvoiceType(models.TextChoices):
    INVOICE = "FACTURE", _("Facture")
    CREDIT_NOTE = "AVOIR", _("Avoir")


class VatType(models.TextChoices):
    ON_DEBITS = "TVA_SUR_DEBIT", _("TVA sur les débits")
    ON_RECEIPTS = "TVA_SUR_ENCAISSEMENT", _("TVA sur les encaissements")
    EXEMPT = "EXONERATION", _("Exonération")
    NO_VAT = "SANS_TVA", _("Sans TVA")


class PaymentMode(models.TextChoices):
    CHEQUE = "CHEQUE", _("Chèque")
    DIRECT_DEBIT = "PRELEVEMENT", _("Prélèvement")
    TRANSFER = "VIREMENT", _("Virement")
    CASH = "ESPECE", _("Espèce")
    OTHER = "AUTRE", _("Autre")
    CARRY_OVER = "REPORT", _("Report")


class DepositMode(models.TextChoices):
    ENTRY = "SAISIE", _("Saisie")
    PDF = "DEPOT_PDF", _("Dépôt PDF")
    STRUCTURED = "DEPOT_XML", _("Dépôt XML / Factur-X")


class OperationCategory(models.TextChoices):
    """Catégorie de l'opération, a mandatory mention of the 2026 reform; with the cadre it gives
    the reform's business process (BT-23: B = goods, S = services, M = both)."""

    GOODS = "BIENS", _("Livraison de biens")
    SERVICES = "SERVICES", _("Prestation de services")
    MIXED = "MIXTE", _("Biens et services")


class VatCategory(models.TextChoices):
    """EN 16931 VAT category (BT-151, UNTDID 5305) of a line."""

    STANDARD = "S", _("Taux normal ou réduit")
    ZERO = "Z", _("Taux zéro")
    EXEMPT = "E", _("Exonérée")
    REVERSE_CHARGE = "AE", _("Autoliquidation")
    INTRA_EU = "K", _("Livraison intracommunautaire")
    EXPORT = "G", _("Exportation hors de l'Union européenne")
    OUT_OF_SCOPE = "O", _("Hors du champ de la TVA")


class ExemptionReason(models.TextChoices):
    """Motif d'exonération of the lines in category E: the VATEX code (BT-121); the legal mention the
    documents print is einvoice.cii.EXEMPTION_TEXTS."""

    ART_293B = "VATEX-FR-FRANCHISE", _("TVA non applicable, art. 293 B du CGI")
    ART_261_2 = "VATEX-FR-CGI261-2", _("Exonération, art. 261-2 du CGI")
    ART_261_4 = "VATEX-FR-CGI261-4", _("Exonération, art. 261-4 du CGI")
    ART_261_5 = "VATEX-FR-CGI261-5", _("Exonération, art. 261-5 du CGI")
    ART_261_7 = "VATEX-FR-CGI261-7", _("Exonération, art. 261-7 du CGI")
    ART_261_C = "VATEX-FR-CGI261C-1", _("Exonération, art. 261 C-1° du CGI")
    ART_261_D = "VATEX-FR-CGI261D-1", _("Exonération, art. 261 D-1° du CGI")
    ART_132 = "VATEX-EU-132", _("Exonération, art. 132 de la directive 2006/112/CE")


# French VAT rates (percent) offered on lines.
VAT_RATES = (Decimal("20"), Decimal("10"), Decimal("8.5"), Decimal("5.5"), Decimal("2.1"), Decimal("0"))

CURRENCIES = (
    ("EUR", _("Euro")),
    ("USD", _("Dollar des États-Unis")),
    ("GBP", _("Livre sterling")),
    ("CHF", _("Franc suisse")),
    ("XPF", _("Franc CFP")),
)


class UnitCode(models.TextChoices):
    """A line's unit (BT-130) as its UN/ECE Recommendation 20 code, with the label an invoice
    writes: the units of the portal's invoices (einvoice.cii.UNIT_CODES reads typed ones)."""

    UNIT = "C62", _("unité")
    PIECE = "H87", _("pièce")
    LUMP_SUM = "LS", _("forfait")
    LOT = "LO", _("lot")
    HOUR = "HUR", "h"
    DAY = "DAY", _("jour")
    WEEK = "WEE", _("semaine")
    MONTH = "MON", _("mois")
    YEAR = "ANN", _("an")
    KILOMETRE = "KMT", "km"
    METRE = "MTR", "m"
    SQUARE_METRE = "MTK", "m²"
    CUBIC_METRE = "MTQ", "m³"
    KILOGRAM = "KGM", "kg"
    TONNE = "TNE", "t"
    LITRE = "LTR", "l"


class AttachmentKind(models.TextChoices):
    # The invoice document itself (generated or deposited): the legal original.
    PRINCIPAL = "PRINCIPALE", _("Pièce jointe principale")
    COMPLEMENTARY = "COMPLEMENTAIRE", _("Pièce jointe complémentaire")


class InvoiceAction(models.TextChoices):
    """User actions traced in the invoice's action history (domain §1.6)."""

    SAVE = "ENREGISTRER", _("Enregistrement")
    SUBMIT = "VALIDER_ENVOYER", _("Validation et envoi")
    DUPLICATE = "DUPLIQUER", _("Duplication")
    DELETE = "SUPPRIMER", _("Suppression")
    PROCESS = "TRAITER", _("Traitement")
    RECYCLE = "RECYCLER", _("Recyclage")
    COMPLETE = "COMPLETER", _("Complément")
    ACKNOWLEDGE = "PRENDRE_CONNAISSANCE", _("Prise de connaissance")
    DOWNLOAD = "TELECHARGER", _("Téléchargement")
    VALIDATE = "VALIDER", _("Validation par le valideur")
    REFUSE = "REFUSER", _("Refus par le valideur")
    CORRECT_VALIDATOR = "CORRIGER_VALIDEUR", _("Correction du valideur")


def translated_labels(choices) -> dict[str, str]:
    """code → label of a choices class in the active language, translated once: a list or an
    export would otherwise translate every choice of the field for each invoice (what
    get_FOO_display() does)."""
    return {code: str(label) for code, label in choices.choices}


class ReturnReason(models.TextChoices):
    """Motif of a return or refusal chosen in Traiter: Chorus Pro's reason codes (MDT-113, DSE
    annex 7), which invoices.reform states in the reform's CDAR vocabulary."""

    SE_ERR = "SE_ERR", _("Code service erroné ou absent")
    CMD_EJ_ERR = "CMD_EJ_ERR", _("Numéro de bon de commande ou d'engagement erroné ou absent")
    SIRET_ERR = "SIRET_ERR", _("SIRET du destinataire erroné")
    DEST_ERR = "DEST_ERR", _("Erreur de destinataire")
    ADR_ERR = "ADR_ERR", _("Adresse de facturation erronée")
    JUSTIF_ABS = "JUSTIF_ABS", _("Pièce justificative manquante")
    REF_CT_ABSENT = "REF_CT_ABSENT", _("Référence contractuelle absente")
    REF_ERR = "REF_ERR", _("Référence erronée")
    COORD_BANC_ERR = "COORD_BANC_ERR", _("Coordonnées bancaires erronées")
    MONTANTTOTAL_ERR = "MONTANTTOTAL_ERR", _("Montant total erroné")
    TX_TVA_ERR = "TX_TVA_ERR", _("Taux de TVA erroné")
    CALCUL_ERR = "CALCUL_ERR", _("Erreur de calcul")
    DOUBLON = "DOUBLON", _("Facture en doublon")
    NON_CONFORME = "NON_CONFORME", _("Facture non conforme")
    TRANSAC_INC = "TRANSAC_INC", _("Transaction inconnue")
    EMMET_INC = "EMMET_INC", _("Émetteur inconnu")
    CONTRAT_TERM = "CONTRAT_TERM", _("Contrat terminé")
    LIVR_INCOMP = "LIVR_INCOMP", _("Livraison ou prestation incomplète")
    ST_CT_NON_DECLAR = "ST_CT_NON_DECLAR", _("Sous-traitant ou cotraitant non déclaré")
    TRANSF_PMNT_REGIE = "TRANSF_PMNT_REGIE", _("Paiement transféré à une régie")
    OTHER = "AUTRE", _("Autre motif")
