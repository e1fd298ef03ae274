"""The Django admin shows invoices, deposits, structures, users and histories to the portal's
operators, and lets nobody change anything."""

import os

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory
from tests.test_audit_trail import histories  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

PORTAL_APPS = {"accounts", "structures", "invoices", "deposits"}
PORTAL_MODELS = [model for model in admin.site._registry if model._meta.app_label in PORTAL_APPS]


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def operator(client):
    user = User.objects.create_superuser(
        "operateur@exemple.fr", "Motdepasse-Solide-1", nom="Op", prenom="Éra"
    )
    client.force_login(user)
    return user


def test_every_portal_model_shown_is_read_only():
    expected = {
        "User",
        "Structure",
        "StructureService",
        "Membership",
        "AuditLog",
        "Invoice",
        "InvoiceStatusChange",
        "InvoiceUserAction",
        "InvoiceEvent",
        "Deposit",
        "DepositItem",
        "DepositStatusChange",
    }
    assert expected <= {model.__name__ for model in PORTAL_MODELS}
    for model in PORTAL_MODELS:
        model_admin = admin.site._registry[model]
        for inline in [model_admin, *model_admin.get_inline_instances(None)]:
            assert not inline.has_add_permission(None, None), inline
            assert not inline.has_change_permission(None, None), inline
            assert not inline.has_delete_permission(None, None), inline


@pytest.mark.parametrize("model", PORTAL_MODELS, ids=lambda m: m.__name__)
def test_operator_views_lists_and_pages_but_cannot_change(client, operator, histories, model):  # noqa: F811
    assert client.get(_url(model, "changelist")).status_code == 200
    assert client.get(_url(model, "changelist"), {"q": "Test"}).status_code == 200
    assert client.get(_url(model, "add")).status_code == 403
    row = model.objects.order_by("pk").first()
    if row is None:
        return
    page = client.get(_url(model, "change", row.pk))
    assert page.status_code == 200
    assert b'type="submit"' not in page.content.split(b'id="content-main"')[1]
    assert client.post(_url(model, "change", row.pk), {}).status_code == 403
    assert client.post(_url(model, "delete", row.pk), {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=row.pk).exists()


def test_lists_do_not_query_per_row(client, operator, histories, make_invoice):  # noqa: F811
    """A list costs as many queries with one invoice's rows as with several invoices' rows."""

    def counts():
        result = {}
        for model in PORTAL_MODELS:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(_url(model, "changelist")).status_code == 200
            result[model.__name__] = len(queries)
        return result

    counts()  # the first request after the log-in fills the session and header caches
    before = counts()
    for _ in range(3):
        make_invoice()
    assert counts() == before


def test_users_and_staff_without_superuser_rights_are_sent_to_the_login(client, histories):  # noqa: F811
    url = _url(User, "changelist")
    assert client.get(url).status_code == 302
    client.force_login(UserFactory())
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


def test_password_hash_is_not_shown(client, operator):
    content = client.get(_url(User, "change", operator.pk)).content.decode()
    assert operator.email in content and operator.password not in content


def test_createsuperuser_makes_an_active_administrator(client):
    os.environ["DJANGO_SUPERUSER_PASSWORD"] = "Motdepasse-Solide-1"
    try:
        call_command(
            "createsuperuser",
            interactive=False,
            email="Admin@Exemple.fr",
            nom="Admin",
            prenom="Portail",
            verbosity=0,
        )
    finally:
        del os.environ["DJANGO_SUPERUSER_PASSWORD"]
    user = User.objects.get(email="admin@exemple.fr")
    assert (user.is_superuser, user.is_staff, user.is_active) == (True, True, True)
    assert client.login(username="admin@exemple.fr", password="Motdepasse-Solide-1")
    assert client.get(reverse("admin:index")).status_code == 200
