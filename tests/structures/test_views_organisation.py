"""Ma structure, inactivation, services, spaces and bank details."""

import pytest
from django.urls import reverse

from structures import services
from structures.enums import BankAccountStatus, Space, StructureStatus
from structures.models import BankAccount, OpenedSpace, Structure, StructureService

pytestmark = pytest.mark.django_db


def structure_data(structure, **changes):
    data = {
        "raison_sociale": structure.raison_sociale,
        "libelle": structure.libelle,
        "email": "contact@menuiserie.fr",
        "numero_tva": "",
        "adresse": structure.adresse,
        "code_postal": structure.code_postal,
        "ville": structure.ville,
        "pays": "FR",
    }
    data.update(changes)
    return data


class TestMyStructure:
    def test_manager_edits_the_structure(self, client, gs):
        structure = gs.membership.structure
        client.force_login(gs)
        response = client.post(
            reverse("structures:structure"),
            structure_data(structure, raison_sociale="Menuiserie Nouvelle", numero_tva="fr 40 303265045"),
        )
        assert response.status_code == 302
        structure.refresh_from_db()
        assert structure.raison_sociale == "Menuiserie Nouvelle"
        assert structure.numero_tva == "FR40303265045"

    def test_identifier_cannot_be_changed(self, client, gp):
        identifier = gp.structure.identifier
        client.force_login(gp)
        client.post(
            reverse("structures:structure"), structure_data(gp.structure, identifier="12345678901234")
        )
        gp.structure.refresh_from_db()
        assert gp.structure.identifier == identifier

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("email", "pas-une-adresse", "Saisissez une adresse de courriel valide."),
            ("code_postal", "3800", "En France, le code postal compte cinq chiffres."),
            ("numero_tva", "FR00000000000", "Ce numéro de TVA intracommunautaire n&#x27;est pas valide."),
        ],
    )
    def test_invalid_input_is_refused(self, client, gp, field, value, message):
        client.force_login(gp)
        response = client.post(
            reverse("structures:structure"), structure_data(gp.structure, **{field: value})
        )
        assert response.status_code == 422
        assert message in response.content.decode()

    def test_foreign_postal_code_is_free(self, client, gp):
        client.force_login(gp)
        response = client.post(
            reverse("structures:structure"), structure_data(gp.structure, pays="BE", code_postal="1000")
        )
        assert response.status_code == 302

    def test_recipient_parameters_only_for_public_structures(self, client, gp, make_structure):
        client.force_login(gp)
        assert "code_service_required" not in client.get(reverse("structures:structure")).content.decode()
        public = make_structure(gp, public=True)
        client.post(reverse("structures:switch"), {"structure_id": public.pk})
        response = client.post(
            reverse("structures:structure"), structure_data(public, code_service_required="on", is_moa="on")
        )
        assert response.status_code == 302
        public.refresh_from_db()
        assert public.code_service_required and public.is_moa

    def test_no_active_mandate_alert(self, client, gp):
        client.force_login(gp)
        content = client.get(reverse("structures:structure")).content.decode()
        assert "Aucun mandat actif : aucun utilisateur de la structure ne peut saisir de facture." in content


class TestInactivation:
    def test_principal_inactivates_with_absorbing_structure(self, client, gp, other_gp):
        client.force_login(gp)
        response = client.post(
            reverse("structures:structure_inactivate"),
            {"absorbed_by_identifier": other_gp.structure.identifier, "confirm": "on"},
        )
        assert response.status_code == 302
        gp.structure.refresh_from_db()
        assert gp.structure.status == StructureStatus.INACTIVE
        assert gp.structure.absorbed_by == other_gp.structure

    def test_unknown_absorbing_identifier(self, client, gp):
        client.force_login(gp)
        response = client.post(
            reverse("structures:structure_inactivate"),
            {"absorbed_by_identifier": "00000000000000", "confirm": "on"},
        )
        assert response.status_code == 422
        assert "Aucune structure du portail n&#x27;a cet identifiant." in response.content.decode()

    def test_confirmation_is_required(self, client, gp):
        client.force_login(gp)
        assert client.post(reverse("structures:structure_inactivate"), {}).status_code == 422
        gp.structure.refresh_from_db()
        assert gp.structure.is_active

    def test_inactive_structure_is_read_only(self, client, gp):
        services.inactivate_structure(actor=gp, structure_id=gp.structure.pk)
        client.force_login(gp)
        page = client.get(reverse("structures:structure")).content.decode()
        assert 'data-testid="structure-form"' not in page
        assert "Menuiserie Test" in page
        response = client.post(
            reverse("structures:structure"), structure_data(gp.structure, raison_sociale="X"), follow=True
        )
        assert "La structure est inactive : elle ne peut plus être modifiée." in response.content.decode()
        response = client.post(reverse("structures:services"), {"code": "S1", "libelle": "Service"})
        assert response.status_code == 422
        assert "La structure est inactive" in response.content.decode()
        assert not StructureService.objects.filter(structure=gp.structure).exists()
        gp.structure.refresh_from_db()
        assert gp.structure.raison_sociale == "Menuiserie Test"


