"""Every audited write of structures/services.py and accounts/services.py, checked by the content
of the AuditLog rows it writes: action, actor, structure, target user, description and payload."""

import pytest

from accounts import services as account_services
from structures import services
from structures.enums import (
    AuditAction,
    BankAccountStatus,
    Role,
    Space,
    SubscriptionMode,
)
from structures.exceptions import NotAllowed
from structures.models import AuditLog, OpenedSpace
from tests.factories import UserFactory, valid_siret

IBAN = "FR7630006000011234567890189"


@pytest.fixture
def audit(db):
    """audit() → the AuditLog rows written since the fixture was set up, oldest first, as
    (action, actor, structure, target_user, description, payload)."""
    start = AuditLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def rows():
        return [
            (row.action, row.actor, row.structure, row.target_user, row.description, row.payload)
            for row in AuditLog.objects.filter(pk__gt=start).order_by("pk")
        ]

    return rows


@pytest.fixture
def structure(gp):
    return gp.structure


def test_create_structure(audit):
    user = UserFactory()
    structure = services.create_structure(
        actor=user,
        data={"identifier_type": "SIRET", "identifier": valid_siret(42), "raison_sociale": "Atelier Audit"},
    )
    assert audit() == [(AuditAction.STRUCTURE_CREATED, user, structure, None, "Atelier Audit", {})]


def test_update_structure_records_each_changed_field(gp, structure, audit):
    services.update_structure(
        actor=gp, structure_id=structure.pk, data={"ville": "Nantes", "adresse": structure.adresse}
    )
    assert audit() == [
        (
            AuditAction.STRUCTURE_UPDATED,
            gp,
            structure,
            None,
            "",
            {"changes": {"ville": ["Grenoble", "Nantes"]}},
        )
    ]


def test_update_structure_without_change_writes_nothing(gp, structure, audit):
    services.update_structure(actor=gp, structure_id=structure.pk, data={"ville": structure.ville})
    assert audit() == []


def test_inactivate_structure(gp, structure, make_structure, audit):
    absorber = make_structure(raison_sociale="Absorbante")
    start = audit()
    services.inactivate_structure(actor=gp, structure_id=structure.pk, absorbed_by=absorber)
    assert audit()[len(start) :] == [
        (AuditAction.STRUCTURE_INACTIVATED, gp, structure, None, str(absorber), {"absorbed_by": absorber.pk})
    ]


def test_create_and_update_service(gs, structure, audit):
    service = services.create_service(actor=gs, structure_id=structure.pk, code="achats", libelle=" Achats ")
    services.update_service(
        actor=gs,
        structure_id=structure.pk,
        service_id=service.pk,
        libelle="Achats publics",
        is_active=False,
        engagement_required=True,
    )
    service.refresh_from_db()
    created, updated = audit()[-2:]
    assert created == (AuditAction.SERVICE_CREATED, gs, structure, None, "ACHATS — Achats", {})
    assert updated == (
        AuditAction.SERVICE_UPDATED,
        gs,
        structure,
        None,
        str(service),
        {"is_active": False, "engagement_required": True},
    )


def test_open_and_close_space(gp, structure, audit):
    opened = services.open_space(actor=gp, structure_id=structure.pk, space=Space.FACTURES_TRAVAUX)
    # Opening an already opened space changes nothing and traces nothing.
    services.open_space(actor=gp, structure_id=structure.pk, space=Space.FACTURES_TRAVAUX)
    services.close_space(actor=gp, structure_id=structure.pk, opened_space_id=opened.pk)
    assert audit() == [
        (
            AuditAction.SPACE_OPENED,
            gp,
            structure,
            None,
            "Factures de travaux",
            {"space": "FACTURES_TRAVAUX", "service": None},
        ),
        (AuditAction.SPACE_CLOSED, gp, structure, None, "Factures de travaux", {"space": "FACTURES_TRAVAUX"}),
    ]
    assert not OpenedSpace.objects.filter(pk=opened.pk).exists()


