from django.db import models
from django.utils.translation import gettext_lazy as _


class SolicitationStatus(models.TextChoices):
    """Statuses of a sollicitation (domain §10)."""

    # Saved by the requester, not sent.
    DRAFT = "BROUILLON", _("Brouillon")
    # Sent: waits for its addressee.
    SENT = "EMISE", _("Émise")
    # The addressee took it in charge.
    IN_PROGRESS = "EN_COURS_DE_TRAITEMENT", _("En cours de traitement")
    # The addressee asks the requester for more information.
    COMPLEMENT_REQUESTED = "COMPLEMENT_DEMANDE", _("Complément demandé")
    # The requester brought the complement: back with the addressee.
    COMPLETED = "COMPLETEE", _("Complétée")
    # The addressee answered.
    ANSWERED = "REPONDUE", _("Répondue")
    # The requester is not satisfied with the answer: back with the addressee.
    SENT_BACK = "RENVOYEE", _("Renvoyée")
    # Not in the service's remit: now with the portal's support.
    TRANSFERRED_TO_SUPPORT = "TRANSFEREE_SUPPORT", _("Transférée au support")
    # Closed by the requester: terminal.
    CLOSED = "CLOTUREE", _("Clôturée")


STATUS_BADGES = {
    SolicitationStatus.DRAFT: "",
    SolicitationStatus.SENT: "new",
    SolicitationStatus.IN_PROGRESS: "info",
    SolicitationStatus.COMPLEMENT_REQUESTED: "warning",
    SolicitationStatus.COMPLETED: "new",
    SolicitationStatus.ANSWERED: "success",
    SolicitationStatus.SENT_BACK: "warning",
    SolicitationStatus.TRANSFERRED_TO_SUPPORT: "info",
    SolicitationStatus.CLOSED: "",
}


class Addressee(models.TextChoices):
    """Who handles a sollicitation: the recipient structure's service in charge of invoices
    (service « métier »), or the portal's support (domain §10)."""

    SERVICE = "SERVICE_METIER", _("Service de la structure destinataire")
    SUPPORT = "SUPPORT", _("Support du portail")


class Side(models.TextChoices):
    """Who acts on a sollicitation."""

    REQUESTER = "EMETTEUR", _("Émetteur")
    SERVICE = "SERVICE_METIER", _("Service destinataire")
    SUPPORT = "SUPPORT", _("Support")
    SYSTEM = "SYSTEME", _("Portail")
