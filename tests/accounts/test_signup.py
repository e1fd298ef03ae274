import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.enums import UserStatus
from accounts.models import User
from accounts.views import SIGNUP_SESSION_KEY
from structures.enums import IdentifierType, MembershipStatus, Role, Space, StructureKind
from structures.models import Membership, OpenedSpace, Structure
from tests.factories import StructureServiceFactory, UserFactory, valid_siret

pytestmark = pytest.mark.django_db

SIRET = valid_siret(4242)
PERSONAL = {
    "nom": "Pellegrin",
    "prenom": "Simon",
    "contact_email": "",
    "telephone": "",
    "adresse": "12 rue Alphonse Guerin",
    "complement_adresse": "",
    "code_postal": "38110",
    "ville": "La Tour du Pin",
    "pays": "FR",
}
STRUCTURE = {
    "raison_sociale": "Chorus Société",
    "libelle": "",
    "email": "contact@chorus-societe.fr",
    "adresse": "12 rue Alphonse Guerin",
    "code_postal": "38110",
    "ville": "La Tour du Pin",
    "pays": "FR",
    "telephone": "",
    "numero_tva": "",
}


def step1(client, email="simon@exemple.fr", confirmation=None, identifier=SIRET, identifier_type="SIRET"):
    return client.post(
        reverse("accounts:signup"),
        {
            "email": email,
            "email_confirmation": confirmation or email,
            "identifier_type": identifier_type,
            "identifier": identifier,
        },
    )


def through_step2(client, **kwargs):
    assert step1(client, **kwargs).status_code == 302
    response = client.post(reverse("accounts:signup_personal"), PERSONAL)
    assert response.status_code == 302
    return response


class TestStepIdentity:
    def test_get_renders(self, client):
        """The first step renders with SIRET as the default identifier type."""
        response = client.get(reverse("accounts:signup"))
        assert response.status_code == 200
        assert 'value="SIRET" selected' in response.content.decode()

    def test_valid_siret_with_spaces_is_kept_stripped(self, client):
        """A valid SIRET typed with spaces is accepted and stored without them."""
        spaced = " ".join([SIRET[:3], SIRET[3:6], SIRET[6:9], SIRET[9:]])
        response = step1(client, identifier=spaced)
        assert response.status_code == 302
        assert client.session[SIGNUP_SESSION_KEY]["identity"]["identifier"] == SIRET

    def test_bad_siret_checksum_refused(self, client):
        """A SIRET failing the Luhn check is refused with a French message."""
        bad = SIRET[:-1] + str((int(SIRET[-1]) + 1) % 10)
        response = step1(client, identifier=bad)
        assert response.status_code == 422
        assert "clé de contrôle incorrecte" in response.content.decode()

    def test_siret_must_have_14_digits(self, client):
        response = step1(client, identifier="1234")
        assert response.status_code == 422
        assert "exactement 14 chiffres" in response.content.decode()

    def test_email_mismatch_refused(self, client):
        """The connection e-mail must be typed twice identically."""
        response = step1(client, email="a@exemple.fr", confirmation="b@exemple.fr")
        assert response.status_code == 422
        assert "ne sont pas identiques" in response.content.decode()

    def test_non_siret_identifier_is_free_text(self, client):
        """Structures without SIRET give a free-text identifier (non-empty)."""
        response = step1(client, identifier_type=IdentifierType.OUTSIDE_EU, identifier="GB-ACME-42")
        assert response.status_code == 302
        assert client.session[SIGNUP_SESSION_KEY]["identity"]["identifier"] == "GB-ACME-42"
        response = step1(client, identifier_type=IdentifierType.OUTSIDE_EU, identifier="   ")
        assert response.status_code == 422

    def test_going_back_keeps_data(self, client):
        """Coming back to step 1 shows what was typed."""
        step1(client, email="retour@exemple.fr")
        content = client.get(reverse("accounts:signup")).content.decode()
        assert 'value="retour@exemple.fr"' in content
        assert f'value="{SIRET}"' in content


class TestStepPersonal:
    def test_requires_step1(self, client):
        assert client.get(reverse("accounts:signup_personal")).status_code == 302

    def test_required_fields(self, client):
        step1(client)
        response = client.post(reverse("accounts:signup_personal"), {**PERSONAL, "nom": "", "ville": ""})
        assert response.status_code == 422
        assert client.session[SIGNUP_SESSION_KEY].get("personal") is None

    def test_valid_goes_to_structure(self, client):
        response = through_step2(client)
        assert response.url == reverse("accounts:signup_structure")