def test_bank_account_keeps_only_the_end_of_the_iban(gp, structure, audit):
    account = services.add_bank_account(
        actor=gp, structure_id=structure.pk, libelle="Compte courant", iban=IBAN
    )
    services.set_bank_account_status(
        actor=gp, structure_id=structure.pk, bank_account_id=account.pk, status=BankAccountStatus.VALID
    )
    assert audit() == [
        (AuditAction.BANK_ACCOUNT_ADDED, gp, structure, None, "Compte courant", {"iban_end": "0189"}),
        (
            AuditAction.BANK_ACCOUNT_UPDATED,
            gp,
            structure,
            None,
            "Compte courant",
            {"status": BankAccountStatus.VALID},
        ),
    ]


@pytest.mark.parametrize(
    ("approve", "action"),
    [(True, AuditAction.MEMBERSHIP_APPROVED), (False, AuditAction.MEMBERSHIP_REFUSED)],
)
def test_membership_request_and_decision(gp, structure, audit, approve, action):
    candidate = UserFactory()
    membership = services.request_membership(user=candidate, structure_id=structure.pk, message="Bonjour")
    services.decide_membership(
        actor=gp, structure_id=structure.pk, membership_id=membership.pk, approve=approve, reason="Vu"
    )
    assert audit() == [
        (AuditAction.MEMBERSHIP_REQUESTED, candidate, structure, candidate, "", {"has_manager": True}),
        (action, gp, structure, candidate, "", {"reason": "Vu"}),
    ]


def test_attach_user_role_status_and_detach(gp, structure, audit):
    user = UserFactory()
    membership = services.attach_user(actor=gp, structure_id=structure.pk, user=user)
    services.set_member_role(
        actor=gp, structure_id=structure.pk, membership_id=membership.pk, role=Role.SECONDARY_MANAGER
    )
    services.set_member_status(actor=gp, structure_id=structure.pk, membership_id=membership.pk, active=False)
    services.set_member_status(actor=gp, structure_id=structure.pk, membership_id=membership.pk, active=True)
    services.detach_member(actor=gp, structure_id=structure.pk, membership_id=membership.pk)
    assert audit() == [
        (AuditAction.MEMBERSHIP_CREATED, gp, structure, user, "", {"role": Role.USER}),
        (
            AuditAction.ROLE_CHANGED,
            gp,
            structure,
            user,
            "",
            {"previous": Role.USER, "role": Role.SECONDARY_MANAGER},
        ),
        (AuditAction.MEMBERSHIP_DEACTIVATED, gp, structure, user, "", {}),
        (AuditAction.MEMBERSHIP_REACTIVATED, gp, structure, user, "", {}),
        (AuditAction.MEMBERSHIP_REMOVED, gp, structure, user, "", {}),
    ]


def test_transfer_principal_role(gp, gs, structure, audit):
    services.transfer_principal_role(actor=gp, structure_id=structure.pk, membership_id=gs.membership.pk)
    assert audit() == [(AuditAction.PRINCIPAL_TRANSFERRED, gp, structure, gs, "", {})]


def test_duplicate_rights_traces_each_structure(gp, simple_user, structure, make_structure, audit):
    second = make_structure(gp, raison_sociale="Deuxième")
    services.attach_user(actor=gp, structure_id=second.pk, user=simple_user)
    target = UserFactory()
    start = len(audit())
    copied = services.duplicate_rights(
        actor=gp, source_user=simple_user, target_user=target, structure_ids=[second.pk, structure.pk]
    )
    assert copied == 2
    first, then = sorted([structure, second], key=lambda s: s.pk)
    assert audit()[start:] == [
        (AuditAction.RIGHTS_DUPLICATED, gp, first, target, "", {"source_user": simple_user.pk}),
        (AuditAction.RIGHTS_DUPLICATED, gp, then, target, "", {"source_user": simple_user.pk}),
    ]


