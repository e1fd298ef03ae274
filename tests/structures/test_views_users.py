"""Users of the structure: attach, roles, status, detach, GP transfer, duplication, export."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.enums import UserStatus
from structures import services
from structures.enums import MembershipStatus, Role, Space, SubscriptionStatus
from structures.models import Membership, SpaceSubscription
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class TestAttach:
    def test_attach_existing_active_account(self, client, gs, django_capture_on_commit_callbacks):
        colleague = UserFactory(email="collegue@exemple.fr")
        client.force_login(gs)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("structures:user_attach"), {"email": "Collegue@Exemple.fr", "role": Role.USER}
            )
        assert response.status_code == 302
        membership = Membership.objects.get(user=colleague, structure=gs.membership.structure)
        assert membership.status == MembershipStatus.ACTIVE
        assert mail.outbox[-1].to == [colleague.email]

    def test_unknown_email_asks_for_names_to_invite(self, client, gp):
        client.force_login(gp)
        response = client.post(
            reverse("structures:user_attach"), {"email": "inconnu@exemple.fr", "role": Role.USER}
        )
        assert response.status_code == 422
        content = response.content.decode()
        assert "Aucun compte n&#x27;existe avec cette adresse : renseignez le nom" in content

    def test_inactive_account_is_refused(self, client, gp):
        UserFactory(email="dormant@exemple.fr", status=UserStatus.PENDING_ACTIVATION)
        client.force_login(gp)
        response = client.post(
            reverse("structures:user_attach"), {"email": "dormant@exemple.fr", "role": Role.USER}
        )
        assert response.status_code == 422
        assert not Membership.objects.filter(user__email="dormant@exemple.fr").exists()

    def test_already_attached(self, client, gp, simple_user):
        client.force_login(gp)
        response = client.post(
            reverse("structures:user_attach"), {"email": simple_user.email, "role": Role.USER}
        )
        assert response.status_code == 422
        assert "déjà rattaché" in response.content.decode()


class TestMemberActions:
    def test_list_shows_members(self, client, gp, simple_user):
        client.force_login(gp)
        content = client.get(reverse("structures:users")).content.decode()
        assert simple_user.nom in content and simple_user.notification_email in content

    def test_an_invited_user_who_has_not_activated_is_not_shown_active(self, client, gp, member):
        invited = member(status=UserStatus.PENDING_ACTIVATION)
        client.force_login(gp)
        content = client.get(reverse("structures:users")).content.decode()
        row = content[content.index(f'data-testid="member-{invited.email}"') :]
        row = row[: row.index("</tr>")]
        assert "Invité, compte non activé" in row and "Actif" not in row

    def test_the_bulk_action_is_chosen_not_defaulted(self, client, gp, simple_user):
        client.force_login(gp)
        content = client.get(reverse("structures:users")).content.decode()
        assert '<option value="" selected disabled hidden>' in content
        response = client.post(reverse("structures:user_bulk_action"), {"ids": [simple_user.membership.pk]})
        assert response.status_code == 422
        assert "Choisissez l&#x27;action à appliquer à la sélection." in response.content.decode()
        simple_user.membership.refresh_from_db()
        assert simple_user.membership.role == Role.USER

    def test_promote_then_demote(self, client, gp, simple_user):
        client.force_login(gp)
        client.post(reverse("structures:user_bulk_action"), {"row": f"promote:{simple_user.membership.pk}"})
        simple_user.membership.refresh_from_db()
        assert simple_user.membership.role == Role.SECONDARY_MANAGER
        client.post(reverse("structures:user_bulk_action"), {"row": f"demote:{simple_user.membership.pk}"})
        simple_user.membership.refresh_from_db()
        assert simple_user.membership.role == Role.USER

    def test_bulk_deactivate_and_reactivate(self, client, gp, member):
        users = [member(), member()]
        ids = [u.membership.pk for u in users]
        client.force_login(gp)
        response = client.post(
            reverse("structures:user_bulk_action"), {"ids": ids, "action": "deactivate"}, follow=True
        )
        assert "2 utilisateurs modifiés" in response.content.decode()
        assert set(Membership.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
            MembershipStatus.INACTIVE
        }
        client.post(reverse("structures:user_bulk_action"), {"ids": ids, "action": "reactivate"})
        assert set(Membership.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
            MembershipStatus.ACTIVE
        }

    def test_principal_cannot_be_deactivated(self, client, gs, gp):
        gp_membership = Membership.objects.get(user=gp, structure=gp.structure)
        client.force_login(gs)
        response = client.post(
            reverse("structures:user_bulk_action"), {"row": f"deactivate:{gp_membership.pk}"}, follow=True
        )
        assert "Le gestionnaire principal ne peut pas être désactivé" in response.content.decode()
        gp_membership.refresh_from_db()
        assert gp_membership.status == MembershipStatus.ACTIVE

    def test_detach_with_confirmation(self, client, gp, simple_user):
        url = reverse("structures:user_detach", args=[simple_user.membership.pk])
        client.force_login(gp)
        assert "Voulez-vous vraiment détacher" in client.get(url).content.decode()
        client.post(url)
        assert not Membership.objects.filter(pk=simple_user.membership.pk).exists()
        assert not SpaceSubscription.objects.filter(user=simple_user, structure=gp.structure).exists()

    def test_principal_cannot_be_detached(self, client, gs, gp):
        gp_membership = Membership.objects.get(user=gp, structure=gp.structure)
        client.force_login(gs)
        response = client.post(reverse("structures:user_detach", args=[gp_membership.pk]), follow=True)
        assert "ne peut pas être détaché" in response.content.decode()
        assert Membership.objects.filter(pk=gp_membership.pk).exists()

    def test_export_csv(self, client, gp, simple_user):
        client.force_login(gp)
        response = client.get(reverse("structures:user_export"))
        assert response["Content-Type"].startswith("text/csv")
        content = response.content.decode("utf-8-sig")
        assert content.splitlines()[0].startswith("Nom;Prénom;")
        assert simple_user.email in content
        assert "Factures émises (Modification)" in content


class TestTransferPrincipal:
    def test_transfer(self, client, gp, simple_user, django_capture_on_commit_callbacks):
        client.force_login(gp)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("structures:transfer_principal"),
                {"membership": simple_user.membership.pk, "confirm": "on"},
            )
        assert response.status_code == 302
        simple_user.membership.refresh_from_db()
        assert simple_user.membership.role == Role.PRINCIPAL_MANAGER
        assert Membership.objects.get(user=gp, structure=gp.structure).role == Role.SECONDARY_MANAGER
        assert mail.outbox[-1].to == [simple_user.email]

    def test_confirmation_required_and_inactive_member_not_offered(self, client, gp, simple_user, member):
        dormant = member()
        services.set_member_status(
            actor=gp, structure_id=gp.structure.pk, membership_id=dormant.membership.pk, active=False
        )
        client.force_login(gp)
        assert (
            client.post(
                reverse("structures:transfer_principal"), {"membership": simple_user.membership.pk}
            ).status_code
            == 422
        )
        response = client.post(
            reverse("structures:transfer_principal"), {"membership": dormant.membership.pk, "confirm": "on"}
        )
        assert response.status_code == 422
        assert Membership.objects.get(user=gp, structure=gp.structure).role == Role.PRINCIPAL_MANAGER


class TestDuplicateRights:
    def test_duplicate(self, client, gp, member):
        source, target = member(), member()
        services.open_space(actor=gp, structure_id=gp.structure.pk, space=Space.FACTURES_TRAVAUX)
        sub = services.request_subscription(
            user=source, structure_id=gp.structure.pk, space=Space.FACTURES_TRAVAUX, mode="CONSULTATION"
        )
        services.decide_subscription(
            actor=gp, structure_id=gp.structure.pk, subscription_id=sub.pk, approve=True
        )
        client.force_login(gp)
        response = client.post(
            reverse("structures:duplicate_rights"),
            {
                "source_user": source.pk,
                "target_user": target.pk,
                "structures": [gp.structure.pk],
            },
            follow=True,
        )
        assert "Les droits sont dupliqués pour 1 structure." in response.content.decode()
        assert (
            SpaceSubscription.objects.get(
                user=target, structure=gp.structure, space=Space.FACTURES_TRAVAUX
            ).status
            == SubscriptionStatus.ACTIVE
        )

    def test_users_outside_managed_structures_are_not_choices(self, client, gp, simple_user, other_gp):
        client.force_login(gp)
        response = client.post(
            reverse("structures:duplicate_rights"),
            {
                "source_user": other_gp.pk,
                "target_user": simple_user.pk,
                "structures": [gp.structure.pk],
            },
        )
        assert response.status_code == 422

    def test_same_user_refused(self, client, gp, simple_user):
        client.force_login(gp)
        response = client.post(
            reverse("structures:duplicate_rights"),
            {
                "source_user": simple_user.pk,
                "target_user": simple_user.pk,
                "structures": [gp.structure.pk],
            },
        )
        assert response.status_code == 422
        assert "Choisissez deux utilisateurs différents." in response.content.decode()


def test_history_lists_actions(client, gp, simple_user):
    client.force_login(gp)
    content = client.get(reverse("structures:history")).content.decode()
    assert "Rattachement direct d&#x27;un utilisateur" in content
    assert simple_user.full_name in content
    assert "Création de la structure" in content


def test_history_is_paginated(client, gp):
    for n in range(30):
        services.create_service(actor=gp, structure_id=gp.structure.pk, code=f"S{n}", libelle="S")
    client.force_login(gp)
    content = client.get(reverse("structures:history")).content.decode()
    assert "fr-pagination" in content
    assert client.get(reverse("structures:history") + "?page=2").status_code == 200
