"""Names are single-line (they go into e-mail subjects, where a CR/LF stops the message), and a
name stored before the rule still gets its e-mails, on one line."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.forms import ProfileForm, StructureCreationForm
from structures import services
from structures.exceptions import StructureError
from structures.forms import ServiceCreateForm, ServiceUpdateForm
from structures.models import Structure, StructureService
from tests.factories import UserFactory
from tests.structures.test_views_organisation import structure_data

pytestmark = pytest.mark.django_db

MESSAGE = "Saisissez ce nom sur une seule ligne, sans retour à la ligne ni caractère de contrôle."
INJECTED = "Menuiserie\r\nBcc: pirate@exemple.fr"


def test_a_structure_name_with_a_line_break_is_refused_next_to_its_field(client, manager):
    structure = manager.structure
    client.force_login(manager)
    response = client.post(
        reverse("structures:structure"), structure_data(structure, raison_sociale=INJECTED)
    )
    assert response.status_code == 422
    assert response.context["form"].errors["raison_sociale"] == [MESSAGE]
    assert MESSAGE in response.content.decode()
    structure.refresh_from_db()
    assert "\n" not in structure.raison_sociale


@pytest.mark.parametrize(
    "value", [INJECTED, "Achats\nDirection", "Achats\x1bDirection", "Achats\u2028Direction"]
)
def test_service_names_are_single_line(value):
    for form in (ServiceCreateForm({"code": "ACH", "libelle": value}), ServiceUpdateForm({"libelle": value})):
        assert form.errors["libelle"] == [MESSAGE]


def test_user_and_new_structure_names_are_single_line():
    profile = ProfileForm({"nom": "Martin\nDupont", "prenom": "Anne\r"})
    assert profile.errors["nom"] == [MESSAGE]
    # A trailing CR is only surrounding white space, which the form strips.
    assert "prenom" not in profile.errors
    creation = StructureCreationForm({"raison_sociale": INJECTED, "libelle": "Siège\tsocial"})
    assert creation.errors["raison_sociale"] == [MESSAGE] and creation.errors["libelle"] == [MESSAGE]
    assert "nom" not in ProfileForm({"nom": "Martin-Dupont d'Ornans", "prenom": "Anne"}).errors


def test_the_services_and_the_models_refuse_them_too(manager):
    structure = manager.structure
    with pytest.raises(StructureError, match="une seule ligne"):
        services.update_structure(actor=manager, structure_id=structure.pk, data={"raison_sociale": INJECTED})
    with pytest.raises(StructureError, match="une seule ligne"):
        services.create_service(actor=manager, structure_id=structure.pk, code="ACH", libelle=INJECTED)
    assert not StructureService.objects.filter(structure=structure).exists()
    structure.refresh_from_db()
    structure.libelle = "Siège\nsocial"
    with pytest.raises(ValidationError) as refused:
        structure.clean()
    assert refused.value.message_dict == {"libelle": [MESSAGE]}
    with pytest.raises(ValidationError):
        StructureService(structure=structure, code="ACH", libelle=INJECTED).clean()


def test_a_name_stored_with_a_newline_still_gets_its_emails(manager, django_capture_on_commit_callbacks):
    Structure.objects.filter(pk=manager.structure.pk).update(raison_sociale=INJECTED)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_membership(user=UserFactory(), structure_id=manager.structure.pk)
    [message] = mail.outbox
    assert message.to == [manager.email]
    assert message.subject == (
        "[Portail Chorus] Demande de rattachement à la structure Menuiserie Bcc: pirate@exemple.fr"
    )
    assert message.message()["Subject"] and "Bcc" not in message.message()
