from django.db import models
from django.utils.translation import gettext_lazy as _


class UserStatus(models.TextChoices):
    # Created at sign-up; the activation link has not been used yet.
    PENDING_ACTIVATION = "EN_COURS_D_ACTIVATION", _("En cours d'activation")
    # Password set through the activation link: the user can log in.
    ACTIVE = "ACTIF", _("Actif")
    # Deactivated by the user or a manager; can no longer log in.
    INACTIVE = "INACTIF", _("Inactif")


class Language(models.TextChoices):
    FR = "fr", _("Français")
    EN = "en", _("English")


class NotificationPreference(models.TextChoices):
    # Chorus Pro "Notification Facturation" (domain §6.6): one mail per event,
    # a daily digest, or nothing (the principal manager always gets billing mails).
    EACH_EVENT = "CHAQUE_EVENEMENT", _("À chaque événement")
    DAILY = "QUOTIDIEN", _("Récapitulatif quotidien")
    NONE = "AUCUNE", _("Aucune notification")
