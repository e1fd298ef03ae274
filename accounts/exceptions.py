from django.utils.translation import gettext_lazy as _


class AccountError(Exception):
    """A business rule refused the operation; the message is shown to the user as is."""


class ActivationLinkError(AccountError):
    """The activation link cannot be used; each subclass has its own French explanation."""

    message = _("Ce lien d'activation n'est pas valide.")

    def __str__(self):
        return str(self.message)


class ActivationLinkInvalid(ActivationLinkError):
    message = _("Ce lien d'activation n'est pas valide : il est incomplet ou a été modifié.")


class ActivationLinkExpired(ActivationLinkError):
    message = _("Ce lien d'activation a expiré : il n'est valable que 60 minutes.")


class ActivationLinkUsed(ActivationLinkError):
    message = _("Ce lien d'activation a déjà été utilisé : votre compte est déjà activé.")
