"""Factories shared by every app's tests."""

import factory
from stdnum import luhn

from accounts.enums import UserStatus
from accounts.models import User
from structures.enums import MembershipStatus, Role, StructureKind
from structures.models import Membership, Structure, StructureService


def valid_siret(n: int) -> str:
    """A SIRET whose SIREN and SIRET both pass the Luhn check, unique per n."""
    base = f"{n:08d}"
    siren_number = base + luhn.calc_check_digit(base)
    body = siren_number + "0001"
    return body + luhn.calc_check_digit(body)


def french_vat_number(siren: str) -> str:
    """The intra-community VAT number of a French SIREN (its key is computed from the SIREN)."""
    return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"utilisateur{n}@exemple.fr")
    nom = factory.Faker("last_name", locale="fr_FR")
    prenom = factory.Faker("first_name", locale="fr_FR")
    status = UserStatus.ACTIVE
    adresse = "1 rue de la Paix"
    code_postal = "75002"
    ville = "Paris"
    password = factory.PostGenerationMethodCall("set_password", "Motdepasse-Solide-1")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Structure

    identifier = factory.Sequence(lambda n: valid_siret(10_000 + n))
    raison_sociale = factory.Sequence(lambda n: f"Société {n}")
    kind = StructureKind.PRIVATE
    adresse = "2 avenue de France"
    code_postal = "69002"
    ville = "Lyon"

    class Params:
        public = factory.Trait(
            kind=StructureKind.PUBLIC, raison_sociale=factory.Sequence(lambda n: f"Commune {n}")
        )


class StructureServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StructureService

    structure = factory.SubFactory(StructureFactory, public=True)
    code = factory.Sequence(lambda n: f"SERV{n:04d}")
    libelle = factory.Sequence(lambda n: f"Service {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    structure = factory.SubFactory(StructureFactory)
    role = Role.USER
    status = MembershipStatus.ACTIVE
