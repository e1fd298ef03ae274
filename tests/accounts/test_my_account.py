import pytest
from django.conf import settings
from django.urls import reverse

from accounts.enums import UserStatus
from structures import services as structure_services
from structures.enums import MembershipStatus, Space, SubscriptionMode, SubscriptionStatus
from structures.models import Membership, SpaceSubscription
from tests.factories import MembershipFactory, StructureFactory, UserFactory

pytestmark = pytest.mark.django_db

PROFILE = {
    "nom": "Durand",
    "prenom": "Alice",
    "contact_email": "alice.contact@exemple.fr",
    "telephone": "0102030405",
    "adresse": "3 rue Neuve",
    "complement_adresse": "",
    "code_postal": "69001",
    "ville": "Lyon",
    "pays": "FR",
}


def test_login_required(client):
    response = client.get(reverse("accounts:my_account"))
    assert response.status_code == 302
    assert reverse("account_login") in response.url


def test_page_lists_memberships_and_links(client, manager):
    client.force_login(manager)
    content = client.get(reverse("accounts:my_account")).content.decode()
    assert manager.structure.raison_sociale in content
    assert "Gestionnaire principal" in content
    for name in ("account_change_password", "account_email", "mfa_index", "accounts:deactivate"):
        assert reverse(name) in content


def test_update_profile(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("accounts:update_profile"), PROFILE)
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.nom, user.contact_email, user.ville) == ("Durand", "alice.contact@exemple.fr", "Lyon")


def test_update_profile_invalid_rerenders(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:update_profile"), {**PROFILE, "nom": "", "contact_email": "pas-un-mail"}
    )
    assert response.status_code == 422
    user.refresh_from_db()
    assert user.nom != ""


def test_language_switch_applies_at_once(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:update_preferences"), {"language": "en", "notification_preference": "QUOTIDIEN"}
    )
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    user.refresh_from_db()
    assert (user.language, user.notification_preference) == ("en", "QUOTIDIEN")
    assert client.get(reverse("accounts:my_account")).wsgi_request.LANGUAGE_CODE == "en"


class TestDeactivation:
    def test_confirmation_page(self, client):
        client.force_login(UserFactory())
        assert client.get(reverse("accounts:deactivate")).status_code == 200

    def test_requires_confirmation(self, client):
        user = UserFactory()
        client.force_login(user)
        assert client.post(reverse("accounts:deactivate"), {}).status_code == 422
        user.refresh_from_db()
        assert user.status == UserStatus.ACTIVE

    def test_deactivates_and_logs_out(self, client):
        user = UserFactory()
        client.force_login(user)
        response = client.post(reverse("accounts:deactivate"), {"confirm": "on"})
        assert response.status_code == 302
        user.refresh_from_db()
        assert user.status == UserStatus.INACTIVE
        assert not user.is_active
        assert "_auth_user_id" not in client.session

    def test_principal_manager_must_transfer_first(self, client, manager):
        client.force_login(manager)
        response = client.post(reverse("accounts:deactivate"), {"confirm": "on"})
        assert response.status_code == 422
        assert "Transférez d" in response.content.decode()
        manager.refresh_from_db()
        assert manager.status == UserStatus.ACTIVE


class TestMembershipRequest:
    def test_search_needs_three_characters(self, client):
        client.force_login(UserFactory())
        response = client.get(reverse("accounts:request_membership"), {"identifier": "12"})
        assert "au moins 3 caractères" in response.content.decode()

    def test_search_partial_identifier_and_exact_name(self, client, manager):
        client.force_login(UserFactory())
        structure = manager.structure
        response = client.get(
            reverse("accounts:request_membership"), {"identifier": structure.identifier[2:8]}
        )
        assert structure.raison_sociale in response.content.decode()
        response = client.get(reverse("accounts:request_membership"), {"raison_sociale": "menuiserie test"})
        assert structure.identifier in response.content.decode()

    def test_request_creates_pending_membership(
        self, client, manager, django_capture_on_commit_callbacks, mailoutbox
    ):
        user = UserFactory()
        client.force_login(user)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("accounts:request_membership"),
                {"structure": manager.structure.pk, "message": "Merci"},
            )
        assert response.status_code == 302
        membership = Membership.objects.get(user=user, structure=manager.structure)
        assert membership.status == MembershipStatus.PENDING
        assert [m.to for m in mailoutbox] == [[manager.notification_email]]

    def test_second_request_shows_error_not_500(self, client, manager):
        user = UserFactory()
        client.force_login(user)
        url = reverse("accounts:request_membership")
        client.post(url, {"structure": manager.structure.pk})
        response = client.post(url, {"structure": manager.structure.pk})
        assert response.status_code == 422
        assert "déjà en cours de validation" in response.content.decode()


