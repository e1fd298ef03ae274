"""Addresses typed at sign-up, in Mon compte and on a structure's page are checked against their
country: a French postal code, a city in letters, a phone number, a country from ISO 3166."""

import pytest

from accounts.forms import PersonalInfoForm, StructureCreationForm
from structures.forms import StructureForm
from tests.factories import StructureFactory

PERSONAL = {"nom": "Durand", "prenom": "Anne", "adresse": "1 rue de la Paix", "code_postal": "75002"}
STRUCTURE = {"raison_sociale": "Atelier Durand", "adresse": "1 rue de la Paix", "code_postal": "75002"}


def _structure_form(data):
    return StructureForm(data, structure=StructureFactory.build())


FORMS = [
    pytest.param(lambda data: PersonalInfoForm({**PERSONAL, **data}), id="sign-up / Mon compte"),
    pytest.param(lambda data: StructureCreationForm({**STRUCTURE, **data}), id="structure creation"),
    pytest.param(lambda data: _structure_form({**STRUCTURE, **data}), id="structure page"),
]


@pytest.mark.parametrize("make", FORMS)
@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"code_postal": "ABCDE"}, "code_postal", "cinq chiffres"),
        ({"code_postal": "7500"}, "code_postal", "cinq chiffres"),
        ({"ville": "1234"}, "ville", "en lettres"),
        ({"telephone": "abc"}, "telephone", "numéro de téléphone"),
        ({"telephone": "01 23"}, "telephone", "numéro de téléphone"),
        ({"pays": "ZZ"}, "pays", "choix valide"),
        ({"pays": "France"}, "pays", "choix valide"),
    ],
)
def test_wrong_address_parts_are_refused_next_to_their_field(make, data, field, message):
    form = make({"ville": "Paris", "pays": "FR", **data})
    assert not form.is_valid()
    assert message in " ".join(form.errors[field])


@pytest.mark.parametrize("make", FORMS)
def test_a_right_address_is_kept_with_its_phone_number_written_the_international_way(make):
    form = make({"ville": "Paris", "pays": "FR", "telephone": "01 42 68 53 00"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["telephone"] == "+33 1 42 68 53 00"


@pytest.mark.parametrize("make", FORMS)
def test_a_foreign_address_follows_its_own_country(make):
    form = make({"ville": "Berlin", "pays": "DE", "code_postal": "10115", "telephone": "030 1234567"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["telephone"] == "+49 30 1234567"


def test_the_country_list_speaks_the_reader_s_language():
    from django.utils import translation

    with translation.override("fr"):
        assert dict(PersonalInfoForm().fields["pays"].choices)["DE"] == "Allemagne"
    with translation.override("en"):
        assert dict(PersonalInfoForm().fields["pays"].choices)["DE"] == "Germany"