class TestServices:
    def test_create_and_edit(self, client, gs):
        client.force_login(gs)
        response = client.post(reverse("structures:services"), {"code": "achats", "libelle": "Achats"})
        assert response.status_code == 302
        service = StructureService.objects.get(structure=gs.membership.structure)
        assert service.code == "ACHATS"
        response = client.post(
            reverse("structures:service_update", args=[service.pk]),
            {"libelle": "Achats publics", "engagement_required": "on"},
        )
        assert response.status_code == 302
        service.refresh_from_db()
        assert (service.libelle, service.is_active, service.engagement_required) == (
            "Achats publics",
            False,
            True,
        )

    def test_code_is_unique_in_the_structure(self, client, gp):
        services.create_service(actor=gp, structure_id=gp.structure.pk, code="ACHATS", libelle="Achats")
        client.force_login(gp)
        response = client.post(reverse("structures:services"), {"code": "Achats", "libelle": "Autre"})
        assert response.status_code == 422
        assert "Un service existe déjà avec ce code dans la structure." in response.content.decode()


class TestSpaces:
    def test_open_for_a_service_and_close(self, client, gp):
        service = services.create_service(actor=gp, structure_id=gp.structure.pk, code="TRAVAUX", libelle="T")
        client.force_login(gp)
        response = client.post(
            reverse("structures:spaces"), {"space": Space.FACTURES_A_VALIDER, "service": service.pk}
        )
        assert response.status_code == 302
        opened = OpenedSpace.objects.get(structure=gp.structure, space=Space.FACTURES_A_VALIDER)
        assert opened.service == service
        client.post(reverse("structures:space_close", args=[opened.pk]))
        assert not OpenedSpace.objects.filter(pk=opened.pk).exists()

    def test_factures_recues_is_for_public_structures(self, client, gp):
        client.force_login(gp)
        response = client.post(reverse("structures:spaces"), {"space": Space.FACTURES_RECUES})
        assert response.status_code == 422
        assert (
            "L&#x27;espace Factures reçues est réservé aux structures publiques." in response.content.decode()
        )

    def test_manager_space_cannot_be_closed(self, client, gp):
        opened = OpenedSpace.objects.get(structure=gp.structure, space=Space.ACTIVITES_GESTIONNAIRE)
        client.force_login(gp)
        response = client.post(reverse("structures:space_close", args=[opened.pk]), follow=True)
        assert "ne peuvent pas être fermés" in response.content.decode()
        assert OpenedSpace.objects.filter(pk=opened.pk).exists()


class TestBankAccounts:
    def test_add_normalises_iban(self, client, gp):
        client.force_login(gp)
        response = client.post(
            reverse("structures:bank_accounts"),
            {
                "libelle": "Compte courant",
                "iban": "fr76 3000 6000 0112 3456 7890 189",
                "bic": "agrifrpp",
                "is_factor": "on",
            },
        )
        assert response.status_code == 302
        account = BankAccount.objects.get(structure=gp.structure)
        assert (account.iban, account.bic, account.is_factor) == (
            "FR7630006000011234567890189",
            "AGRIFRPP",
            True,
        )

    @pytest.mark.parametrize(
        ("iban", "message"),
        [
            ("FR7630006000011234567890188", "La clé de contrôle de l&#x27;IBAN est fausse"),
            ("FR763000600001123456789018", "La longueur de l&#x27;IBAN ne correspond pas"),
            ("XX7630006000011234567890189", "L&#x27;IBAN doit commencer par un code pays valide"),
        ],
    )
    def test_bad_iban(self, client, gp, iban, message):
        client.force_login(gp)
        response = client.post(reverse("structures:bank_accounts"), {"libelle": "C", "iban": iban})
        assert response.status_code == 422
        assert message in response.content.decode()
        assert not BankAccount.objects.exists()

    def test_bad_bic(self, client, gp):
        client.force_login(gp)
        response = client.post(
            reverse("structures:bank_accounts"),
            {"libelle": "C", "iban": "FR7630006000011234567890189", "bic": "ZZZZ"},
        )
        assert response.status_code == 422
        assert "Ce BIC n&#x27;est pas valide" in response.content.decode()

    def test_duplicate_iban(self, client, gp):
        services.add_bank_account(
            actor=gp, structure_id=gp.structure.pk, libelle="C", iban="FR7630006000011234567890189"
        )
        client.force_login(gp)
        response = client.post(
            reverse("structures:bank_accounts"), {"libelle": "D", "iban": "FR7630006000011234567890189"}
        )
        assert response.status_code == 422
        assert "Ces coordonnées bancaires existent déjà" in response.content.decode()

    def test_status(self, client, gp):
        account = services.add_bank_account(
            actor=gp, structure_id=gp.structure.pk, libelle="C", iban="FR7630006000011234567890189"
        )
        client.force_login(gp)
        client.post(reverse("structures:bank_account_status", args=[account.pk]), {"status": "INACTIF"})
        account.refresh_from_db()
        assert account.status == BankAccountStatus.INACTIVE
        response = client.post(reverse("structures:bank_account_status", args=[account.pk]), {"status": "XX"})
        assert response.status_code == 422
        assert Structure.objects.count() == 1
