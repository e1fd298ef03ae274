"""Demo data for `make run`: idempotent, prints the demo accounts."""

import os

from django.core.management.base import BaseCommand
from django.test import override_settings

from demo.annuaire import load_demo_annuaire
from demo.api import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, TECHNICAL_ACCOUNTS, load_demo_api
from demo.invoices import load_demo_invoices
from demo.solicitations import load_demo_solicitations
from demo.structures import DEMO_PASSWORD, USERS, account_role, load_demo_structures
from demo.vat_categories import load_demo_vat_categories
from demo.works import USERS as WORKS_USERS
from demo.works import load_demo_works
from demo.works_contracts import USERS as CONTRACT_USERS
from demo.works_contracts import load_demo_works_contracts


class Command(BaseCommand):
    help = "Charge les données de démonstration (idempotent) et affiche les comptes de démonstration."

    def handle(self, *args, **options):
        parties = load_demo_structures()
        load_demo_annuaire()
        load_demo_api(**parties._asdict())
        # Hundreds of status changes: their notification e-mails would only bury the useful ones.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            created = load_demo_invoices(**parties._asdict())
            created += load_demo_works(**parties._asdict())
            created += load_demo_works_contracts(**parties._asdict())
            load_demo_solicitations(**parties._asdict())
            created += load_demo_vat_categories(**parties._asdict())
        if created:
            self.stdout.write(f"  {created} factures et dossiers de démonstration créés.")
        self._print_accounts(parties.supplier, parties.recipient)

    def _print_accounts(self, supplier, entity):
        self.stdout.write(self.style.SUCCESS(f"\nComptes de démonstration (mot de passe : {DEMO_PASSWORD})"))
        for email, (_nom, _prenom, role) in {**USERS, **WORKS_USERS, **CONTRACT_USERS}.items():
            self.stdout.write(f"  {email:42} {account_role(email, role)}")
        for login, label in TECHNICAL_ACCOUNTS.items():
            self.stdout.write(f"  {login:42} {label} (API, en-tête cpro-account)")
        self.stdout.write(
            f"  Application API : client_id {DEMO_CLIENT_ID}, client_secret {DEMO_CLIENT_SECRET}"
        )
        self.stdout.write(f"  Fournisseur : {supplier}    Entité publique : {entity}")
        port = os.environ.get("PORT", "8000")
        self.stdout.write(
            f"  Portail : http://127.0.0.1:{port}/    E-mails envoyés : http://127.0.0.1:{port}/dev/outbox/\n"
        )
