"""The demo's API connection: one application (`demo-erp`) connected to the demo supplier and the
demo public entity, with a technical account for each; built through the real services."""

from oauth2_provider.models import Application

from api import services
from api.enums import UsageType
from api.models import ApiConnection, TechnicalAccount
from demo.structures import DEMO_PASSWORD
from structures import services as structure_services
from structures.enums import Space
from structures.models import OpenedSpace

DEMO_CLIENT_ID = "demo-erp"
DEMO_CLIENT_SECRET = "demo-erp-secret-2026"
TECHNICAL_ACCOUNTS = {
    "tech.fournisseur@demo.chorus.fr": "Compte technique de Menuiserie Dupont",
    "tech.entite@demo.chorus.fr": "Compte technique de la Commune de Démoville",
}


def load_demo_api(*, supplier, supplier_gp, recipient, recipient_gp) -> None:
    """Idempotent: what exists already is kept."""
    for structure, manager, login, usage in (
        (supplier, supplier_gp, "tech.fournisseur@demo.chorus.fr", UsageType.ISSUE),
        (recipient, recipient_gp, "tech.entite@demo.chorus.fr", UsageType.RECEIVE),
    ):
        if not OpenedSpace.objects.filter(structure=structure, space=Space.RACCORDEMENT).exists():
            structure_services.open_space(actor=manager, structure_id=structure.pk, space=Space.RACCORDEMENT)
        application = Application.objects.filter(client_id=DEMO_CLIENT_ID).first()
        if not ApiConnection.objects.filter(structure=structure, application=application).exists():
            services.declare_connection(
                actor=manager,
                structure=structure,
                name="ERP de démonstration",
                usage_type=usage,
                contact_name=f"{manager.prenom} {manager.nom}",
                contact_email=manager.email,
                client_id=DEMO_CLIENT_ID if application else "",
                credentials=None if application else (DEMO_CLIENT_ID, DEMO_CLIENT_SECRET),
            )
        if not TechnicalAccount.objects.filter(login=login).exists():
            services.create_technical_account(
                actor=manager, structure=structure, login=login, password=DEMO_PASSWORD
            )