def test_subscriptions_self_service_requested_decided_and_ended(gp, simple_user, structure, audit):
    services.open_space(actor=gp, structure_id=structure.pk, space=Space.FACTURES_TRAVAUX)
    start = len(audit())
    services.request_subscription(
        user=simple_user,
        structure_id=structure.pk,
        space=Space.FACTURES_EMISES,
        mode=SubscriptionMode.CONSULTATION,
    )
    pending = services.request_subscription(
        user=simple_user,
        structure_id=structure.pk,
        space=Space.FACTURES_TRAVAUX,
        mode=SubscriptionMode.MODIFICATION,
    )
    services.decide_subscription(
        actor=gp, structure_id=structure.pk, subscription_id=pending.pk, approve=True
    )
    services.end_subscription(user=simple_user, subscription_id=pending.pk)
    travaux = {"space": Space.FACTURES_TRAVAUX}
    assert audit()[start:] == [
        (
            AuditAction.SUBSCRIPTION_CREATED,
            simple_user,
            structure,
            simple_user,
            "",
            {"space": Space.FACTURES_EMISES, "mode": SubscriptionMode.CONSULTATION},
        ),
        (
            AuditAction.SUBSCRIPTION_REQUESTED,
            simple_user,
            structure,
            simple_user,
            "",
            {**travaux, "mode": SubscriptionMode.MODIFICATION},
        ),
        (AuditAction.SUBSCRIPTION_APPROVED, gp, structure, simple_user, "", travaux),
        (AuditAction.SUBSCRIPTION_ENDED, simple_user, structure, simple_user, "", travaux),
    ]


def test_refused_subscription(gp, simple_user, structure, audit):
    services.open_space(actor=gp, structure_id=structure.pk, space=Space.FACTURES_TRAVAUX)
    pending = services.request_subscription(
        user=simple_user,
        structure_id=structure.pk,
        space=Space.FACTURES_TRAVAUX,
        mode=SubscriptionMode.MODIFICATION,
    )
    services.decide_subscription(
        actor=gp, structure_id=structure.pk, subscription_id=pending.pk, approve=False
    )
    assert audit()[-1] == (
        AuditAction.SUBSCRIPTION_REFUSED,
        gp,
        structure,
        simple_user,
        "",
        {"space": Space.FACTURES_TRAVAUX},
    )


def test_mandate_subscribed_signed_revoked(gp, structure, audit):
    mandate = services.subscribe_mandate(
        actor=gp,
        structure_id=structure.pk,
        libelle=" Mandat 2026 ",
        signatory_nom="Nom",
        signatory_prenom="Prénom",
        signatory_qualite="Gérant",
    )
    services.sign_mandate(actor=gp, mandate_id=mandate.pk)
    services.revoke_mandate(actor=gp, structure_id=structure.pk, mandate_id=mandate.pk)
    assert audit() == [
        (AuditAction.MANDATE_SUBSCRIBED, gp, structure, None, "Mandat 2026", {}),
        (AuditAction.MANDATE_SIGNED, gp, structure, None, "Mandat 2026", {}),
        (AuditAction.MANDATE_REVOKED, gp, structure, None, "Mandat 2026", {}),
    ]


def test_refused_write_traces_nothing(gp, simple_user, structure, audit):
    with pytest.raises(NotAllowed):
        services.create_service(actor=simple_user, structure_id=structure.pk, code="X", libelle="X")
    assert audit() == []


# --- accounts/services.py: its writes on structures are traced through the structure services.


def test_sign_up_creating_a_structure(audit):
    user = account_services.register_user(
        email="Nouvelle@Exemple.fr",
        personal={"nom": "Martin", "prenom": "Léa"},
        structure_data={
            "identifier_type": "SIRET",
            "identifier": valid_siret(43),
            "raison_sociale": "Mairie Nouvelle",
        },
        extra_spaces=[Space.FACTURES_TRAVAUX],
    )
    structure = user.memberships.get().structure
    assert audit() == [
        (AuditAction.STRUCTURE_CREATED, user, structure, None, "Mairie Nouvelle", {}),
        (
            AuditAction.SPACE_OPENED,
            user,
            structure,
            None,
            "Factures de travaux",
            {"space": "FACTURES_TRAVAUX", "service": None},
        ),
    ]


def test_sign_up_requesting_a_membership(gp, structure, audit):
    user = account_services.register_user(
        email="candidat@exemple.fr", personal={"nom": "Durand"}, attach_structure_id=structure.pk
    )
    assert audit() == [(AuditAction.MEMBERSHIP_REQUESTED, user, structure, user, "", {"has_manager": True})]


def test_invitation_by_a_manager(gp, structure, audit):
    user = services.invite_user(
        actor=gp,
        structure_id=structure.pk,
        email="collegue@exemple.fr",
        nom="Petit",
        prenom="Jean",
        role=Role.SECONDARY_MANAGER,
    )
    assert audit() == [
        (AuditAction.MEMBERSHIP_CREATED, gp, structure, user, "", {"role": Role.SECONDARY_MANAGER})
    ]
