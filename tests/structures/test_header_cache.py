"""The header's cached memberships, space rights and unread count follow every service that
changes them: each test fills the cache with a first request, changes something, then reads the
header of a second request."""

import re

import pytest
from django.db import transaction

from accounts import services as account_services
from invoices.models import Notification
from structures import services
from structures.enums import Role, Space, SubscriptionMode
from structures.models import OpenedSpace
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _header(client, path="/annuaire/"):
    response = client.get(path)
    assert response.status_code == 200
    content = response.content.decode()
    return content[content.index('<header role="banner"') : content.index("</header>")]


def _switcher(client) -> list[str]:
    """The structures offered by the switcher, as shown."""
    return re.findall(r'<option value="\d+"[^>]*>([^<]*) — ', _header(client))


def _menu(client) -> list[str]:
    return re.findall(r'<a class="fr-nav__link" href="[^"]*"[^>]*>([^<]*)</a>', _header(client))


def _opened(structure, space):
    return OpenedSpace.objects.get(structure=structure, space=space)


def test_a_renamed_structure_shows_its_new_name_to_every_member(client, gp, simple_user):
    client.force_login(simple_user)
    assert _switcher(client) == ["Menuiserie Test"]
    services.update_structure(
        actor=gp, structure_id=gp.structure.pk, data={"raison_sociale": "Menuiserie Neuve"}
    )
    assert _switcher(client) == ["Menuiserie Neuve"]


def test_a_rolled_back_change_leaves_the_header_as_it_was(client, gp):
    client.force_login(gp)
    assert _switcher(client) == ["Menuiserie Test"]
    with pytest.raises(RuntimeError), transaction.atomic():
        services.update_structure(actor=gp, structure_id=gp.structure.pk, data={"raison_sociale": "Jamais"})
        raise RuntimeError
    assert _switcher(client) == ["Menuiserie Test"]


def test_an_inactivated_structure_no_longer_lets_its_members_write(client, gp, simple_user):
    client.force_login(simple_user)
    assert client.get("/factures-emises/").context["can_write"] is True
    services.inactivate_structure(actor=gp, structure_id=gp.structure.pk)
    response = client.get("/factures-emises/")
    assert response.context["current_structure"].is_active is False
    assert response.context["can_write"] is False


def test_closing_and_opening_a_space(client, gp):
    """A manager uses an opened space even unsubscribed: the page answers again once reopened."""
    client.force_login(gp)
    assert "Factures émises" in _menu(client)
    services.close_space(
        actor=gp,
        structure_id=gp.structure.pk,
        opened_space_id=_opened(gp.structure, Space.FACTURES_EMISES).pk,
    )
    assert "Factures émises" not in _menu(client)
    assert client.get("/factures-emises/").status_code == 404
    services.open_space(actor=gp, structure_id=gp.structure.pk, space=Space.FACTURES_EMISES)
    assert client.get("/factures-emises/").status_code == 200


def test_subscribing_and_ending_a_subscription(client, simple_user):
    client.force_login(simple_user)
    assert "Factures émises" in _menu(client)
    subscription = simple_user.subscriptions.get(space=Space.FACTURES_EMISES)
    services.end_subscription(user=simple_user, subscription_id=subscription.pk)
    assert "Factures émises" not in _menu(client)
    services.request_subscription(
        user=simple_user,
        structure_id=simple_user.membership.structure_id,
        space=Space.FACTURES_EMISES,
        mode=SubscriptionMode.CONSULTATION,
    )
    assert "Factures émises" in _menu(client)


def test_a_decided_subscription_opens_the_space(client, make_structure):
    gp = UserFactory()
    structure = make_structure(gp, public=True)
    user = UserFactory()
    services.attach_user(actor=gp, structure_id=structure.pk, user=user)
    client.force_login(user)
    assert "Factures reçues" not in _menu(client)
    subscription = services.request_subscription(
        user=user, structure_id=structure.pk, space=Space.FACTURES_RECUES, mode=SubscriptionMode.CONSULTATION
    )
    assert "Factures reçues" not in _menu(client)
    services.decide_subscription(
        actor=gp, structure_id=structure.pk, subscription_id=subscription.pk, approve=True
    )
    assert "Factures reçues" in _menu(client)


