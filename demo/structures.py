"""The demo accounts and structures: a supplier with two users and a pending attachment request,
a second supplier, a public entity with its services; built through the real services."""

import functools
from typing import NamedTuple

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.enums import UserStatus
from accounts.models import User
from structures import selectors, services
from structures.enums import IdentifierType, MandateStatus, MembershipStatus, Role, StructureKind
from structures.models import BankAccount, BillingMandate, Membership, Structure, StructureService

DEMO_PASSWORD = "Demo-Chorus-2026!"
DEMO_IBAN = "FR7630003000100001234567881"

USERS = {
    "gp.fournisseur@demo.chorus.fr": ("Dupont", "Claire", "Gestionnaire principal du fournisseur"),
    "utilisateur.fournisseur@demo.chorus.fr": ("Martin", "Hugo", "Utilisateur du fournisseur"),
    "gp.entite@demo.chorus.fr": ("Lefèvre", "Sophie", "Gestionnaire principale de l'entité publique"),
    "candidat@demo.chorus.fr": ("Bernard", "Louis", "Demande de rattachement en attente"),
    "support@demo.chorus.fr": ("Support", "Opérateur", "Opérateur du support du portail (/support/)"),
}
CANDIDATE = "candidat@demo.chorus.fr"


def account_role(email: str, role: str) -> str:
    """The role printed for a demo account, true after the demo's pending request was answered."""
    if email != CANDIDATE:
        return role
    membership = Membership.objects.filter(user__email=email).first()
    answered = {
        MembershipStatus.ACTIVE: "Utilisateur du fournisseur (demande de rattachement acceptée)",
        MembershipStatus.REFUSED: "Demande de rattachement refusée",
        MembershipStatus.INACTIVE: "Rattachement désactivé",
    }
    return answered.get(membership.status, role) if membership else role


# Valid SIRETs (Luhn-checked); public entity services with varied requirements.
SUPPLIER = {
    "identifier": "41816609600069",
    "raison_sociale": "Menuiserie Dupont",
    "libelle": "Menuiserie Dupont SARL",
    "email": "contact@menuiserie-dupont.example.fr",
    "numero_tva": "FR16418166096",
    "adresse": "12 rue Alphonse Guérin",
    "code_postal": "38110",
    "ville": "La Tour-du-Pin",
}
SECOND_SUPPLIER = {
    "identifier": "41816609600077",
    "raison_sociale": "Rénovation Dupont",
    "adresse": "4 avenue Jean Jaurès",
    "code_postal": "38300",
    "ville": "Bourgoin-Jallieu",
}
PUBLIC_ENTITY = {
    "identifier": "21380000600016",
    "raison_sociale": "Commune de Démoville",
    "email": "factures@demoville.example.fr",
    "adresse": "1 place de l'Hôtel de Ville",
    "code_postal": "38000",
    "ville": "Grenoble",
    "code_service_required": False,
    "service_or_engagement_required": True,
}
PUBLIC_SERVICES = [
    ("FINANCES", "Direction des finances", False),
    ("TECHNIQUE", "Services techniques", True),
    ("SCOLAIRE", "Affaires scolaires", False),
]


class DemoParties(NamedTuple):
    supplier: Structure
    supplier_gp: User
    recipient: Structure
    recipient_gp: User


@transaction.atomic
def load_demo_structures() -> DemoParties:
    """Idempotent: what exists already is kept."""
    users = {email: _user(email, nom, prenom) for email, (nom, prenom, _) in USERS.items()}
    gp = users["gp.fournisseur@demo.chorus.fr"]
    supplier = _structure(gp, SUPPLIER, StructureKind.PRIVATE)
    _structure(gp, SECOND_SUPPLIER, StructureKind.PRIVATE)
    public_gp = users["gp.entite@demo.chorus.fr"]
    entity = _structure(public_gp, PUBLIC_ENTITY, StructureKind.PUBLIC)
    for code, libelle, engagement in PUBLIC_SERVICES:
        if not StructureService.objects.filter(structure=entity, code=code).exists():
            services.create_service(
                actor=public_gp,
                structure_id=entity.pk,
                code=code,
                libelle=libelle,
                engagement_required=engagement,
            )
    plain = users["utilisateur.fournisseur@demo.chorus.fr"]
    if not Membership.objects.filter(user=plain, structure=supplier).exists():
        services.attach_user(actor=gp, structure_id=supplier.pk, user=plain, role=Role.USER)
    candidate = users[CANDIDATE]
    if not Membership.objects.filter(user=candidate, structure=supplier).exists():
        services.request_membership(
            user=candidate, structure_id=supplier.pk, message="Je rejoins le service comptabilité."
        )
    _mandate(gp, supplier)
    # Most invoices are paid by transfer, which needs the supplier's bank details.
    if not BankAccount.objects.filter(structure=supplier).exists():
        services.add_bank_account(
            actor=gp,
            structure_id=supplier.pk,
            libelle="Compte courant",
            iban=DEMO_IBAN,
            bic="SOGEFRPP",
        )
    return DemoParties(supplier=supplier, supplier_gp=gp, recipient=entity, recipient_gp=public_gp)


@functools.cache
def _demo_password_hash() -> str:
    return make_password(DEMO_PASSWORD)


def create_demo_user(email, **fields):
    """A demo account with the demo password, hashed once per load: a million rounds of PBKDF2 for
    each of some thirty accounts cost about ten seconds of the first start."""
    user = User.objects.create_user(email, None, **fields)
    user.password = _demo_password_hash()
    user.save(update_fields=["password"])
    return user


def _user(email, nom, prenom):
    user = User.objects.filter(email=email).first()
    if user is None:
        user = create_demo_user(
            email,
            nom=nom,
            prenom=prenom,
            status=UserStatus.ACTIVE,
            activated_at=timezone.now(),
            adresse="1 rue de la Démo",
            code_postal="38000",
            ville="Grenoble",
        )
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
    return user


def _structure(actor, data, kind):
    existing = Structure.objects.filter(
        identifier_type=IdentifierType.SIRET, identifier=data["identifier"]
    ).first()
    if existing is not None:
        if selectors.active_membership(actor, existing) is None:
            raise SystemExit(f"La structure {existing} existe sans le compte de démonstration attendu.")
        return existing
    return services.create_structure(
        actor=actor, data={"identifier_type": IdentifierType.SIRET, **data}, kind=kind
    )


def _mandate(actor, structure):
    if BillingMandate.objects.filter(structure=structure, status=MandateStatus.ACTIVE).exists():
        return
    mandate = services.subscribe_mandate(
        actor=actor,
        structure_id=structure.pk,
        libelle=f"Mandat {structure.raison_sociale}",
        signatory_nom=actor.nom,
        signatory_prenom=actor.prenom,
        signatory_qualite="Gérante",
    )
    services.sign_mandate(actor=actor, mandate_id=mandate.pk)
