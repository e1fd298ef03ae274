"""Demo of the invoices that pass through several hands (issue 15): the « Réhabilitation du
gymnase » contract of the Commune de Démoville, where Menuiserie Dupont is titulaire and mandataire
with a cotraitant and a sous-traitant. Its Factures à valider: an A9 invoice waiting for Menuiserie
Dupont, one validated tacitly after 15 days, and an A12 invoice of the cotraitant. (The works
contract itself, its MOE and its dossiers are not built yet.) Built through the
real services; idempotent."""

import datetime

from django.db import transaction
from django.utils import timezone

from demo.structures import _mandate, _structure, _user
from invoices import services
from invoices.enums import Cadre
from invoices.models import Invoice
from structures import services as structure_services
from structures.enums import Space, StructureKind, SubscriptionMode, SubscriptionStatus
from structures.models import OpenedSpace, SpaceSubscription

CONTRACT = "MARCHE-GYMNASE-2026"
USERS = {
    "cotraitant@demo.chorus.fr": ("Roux", "Camille", "Cotraitant du marché du gymnase (A12)"),
    "sous-traitant@demo.chorus.fr": ("Garnier", "Léo", "Sous-traitant du marché du gymnase (A9)"),
}
COTRAITANT = {
    "identifier": "52345678800018",
    "raison_sociale": "Peintures Roux",
    "numero_tva": "FR31523456788",
    "adresse": "8 rue des Artisans",
    "code_postal": "38200",
    "ville": "Vienne",
}
SUBCONTRACTOR = {
    "identifier": "53345678600011",
    "raison_sociale": "Électricité Garnier",
    "numero_tva": "FR59533456786",
    "adresse": "3 chemin du Moulin",
    "code_postal": "38090",
    "ville": "Villefontaine",
}
LINES = [
    {"designation": "Tableau électrique du gymnase", "unit": "u", "quantity": "1", "unit_price": "2380.00"},
    {"designation": "Câblage de l'éclairage", "unit": "h", "quantity": "16", "unit_price": "48.00"},
]


@transaction.atomic
def load_demo_works(*, supplier, supplier_gp, recipient, recipient_gp) -> int:
    """Menuiserie Dupont (`supplier`) validates its partners' invoices to the Commune (`recipient`)."""
    del recipient_gp  # the Commune receives the validated invoices in Factures reçues as any other
    open_space_for(supplier, supplier_gp, Space.FACTURES_A_VALIDER)
    parties = {}
    for email, data in (
        ("cotraitant@demo.chorus.fr", COTRAITANT),
        ("sous-traitant@demo.chorus.fr", SUBCONTRACTOR),
    ):
        nom, prenom, _role = USERS[email]
        gp = _user(email, nom, prenom)
        structure = _structure(gp, data, StructureKind.PRIVATE)
        _mandate(gp, structure)
        parties[email] = (structure, gp)
    subcontractor, subcontractor_gp = parties["sous-traitant@demo.chorus.fr"]
    cotraitant, cotraitant_gp = parties["cotraitant@demo.chorus.fr"]
    if Invoice.objects.filter(supplier__in=[subcontractor, cotraitant]).exists():
        return 0
    # ST-GYM-001 was sent 16 days ago and left without decision: validated tacitly by the beat
    # task's service; the next two wait for Menuiserie Dupont, the mandataire and titulaire.
    tacit = _send(
        subcontractor, subcontractor_gp, Cadre.A9, "ST-GYM-001", validator=supplier, recipient=recipient
    )
    services.validate_tacitly(now=timezone.now() + datetime.timedelta(days=16))
    services.route_invoice(invoice_id=tacit.pk)
    _send(subcontractor, subcontractor_gp, Cadre.A9, "ST-GYM-002", validator=supplier, recipient=recipient)
    _send(cotraitant, cotraitant_gp, Cadre.A12, "CO-GYM-001", validator=supplier, recipient=recipient)
    return 3


def _send(structure, gp, cadre, number, *, validator, recipient):
    draft = services.save_draft(
        actor=gp,
        structure=structure,
        data={
            "cadre": cadre,
            "validator_id": validator.pk,
            "recipient_id": recipient.pk,
            "number": number,
            "invoice_date": timezone.localdate() - datetime.timedelta(days=2),
            "payment_mode": "CHEQUE",
            "numero_engagement": "EJ-GYMNASE",
            "contract_number": CONTRACT,
        },
        lines=[{**line, "vat_rate": "20"} for line in LINES],
    )
    services.submit_invoice(actor=gp, structure=structure, invoice_id=draft.pk)
    services.route_invoice(invoice_id=draft.pk)
    return draft


def open_space_for(structure, gp, space) -> None:
    """The structure's manager uses `space` (opened, subscribed in modification)."""
    if not OpenedSpace.objects.filter(structure=structure, space=space).exists():
        structure_services.open_space(actor=gp, structure_id=structure.pk, space=space)
    if not SpaceSubscription.objects.filter(
        user=gp, structure=structure, space=space, status=SubscriptionStatus.ACTIVE
    ).exists():
        subscription = structure_services.request_subscription(
            user=gp, structure_id=structure.pk, space=space, mode=SubscriptionMode.MODIFICATION
        )
        structure_services.decide_subscription(
            actor=gp, structure_id=structure.pk, subscription_id=subscription.pk, approve=True
        )