class TestCreationPath:
    def test_structure_form_shown_when_identifier_unknown(self, client):
        through_step2(client)
        response = client.get(reverse("accounts:signup_structure"))
        assert "Création de la structure" in response.content.decode()

    def test_invalid_vat_refused(self, client):
        through_step2(client)
        response = client.post(
            reverse("accounts:signup_structure"), {**STRUCTURE, "numero_tva": "FR00000000000"}
        )
        assert response.status_code == 422
        assert "TVA" in response.content.decode()

    def test_creation_creates_pending_user_gp_structure_spaces_and_mail(
        self, client, django_capture_on_commit_callbacks
    ):
        """The last step creates the user (pending), the structure with them as GP, the spaces, the mail."""
        through_step2(client)
        assert client.post(reverse("accounts:signup_structure"), STRUCTURE).status_code == 302
        response = client.get(reverse("accounts:signup_spaces"))
        assert "Sollicitations émises" in response.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("accounts:signup_spaces"), {"extra_spaces": [Space.FACTURES_A_VALIDER]}
            )
        assert response.status_code == 302
        assert response.url == reverse("accounts:signup_done")
        user = User.objects.get(email="simon@exemple.fr")
        assert user.status == UserStatus.PENDING_ACTIVATION
        assert not user.has_usable_password()
        assert user.nom == "Pellegrin"
        structure = Structure.objects.get(identifier=SIRET)
        membership = Membership.objects.get(user=user, structure=structure)
        assert membership.role == Role.PRINCIPAL_MANAGER
        spaces = set(OpenedSpace.objects.filter(structure=structure).values_list("space", flat=True))
        assert spaces == {
            Space.FACTURES_EMISES,
            Space.SOLLICITATIONS_EMISES,
            Space.MON_COMPTE,
            Space.ACTIVITES_GESTIONNAIRE,
            Space.FACTURES_A_VALIDER,
        }
        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == ["simon@exemple.fr"]
        assert "/accounts/activation/" in mail.outbox[0].body
        assert SIGNUP_SESSION_KEY not in client.session
        done = client.get(reverse("accounts:signup_done"))
        assert "simon@exemple.fr" in done.content.decode()
        assert "Renvoyer le lien" in done.content.decode()

    def test_sign_up_creates_a_private_structure_only(self, client):
        """Public structures come from the annuaire: a kind posted anyway is ignored."""
        through_step2(client)
        response = client.get(reverse("accounts:signup_structure"))
        assert "Structure publique" not in response.content.decode()
        client.post(
            reverse("accounts:signup_structure"),
            {**STRUCTURE, "kind": StructureKind.PUBLIC, "code_service_required": "on"},
        )
        client.post(reverse("accounts:signup_spaces"), {})
        structure = Structure.objects.get(identifier=SIRET)
        assert structure.kind == StructureKind.PRIVATE
        assert structure.created_by_signup
        assert not structure.code_service_required
        assert not OpenedSpace.objects.filter(structure=structure, space=Space.FACTURES_RECUES).exists()

    def test_service_refuses_a_public_structure(self):
        from accounts import services
        from structures.exceptions import StructureError

        with pytest.raises(StructureError, match="structure publique ne peut pas être créée"):
            services.register_user(
                email="mairie@exemple.fr",
                personal={"nom": "Martin"},
                structure_data={"identifier_type": "SIRET", "identifier": SIRET, "raison_sociale": "Mairie"},
                kind=StructureKind.PUBLIC,
            )
        assert not User.objects.filter(email="mairie@exemple.fr").exists()
        assert not Structure.objects.filter(identifier=SIRET).exists()


