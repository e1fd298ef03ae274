import re

import pytest
from django.core import mail

from accounts.enums import UserStatus
from accounts.models import User
from structures.enums import MembershipStatus, Role
from structures.models import Membership
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_manager_invites_a_colleague_without_account(client, manager, django_capture_on_commit_callbacks):
    """No account yet: the manager gives name and first name, the account is created, attached
    and sent an activation link that works."""
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/gestionnaire/utilisateurs/rattacher/",
            {"email": "Collegue@Exemple.fr", "role": Role.USER, "nom": "Petit", "prenom": "Jeanne"},
        )
    assert response.status_code == 302
    colleague = User.objects.get(email="collegue@exemple.fr")
    assert colleague.status == UserStatus.PENDING_ACTIVATION
    membership = Membership.objects.get(user=colleague, structure=manager.structure)
    assert membership.status == MembershipStatus.ACTIVE
    activation = next(m for m in mail.outbox if "/accounts/activation/" in m.body)
    assert activation.to == ["collegue@exemple.fr"]
    path = re.search(r"/accounts/activation/\S+/", activation.body).group(0)
    client.logout()
    response = client.post(path, {"password1": "Jeanne-Petit-2026", "password2": "Jeanne-Petit-2026"})
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert colleague.status == UserStatus.ACTIVE


def test_unknown_email_without_names_is_explained(client, manager):
    client.force_login(manager)
    response = client.post(
        "/gestionnaire/utilisateurs/rattacher/", {"email": "x@exemple.fr", "role": Role.USER}
    )
    assert response.status_code == 422
    assert "renseignez le nom et le prénom" in response.content.decode()
    assert not User.objects.filter(email="x@exemple.fr").exists()


def test_resend_activation_link_to_pending_member(client, manager, django_capture_on_commit_callbacks):
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/gestionnaire/utilisateurs/rattacher/",
            {"email": "lent@exemple.fr", "role": Role.USER, "nom": "Lent", "prenom": "Paul"},
        )
    membership = Membership.objects.get(user__email="lent@exemple.fr")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/gestionnaire/utilisateurs/{membership.pk}/activation/")
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["lent@exemple.fr"]]


def test_resend_activation_for_another_structure_member_is_404(client, manager, make_structure):
    other = make_structure()
    foreign = Membership.objects.get(structure=other)
    client.force_login(manager)
    assert client.post(f"/gestionnaire/utilisateurs/{foreign.pk}/activation/").status_code == 404


def _invite(client, email, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/gestionnaire/utilisateurs/rattacher/",
            {"email": email, "role": Role.USER, "nom": "Petit", "prenom": "Jeanne"},
            follow=True,
        )
    return response.status_code, [
        str(message).replace(email, "…") for message in response.context["messages"]
    ]


@pytest.mark.parametrize("status", [UserStatus.ACTIVE, UserStatus.PENDING_ACTIVATION])
def test_inviting_a_registered_address_answers_as_for_a_new_one(
    client, manager, django_capture_on_commit_callbacks, status
):
    """No account enumeration: the manager reads the same answer; the owner of the account gets
    the e-mail that fits it and no second account is made."""
    registered = UserFactory(email="inscrite@exemple.fr", status=status)
    client.force_login(manager)
    new = _invite(client, "nouvelle@exemple.fr", django_capture_on_commit_callbacks)
    mail.outbox.clear()
    existing = _invite(client, "inscrite@exemple.fr", django_capture_on_commit_callbacks)
    assert existing == new and new[0] == 200
    assert "existe" not in " ".join(existing[1])
    assert User.objects.filter(email__iexact="inscrite@exemple.fr").count() == 1
    assert (
        Membership.objects.get(user=registered, structure=manager.structure).status == MembershipStatus.ACTIVE
    )
    received = [message for message in mail.outbox if message.to == ["inscrite@exemple.fr"]]
    activation = [message for message in received if "/accounts/activation/" in message.body]
    attached = [message for message in received if manager.structure.raison_sociale in message.body]
    assert attached
    assert bool(activation) == (status == UserStatus.PENDING_ACTIVATION)
