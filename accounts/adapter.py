from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.enums import UserStatus
from accounts.models import User


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up goes through the portal's own steps (accounts.views.signup), never allauth's form."""

    def is_open_for_signup(self, request):
        return True

    def get_signup_redirect_url(self, request):
        return reverse("accounts:signup")

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is None:
            email = credentials.get("email") or credentials.get("username") or ""
            pending = User.objects.filter(email__iexact=email, status=UserStatus.PENDING_ACTIVATION).exists()
            if pending:
                # A pending account has no password yet: say why the log-in fails and how to go on.
                raise forms.ValidationError(
                    _(
                        "Votre compte n'est pas encore activé. Utilisez le lien d'activation reçu par "
                        "e-mail, ou demandez-en un nouveau."
                    ),
                    code="account_pending_activation",
                )
        return user
