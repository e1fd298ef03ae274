"""Raccordement EDI et API (/raccordement/): a manager declares a connection, gets its secret
once, creates a technical account; others get a 404; sensitive actions ask for the password."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from api.models import ApiAuditLog, ApiConnection, TechnicalAccount
from tests.api.conftest import PASSWORD, Software, token_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CONNECTION = {
    "name": "ERP Dupont",
    "usage_type": "EMISSION",
    "contact_name": "Jeanne Tech",
    "contact_email": "jeanne@example.org",
}


def test_a_manager_declares_a_connection_and_a_technical_account(client, supplier, cpro):
    client.force_login(supplier.gp)
    assert client.get(reverse("api:home")).status_code == 200
    declared = client.post(reverse("api:declare"), CONNECTION)
    assert declared.status_code == 200
    connection = ApiConnection.objects.get(structure=supplier)
    secret = declared.context["issued"]["secret"]
    assert secret in declared.content.decode()
    # Shown once: the page does not show it again, the database keeps only its hash.
    assert secret not in client.get(reverse("api:home")).content.decode()
    assert connection.application.client_secret != secret
    created = client.post(
        reverse("api:create_account"), {"login": "tech.erp@dupont.fr", "password": PASSWORD}
    )
    assert created.status_code == 302
    account = TechnicalAccount.objects.get(structure=supplier)
    assert not account.user.is_active and not account.user.has_usable_password()
    software = Software(supplier, connection.application.client_id, secret, account)
    assert cpro(software, "transverses/v1/health-check", method="GET").status_code == 200
    page = client.get(reverse("api:home")).content.decode()
    assert "tech.erp@dupont.fr" in page and "/cpro/transverses/v1/health-check" in page
    assert ApiAuditLog.objects.filter(structure=supplier).count() == 2


def test_bad_input_is_shown_next_to_the_field(client, supplier):
    client.force_login(supplier.gp)
    response = client.post(reverse("api:declare"), {**CONNECTION, "contact_email": "pas une adresse"})
    assert response.status_code == 422
    assert not ApiConnection.objects.exists()
    weak = client.post(reverse("api:create_account"), {"login": "tech@dupont.fr", "password": "court"})
    assert weak.status_code == 422
    taken = client.post(reverse("api:create_account"), {"login": supplier.gp.email, "password": PASSWORD})
    assert taken.status_code == 422
    assert "déjà utilisé" in taken.content.decode()


def test_renewing_the_secret_ends_the_old_one(client, supplier, connect):
    software = connect(supplier)
    client.force_login(supplier.gp)
    connection = ApiConnection.objects.get(structure=supplier)
    response = client.post(reverse("api:renew_secret", args=[connection.pk]))
    assert response.status_code == 200
    assert (
        client.post(
            "/api/oauth/token",
            {
                "grant_type": "client_credentials",
                "client_id": software.client_id,
                "client_secret": software.client_secret,
            },
        ).status_code
        == 401
    )
    software.client_secret = response.context["issued"]["secret"]
    assert token_of(client, software)


def test_users_and_other_structures_get_a_404(client, supplier, recipient, connect):
    connect(recipient)
    other_connection = ApiConnection.objects.get(structure=recipient)
    other_account = TechnicalAccount.objects.get(structure=recipient)
    client.force_login(supplier.gp)
    for name, args in (
        ("api:close", [other_connection.pk]),
        ("api:renew_secret", [other_connection.pk]),
        ("api:revoke_account", [other_account.pk]),
    ):
        assert client.post(reverse(name, args=args)).status_code == 404
    client.force_login(UserFactory())
    assert client.get(reverse("api:home")).status_code == 404


def test_account_actions_ask_for_the_password_again(client, supplier, connect):
    account = connect(supplier).account
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        client.force_login(supplier.gp)
    with time_machine.travel(start + datetime.timedelta(minutes=6), tick=False):
        response = client.post(reverse("api:revoke_account", args=[account.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    account.refresh_from_db()
    assert not account.is_revoked


def test_the_space_is_opened_like_the_others_then_in_the_managers_menu(client, make_structure):
    gp = UserFactory()
    structure = make_structure(gp)
    client.force_login(gp)
    # Not opened yet: no page, no menu entry, the space list offers to open it.
    assert client.get(reverse("api:home")).status_code == 404
    spaces = client.get(reverse("structures:spaces"))
    assert reverse("api:home") not in spaces.content.decode()
    assert ("RACCORDEMENT_EDI_API", "Raccordement EDI et API") in spaces.context["form"].fields[
        "space"
    ].choices
    opened = client.post(reverse("structures:spaces"), {"space": "RACCORDEMENT_EDI_API"})
    assert opened.status_code == 302
    page = client.get(reverse("api:home"))
    assert page.status_code == 200
    menu = {entry["label"]: entry["url"] for entry in page.context["space_menu"]}
    assert menu["Raccordement EDI et API"] == reverse("api:home")
    assert f'href="{reverse("api:home")}"' in page.content.decode()
    # A plain user of the structure has neither the page nor the entry, and cannot ask for it.
    user = UserFactory()
    from structures.enums import MembershipStatus, Role
    from structures.models import Membership

    Membership.objects.create(user=user, structure=structure, role=Role.USER, status=MembershipStatus.ACTIVE)
    client.force_login(user)
    assert client.get(reverse("api:home")).status_code == 404
    home = client.get("/")
    assert reverse("api:home") not in home.content.decode()


def test_a_closed_space_stops_the_managers_actions(client, supplier):
    from structures import services as structure_services
    from structures.models import OpenedSpace

    opened = OpenedSpace.objects.get(structure=supplier, space="RACCORDEMENT_EDI_API")
    structure_services.close_space(actor=supplier.gp, structure_id=supplier.pk, opened_space_id=opened.pk)
    client.force_login(supplier.gp)
    assert client.post(reverse("api:declare"), CONNECTION).status_code == 404
    assert not ApiConnection.objects.exists()
