from django.db import models
from django.utils.translation import gettext_lazy as _


class DepositKind(models.TextChoices):
    UNIT = "UNITAIRE", _("Facture unitaire")
    LOT = "LOT", _("Lot de factures")


class DepositFormat(models.TextChoices):
    """The format the user declares (domain §4.1); the content decides in the end."""

    PDF = "PDF_NON_SIGNE", _("PDF non signé")
    PDF_SIGNED = "PDF_SIGNE_PADES", _("PDF signé (signature PAdES)")
    MIXED = "XML_MIXTE", _("XML mixte (Factur-X, PDF avec XML)")
    STRUCTURED = "XML_STRUCTURE", _("XML structuré (UBL ou CII)")


class ReadFormat(models.TextChoices):
    """The format the content turned out to be (the extraction's codes)."""

    PDF = "pdf", _("PDF")
    FACTURX = "facturx", _("Factur-X")
    CII = "cii", _("XML CII")
    UBL = "ubl", _("XML UBL")


class FluxStatus(models.TextChoices):
    """States of a deposit (flux) and its processing report (domain §4.2, W34)."""

    # Received and stored; waiting for a worker.
    RECEIVED = "IN_RECU", _("Reçu")
    # Being read by a worker.
    PROCESSING = "IN_EN_COURS_TRAITEMENT_CPP", _("En cours de traitement")
    # Stopped during processing (worker lost): waits to be processed again.
    WAITING_RETRY = "IN_EN_ATTENTE_RETRAITEMENT_CPP", _("En attente de retraitement")
    # Every invoice integrated.
    INTEGRATED = "IN_INTEGRE", _("Intégré")
    # Some invoices integrated, the others reported.
    PARTIALLY_INTEGRATED = "IN_INTEGRE_PARTIEL", _("Intégré partiellement")
    # Refused as a whole (unreadable file, nothing integrated).
    REJECTED = "IN_REJETE", _("Rejeté")
    # Its processing failed on an unforeseen error as many times as allowed: the operators are
    # alerted; nothing is retried any more.
    TECHNICAL_ERROR = "IN_ERREUR_TECHNIQUE", _("Erreur technique")


FINISHED = frozenset(
    {FluxStatus.INTEGRATED, FluxStatus.PARTIALLY_INTEGRATED, FluxStatus.REJECTED, FluxStatus.TECHNICAL_ERROR}
)


class ItemOutcome(models.TextChoices):
    """What became of one file of a deposit."""

    PENDING = "EN_ATTENTE", _("En attente")
    # A draft pre-filled from the file, for the user to check and send.
    DRAFT = "BROUILLON", _("Brouillon à compléter")
    # A complete structured invoice, sent at once.
    SENT = "DEPOSEE", _("Facture déposée")
    REJECTED = "REJETE", _("Rejeté")


class Reading(models.TextChoices):
    """What the list tells of a finished deposit: whether its files were read, and how well."""

    # Every file read into an invoice, nothing to point out.
    READ = "LU", _("Lu")
    # Read, but with validation findings or messages to check, or some files refused.
    READ_WITH_WARNINGS = "LU_AVEC_AVERTISSEMENTS", _("Lu avec avertissements")
    # No invoice could be made of it.
    NOT_READ = "NON_LU", _("Non lu")
