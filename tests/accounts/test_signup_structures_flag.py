"""Migration structures 0004 flags the structures the sign-up created before it recorded that itself."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from structures.models import Structure
from tests.factories import StructureFactory, UserFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("structures.migrations.0004_structure_created_by_signup")


def test_flags_structures_created_with_their_account_only(make_structure):
    signed_up = make_structure(UserFactory(), public=True)
    by_operator = make_structure(UserFactory(is_staff=True), public=True)
    by_old_account = make_structure(UserFactory(date_joined=timezone.now() - timedelta(days=30)), public=True)
    imported = StructureFactory(public=True)  # the annuaire import writes no audit row
    Structure.objects.update(created_by_signup=False)

    migration.flag_signup_structures(apps, None)

    flagged = set(Structure.objects.filter(created_by_signup=True))
    assert flagged == {signed_up}
    assert not flagged & {by_operator, by_old_account, imported}


def test_admin_lists_the_public_structures_created_by_sign_up(client, make_structure):
    flagged = make_structure(public=True, raison_sociale="Mairie Autoproclamée")
    Structure.objects.filter(pk=flagged.pk).update(created_by_signup=True)
    make_structure(public=True, raison_sociale="Commune Officielle")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get("/admin/structures/structure/?created_by_signup__exact=1&kind__exact=PUBLIQUE")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Mairie Autoproclamée" in content
    assert "Commune Officielle" not in content