class TestSubscriptions:
    def test_self_service_space_is_active_at_once(self, client, manager):
        member = MembershipFactory(structure=manager.structure).user
        client.force_login(member)
        response = client.post(
            reverse("accounts:request_subscription"),
            {
                "structure": manager.structure.pk,
                "space": Space.FACTURES_EMISES,
                "mode": SubscriptionMode.CONSULTATION,
            },
        )
        assert response.status_code == 302
        subscription = SpaceSubscription.objects.get(user=member, space=Space.FACTURES_EMISES)
        assert subscription.status == SubscriptionStatus.ACTIVE
        assert subscription.mode == SubscriptionMode.CONSULTATION

    def test_other_space_is_pending(self, client, manager):
        structure_services.open_space(
            actor=manager, structure_id=manager.structure.pk, space=Space.FACTURES_A_VALIDER
        )
        member = MembershipFactory(structure=manager.structure).user
        client.force_login(member)
        client.post(
            reverse("accounts:request_subscription"),
            {
                "structure": manager.structure.pk,
                "space": Space.FACTURES_A_VALIDER,
                "mode": SubscriptionMode.MODIFICATION,
            },
        )
        assert SpaceSubscription.objects.get(user=member).status == SubscriptionStatus.PENDING

    def test_closed_space_error_shown(self, client, manager):
        member = MembershipFactory(structure=manager.structure).user
        client.force_login(member)
        response = client.post(
            reverse("accounts:request_subscription"),
            {
                "structure": manager.structure.pk,
                "space": Space.FACTURES_A_VALIDER,
                "mode": SubscriptionMode.MODIFICATION,
            },
        )
        assert response.status_code == 422
        assert "pas ouvert sur la structure" in response.content.decode()

    def test_structure_user_is_not_in_is_refused(self, client, manager):
        """Scoping: the structure must be one of the user's active memberships."""
        outsider = UserFactory()
        MembershipFactory(user=outsider, structure=StructureFactory())
        client.force_login(outsider)
        response = client.post(
            reverse("accounts:request_subscription"),
            {
                "structure": manager.structure.pk,
                "space": Space.FACTURES_EMISES,
                "mode": SubscriptionMode.MODIFICATION,
            },
        )
        assert response.status_code == 422
        assert not SpaceSubscription.objects.filter(user=outsider).exists()

    def test_end_subscription(self, client, manager):
        client.force_login(manager)
        subscription = SpaceSubscription.objects.get(user=manager, space=Space.FACTURES_EMISES)
        url = reverse("accounts:end_subscription", args=[subscription.pk])
        confirmation = client.get(url)
        assert confirmation.status_code == 200
        assert "Résilier l'abonnement" in confirmation.content.decode()
        subscription.refresh_from_db()
        assert subscription.status == SubscriptionStatus.ACTIVE
        response = client.post(url)
        assert response.status_code == 302
        subscription.refresh_from_db()
        assert subscription.status == SubscriptionStatus.INACTIVE

    def test_a_space_that_cannot_be_left_offers_no_resiliation(self, client, manager):
        client.force_login(manager)
        subscription = SpaceSubscription.objects.get(user=manager, space=Space.MON_COMPTE)
        page = client.get(reverse("accounts:my_account")).content.decode()
        assert reverse("accounts:end_subscription", args=[subscription.pk]) not in page
        assert (
            reverse(
                "accounts:end_subscription",
                args=[SpaceSubscription.objects.get(user=manager, space=Space.FACTURES_EMISES).pk],
            )
            in page
        )
        response = client.post(reverse("accounts:end_subscription", args=[subscription.pk]))
        assert response.status_code == 302
        subscription.refresh_from_db()
        assert subscription.status == SubscriptionStatus.ACTIVE

    def test_cannot_end_someone_elses_subscription(self, client, manager):
        client.force_login(UserFactory())
        subscription = SpaceSubscription.objects.get(user=manager, space=Space.FACTURES_EMISES)
        response = client.post(reverse("accounts:end_subscription", args=[subscription.pk]))
        assert response.status_code == 404


def test_the_header_switch_is_saved_as_the_profile_language(client, supplier):
    user = supplier.gp
    client.force_login(user)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/compte/"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "en"
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    user.refresh_from_db()
    assert user.language == "en"