class TestExistingAccount:
    """Sign-up must not tell whether an e-mail has an account: the owner is told by e-mail instead."""

    def _sign_up(self, client, email, django_capture_on_commit_callbacks):
        through_step2(client, email=email)
        client.post(reverse("accounts:signup_structure"), STRUCTURE)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("accounts:signup_spaces"), {}, follow=True)
        client.session.flush()
        return response

    def test_same_answer_and_a_warning_mail_to_the_owner(self, client, django_capture_on_commit_callbacks):
        owner = UserFactory(email="deja@exemple.fr")
        existing = self._sign_up(client, "Deja@exemple.fr", django_capture_on_commit_callbacks)
        assert User.objects.filter(email__iexact="deja@exemple.fr").count() == 1
        assert not Structure.objects.filter(identifier=SIRET).exists()
        assert len(mail.outbox) == 1
        warning = mail.outbox[0]
        assert warning.to == [owner.email]
        assert "tenté de créer un compte" in warning.body
        assert "/accounts/login/" in warning.body
        assert "/accounts/password/reset/" in warning.body
        assert "/accounts/activation/" not in warning.body

        new = self._sign_up(client, "nouveau@exemple.fr", django_capture_on_commit_callbacks)
        assert User.objects.filter(email="nouveau@exemple.fr").exists()
        assert existing.redirect_chain == new.redirect_chain == [(reverse("accounts:signup_done"), 302)]
        assert existing.status_code == new.status_code == 200
        page = existing.content.decode()
        assert "Votre compte a été créé" in page
        # Apart from the typed address (and the CSRF token), the two pages are the same.
        assert _without_csrf(page.replace("deja@exemple.fr", "X")) == _without_csrf(
            new.content.decode().replace("nouveau@exemple.fr", "X")
        )

    def test_warning_mail_speaks_the_owner_language(self, client, django_capture_on_commit_callbacks):
        UserFactory(email="deja@exemple.fr", language="en")
        self._sign_up(client, "deja@exemple.fr", django_capture_on_commit_callbacks)
        assert "Sign-up attempt with your address" in mail.outbox[0].subject
        assert "no new account was created" in mail.outbox[0].body

    def test_step_one_does_not_tell(self, client):
        UserFactory(email="deja@exemple.fr")
        response = step1(client, email="deja@exemple.fr")
        assert response.status_code == 302
        assert response.url == reverse("accounts:signup_personal")


def _without_csrf(page: str) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value="|CSRFToken"\]="|name="csrf-token" content=")[^"]+', "", page)


class TestMembershipPath:
    def test_existing_structure_offers_membership_and_mails_managers(
        self, client, manager, django_capture_on_commit_callbacks
    ):
        """An existing identifier leads to a membership request; the managers are told by mail."""
        structure = manager.structure
        service = StructureServiceFactory(structure=structure, code="COMPTA")
        through_step2(client, identifier=structure.identifier)
        response = client.get(reverse("accounts:signup_structure"))
        content = response.content.decode()
        assert structure.raison_sociale in content
        assert "COMPTA" in content
        response = client.post(
            reverse("accounts:signup_structure"), {"services": [str(service.pk)], "message": "Bonjour"}
        )
        assert response.status_code == 302
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("accounts:signup_spaces"), {})
        assert response.status_code == 302
        user = User.objects.get(email="simon@exemple.fr")
        membership = Membership.objects.get(user=user, structure=structure)
        assert membership.status == MembershipStatus.PENDING
        assert list(membership.services.all()) == [service]
        recipients = {tuple(m.to) for m in mail.outbox}
        assert (manager.notification_email,) in recipients
        assert ("simon@exemple.fr",) in recipients

    def test_public_structure_identifier_is_a_membership_request(self, client, make_structure):
        public = make_structure(public=True)
        through_step2(client, identifier=public.identifier)
        response = client.get(reverse("accounts:signup_structure"))
        assert public.raison_sociale in response.content.decode()
        assert client.post(reverse("accounts:signup_structure"), {"message": ""}).status_code == 302
        client.post(reverse("accounts:signup_spaces"), {})
        membership = Membership.objects.get(user__email="simon@exemple.fr")
        assert (membership.structure, membership.status) == (public, MembershipStatus.PENDING)
        assert not Membership.objects.filter(
            user__email="simon@exemple.fr", status=MembershipStatus.ACTIVE
        ).exists()

    def test_wanted_spaces_travel_with_the_request(self, client, manager):
        from structures import services

        services.open_space(actor=manager, structure_id=manager.structure.pk, space=Space.FACTURES_A_VALIDER)
        through_step2(client, identifier=manager.structure.identifier)
        client.post(reverse("accounts:signup_structure"), {"message": ""})
        client.post(reverse("accounts:signup_spaces"), {"wanted_spaces": [Space.FACTURES_A_VALIDER]})
        membership = Membership.objects.get(user__email="simon@exemple.fr")
        assert "Factures à valider" in membership.message
