"""Gives (or, with --revoke, takes back) the support role: the portal's operators only, never a
structure's manager."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from solicitations.exceptions import SolicitationError
from solicitations.models import SupportAgent
from solicitations.services import grant_support_role


class Command(BaseCommand):
    help = "Attribue le rôle de support du portail à un utilisateur (par son adresse de connexion)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--revoke", action="store_true", help="Retire le rôle.")

    def handle(self, *args, email, revoke, **options):
        user = get_user_model().objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"Aucun utilisateur {email}.")
        if revoke:
            SupportAgent.objects.filter(user=user).delete()
            self.stdout.write(self.style.SUCCESS(f"Rôle de support retiré à {user.email}."))
            return
        try:
            grant_support_role(user=user)
        except SolicitationError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Rôle de support attribué à {user.email}."))
