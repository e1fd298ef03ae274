from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up goes through the portal's own steps (accounts.views.signup), never allauth's form."""

    def is_open_for_signup(self, request):
        return True

    def get_signup_redirect_url(self, request):
        return reverse("accounts:signup")