def test_an_approved_membership_adds_the_structure_to_the_switcher(client, gp, other_gp):
    user = other_gp
    client.force_login(user)
    assert _switcher(client) == ["Autre Structure"]
    membership = services.request_membership(user=user, structure_id=gp.structure.pk)
    assert _switcher(client) == ["Autre Structure"]
    services.decide_membership(
        actor=gp, structure_id=gp.structure.pk, membership_id=membership.pk, approve=True
    )
    assert _switcher(client) == ["Autre Structure", "Menuiserie Test"]


def test_attaching_deactivating_and_detaching_a_member(client, gp):
    user = UserFactory()
    client.force_login(user)
    assert _switcher(client) == []
    membership = services.attach_user(actor=gp, structure_id=gp.structure.pk, user=user)
    assert _switcher(client) == ["Menuiserie Test"]
    services.set_member_status(
        actor=gp, structure_id=gp.structure.pk, membership_id=membership.pk, active=False
    )
    assert _switcher(client) == []
    assert client.get("/factures-emises/").status_code == 404
    services.set_member_status(
        actor=gp, structure_id=gp.structure.pk, membership_id=membership.pk, active=True
    )
    assert _switcher(client) == ["Menuiserie Test"]
    services.detach_member(actor=gp, structure_id=gp.structure.pk, membership_id=membership.pk)
    assert _switcher(client) == []


def test_a_role_change_shows_or_hides_the_manager_space(client, gp, simple_user):
    client.force_login(simple_user)
    assert "Activités du gestionnaire" not in _menu(client)
    membership = simple_user.membership
    services.set_member_role(
        actor=gp, structure_id=gp.structure.pk, membership_id=membership.pk, role=Role.SECONDARY_MANAGER
    )
    assert "Activités du gestionnaire" in _menu(client)
    assert client.get("/gestionnaire/utilisateurs/").status_code == 200
    services.set_member_role(
        actor=gp, structure_id=gp.structure.pk, membership_id=membership.pk, role=Role.USER
    )
    assert "Activités du gestionnaire" not in _menu(client)
    assert client.get("/gestionnaire/utilisateurs/").status_code == 404


def test_a_principal_transfer_updates_both_managers(client, gp, gs):
    client.force_login(gp)
    assert client.get("/gestionnaire/structure/inactiver/").status_code != 404
    client.force_login(gs)
    assert client.get("/gestionnaire/structure/inactiver/").status_code == 404
    services.transfer_principal_role(actor=gp, structure_id=gp.structure.pk, membership_id=gs.membership.pk)
    assert client.get("/gestionnaire/structure/inactiver/").status_code != 404
    client.force_login(gp)
    assert client.get("/gestionnaire/structure/inactiver/").status_code == 404


def test_duplicated_rights_add_the_structure(client, gp, simple_user):
    target = UserFactory()
    client.force_login(target)
    assert _switcher(client) == []
    services.duplicate_rights(
        actor=gp, source_user=simple_user, target_user=target, structure_ids=[gp.structure.pk]
    )
    assert _switcher(client) == ["Menuiserie Test"]
    assert "Factures émises" in _menu(client)


def test_a_new_structure_joins_its_creators_switcher(client, gp, make_structure):
    client.force_login(gp)
    assert _switcher(client) == ["Menuiserie Test"]
    make_structure(gp, raison_sociale="Atelier Second")
    assert _switcher(client) == ["Atelier Second", "Menuiserie Test"]


def test_a_deactivated_account_is_forgotten(client, simple_user):
    client.force_login(simple_user)
    assert _switcher(client) == ["Menuiserie Test"]
    account_services.deactivate_account(user=simple_user)
    # The deactivated user is logged out: their next request is anonymous.
    assert 'data-testid="connected-user"' not in _header(client)


def _badge(client) -> str | None:
    header = _header(client)
    link = header[header.index('data-testid="notifications-link"') :]
    link = link[: link.index("</a>")]
    found = re.search(r'class="fr-badge[^"]*">(\d+)<', link)
    return found and found.group(1)


def test_the_unread_count_follows_new_and_read_notifications(client, supplier, make_invoice):
    client.force_login(supplier.gp)
    assert _badge(client) is None
    make_invoice()
    assert _badge(client) == str(Notification.objects.filter(user=supplier.gp, read_at=None).count()) != "0"
    make_invoice()
    assert _badge(client) == str(Notification.objects.filter(user=supplier.gp, read_at=None).count())
    assert client.post("/notifications/lues/").status_code == 302
    assert _badge(client) is None
