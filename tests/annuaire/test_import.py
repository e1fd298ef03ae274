import io

import pytest
from django.core.management import CommandError, call_command

from annuaire.constants import SERVICE_COLUMNS, STRUCTURE_COLUMNS
from annuaire.services import AnnuaireImportError, import_services, import_structures
from demo.annuaire import load_demo_annuaire
from structures.enums import IdentifierType, StructureKind, StructureStatus
from structures.models import Structure, StructureService
from tests.factories import StructureFactory, valid_siret

pytestmark = pytest.mark.django_db

HEADER = ";".join(STRUCTURE_COLUMNS)
SERVICES_HEADER = ";".join(SERVICE_COLUMNS)
SIRET_A = valid_siret(21380185)
SIRET_B = valid_siret(22380001)


def structure_line(
    identifier=SIRET_A,
    raison_sociale="Commune de Grenoble",
    *,
    type_code="1",
    gestion_service="true",
    gestion_engagement="false",
    active="true",
    courriel="factures@grenoble.example.fr",
    ville="Grenoble",
):
    cells = [
        type_code,
        identifier,
        raison_sociale,
        "false",  # EmetteurEdi
        "0",  # RecepteurEdi
        "oui",  # GestionStatutMiseEnPaiement
        gestion_engagement,
        gestion_service,
        "FAUX",  # GestionServiceEngagement
        "VRAI",  # EstMOA
        "non",  # EstMOAUniquement
        active,
        "11 boulevard Jean Pain",
        "CS 40001",
        "",
        "38000",
        ville,
        "0476763636",
        courriel,
        "FR",
        "France",
    ]
    return ";".join(cells)


def csv_text(*lines, header=HEADER):
    return io.StringIO("\n".join([header, *lines]) + "\n")


class TestImportStructures:
    def test_creates_public_structures_with_mapped_flags(self):
        report = import_structures(
            csv_text(structure_line(), structure_line(SIRET_B, "Département de l'Isère"))
        )
        assert (report.created, report.updated, report.unchanged, report.rejected_count) == (2, 0, 0, 0)
        structure = Structure.objects.get(identifier=SIRET_A)
        assert structure.identifier_type == IdentifierType.SIRET
        assert structure.kind == StructureKind.PUBLIC
        assert structure.status == StructureStatus.ACTIVE
        assert structure.code_service_required is True
        assert structure.engagement_required is False
        assert structure.service_or_engagement_required is False
        assert structure.reports_mise_en_paiement is True
        assert structure.is_moa is True
        assert structure.is_moa_only is False
        assert structure.emetteur_edi is False
        assert structure.email == "factures@grenoble.example.fr"
        assert structure.pays == "FR"
        assert (structure.adresse, structure.complement_adresse_1, structure.code_postal) == (
            "11 boulevard Jean Pain",
            "CS 40001",
            "38000",
        )
        assert structure.created_at is not None

    def test_reimport_updates_in_place_and_counts_unchanged(self):
        import_structures(csv_text(structure_line(), structure_line(SIRET_B, "Département de l'Isère")))
        pk = Structure.objects.get(identifier=SIRET_A).pk
        report = import_structures(
            csv_text(
                structure_line(gestion_engagement="true", active="false", ville="GRENOBLE"),
                structure_line(SIRET_B, "Département de l'Isère"),
            )
        )
        assert (report.created, report.updated, report.unchanged, report.rejected_count) == (0, 1, 1, 0)
        assert Structure.objects.count() == 2
        structure = Structure.objects.get(identifier=SIRET_A)
        assert structure.pk == pk
        assert structure.engagement_required is True
        assert structure.status == StructureStatus.INACTIVE
        assert structure.ville == "GRENOBLE"

    def test_existing_private_structure_becomes_public(self):
        """The official export is authoritative: a supplier-created entry with that SIRET is public."""
        existing = StructureFactory(identifier=SIRET_A)
        report = import_structures(csv_text(structure_line()))
        assert report.updated == 1
        existing.refresh_from_db()
        assert existing.kind == StructureKind.PUBLIC

    @pytest.mark.parametrize(
        "line, reason",
        [
            (structure_line(SIRET_A[:-1] + str((int(SIRET_A[-1]) + 1) % 10)), "SIRET invalide"),
            (structure_line(""), "identifiant manquant"),
            (structure_line(raison_sociale=" "), "raison sociale manquante"),
            (structure_line(type_code="9"), "type d'identifiant inconnu"),
            (structure_line(gestion_service="peut-être"), "valeur booléenne invalide pour GestionService"),
            (structure_line(courriel="pas-un-courriel"), "adresse électronique invalide"),
            (structure_line() + ";colonne en trop", "nombre de colonnes incorrect : 22 au lieu de 21"),
            (structure_line(ville="V" * 101), "Ville trop long"),
        ],
    )
    def test_bad_lines_are_rejected_with_line_number_and_reason(self, line, reason):
        report = import_structures(csv_text(structure_line(SIRET_B, "Département de l'Isère"), line))
        assert report.created == 1
        assert report.rejected_count == 1
        assert report.rejected[0].line_number == 3
        assert reason in report.rejected[0].reason

    def test_duplicate_identifier_in_file_is_rejected(self):
        report = import_structures(csv_text(structure_line(), structure_line(raison_sociale="Doublon")))
        assert report.created == 1
        assert report.rejected[0].line_number == 3
        assert "déjà présent ligne 2" in report.rejected[0].reason

    def test_non_siret_identifier_is_not_checked_as_siret(self):
        report = import_structures(csv_text(structure_line("1234567001", "Province Sud", type_code="4")))
        assert report.created == 1
        assert Structure.objects.get(identifier="1234567001").identifier_type == IdentifierType.RIDET

    def test_tolerates_a_bom_header_case_and_blank_lines(self):
        text = "\ufeff" + HEADER.upper() + "\n\n" + structure_line() + "\n\n"
        report = import_structures(io.StringIO(text))
        assert report.created == 1

    def test_wrong_header_is_an_error(self):
        with pytest.raises(AnnuaireImportError, match="En-tête inattendu"):
            import_structures(csv_text(structure_line(), header="Siret;Nom"))
        assert not Structure.objects.exists()

    def test_empty_file_is_an_error(self):
        with pytest.raises(AnnuaireImportError, match="vide"):
            import_structures(io.StringIO(""))


class TestImportServices:
    @pytest.fixture
    def structures(self):
        import_structures(csv_text(structure_line(), structure_line(SIRET_B, "Département de l'Isère")))

    def test_creates_then_updates_services(self, structures):
        text = csv_text(
            f"{SIRET_A};SERVICE_FINANCES;Service des finances;false;true",
            f"{SIRET_A};TECHNIQUE;Services techniques;true;1",
            f"{SIRET_B};SERVICE_FINANCES;Direction des finances;non;oui",
            header=SERVICES_HEADER,
        )
        report = import_services(text)
        assert (report.created, report.updated, report.unchanged, report.rejected_count) == (3, 0, 0, 0)
        technique = StructureService.objects.get(structure__identifier=SIRET_A, code="TECHNIQUE")
        assert technique.engagement_required is True
        assert technique.is_active is True

        report = import_services(
            csv_text(
                f"{SIRET_A};SERVICE_FINANCES;Service des finances;false;true",
                f"{SIRET_A};TECHNIQUE;Services techniques;true;false",
                header=SERVICES_HEADER,
            )
        )
        assert (report.created, report.updated, report.unchanged, report.rejected_count) == (0, 1, 1, 0)
        assert StructureService.objects.count() == 3
        technique.refresh_from_db()
        assert technique.is_active is False

    def test_unknown_structure_and_bad_lines_are_rejected(self, structures):
        private = StructureFactory()
        report = import_services(
            csv_text(
                f"{valid_siret(99999999)};DSI;Informatique;false;true",
                f"{private.identifier};DSI;Informatique;false;true",
                f"{SIRET_A};;Sans code;false;true",
                f"{SIRET_A};DSI;Informatique;bof;true",
                f"{SIRET_A};DSI;Informatique;false",
                f"{SIRET_A};DSI;Informatique;false;true",
                f"{SIRET_A};DSI;Informatique en double;false;true",
                header=SERVICES_HEADER,
            )
        )
        assert report.created == 1
        assert [(r.line_number, r.reason.split(" :")[0].split(" «")[0]) for r in report.rejected] == [
            (2, "structure"),
            (3, "structure"),
            (4, "code service manquant"),
            (5, "valeur booléenne invalide pour GestionEngagement"),
            (6, "nombre de colonnes incorrect"),
            (8, "service"),
        ]
        assert "absente de l'annuaire" in report.rejected[0].reason

    def test_optional_identifier_type_column(self, structures):
        text = csv_text(
            f"1;{SIRET_A};DSI;Informatique;false;true",
            f"4;{SIRET_A};DSI;Informatique;false;true",
            header="TypeIdentifiant;" + SERVICES_HEADER,
        )
        report = import_services(text)
        assert report.created == 1
        assert report.rejected[0].line_number == 3


class TestCommand:
    def test_imports_both_files_and_reports(self, tmp_path):
        structures = tmp_path / "structures.csv"
        structures.write_text(
            "\ufeff" + HEADER + "\n" + structure_line() + "\n" + structure_line("123") + "\n",
            encoding="utf-8",
        )
        services = tmp_path / "services.csv"
        services.write_text(f"{SERVICES_HEADER}\n{SIRET_A};DSI;Informatique;false;true\n", encoding="utf-8")
        out, err = io.StringIO(), io.StringIO()
        call_command("import_annuaire", str(structures), "--services", str(services), stdout=out, stderr=err)
        assert "Structures : 1 créé(e)s, 0 mis(es) à jour, 0 inchangé(e)s, 1 rejeté(e)s." in out.getvalue()
        assert "Services : 1 créé(e)s" in out.getvalue()
        assert "ligne 3 : SIRET invalide" in err.getvalue()

    def test_not_utf8_is_a_command_error(self, tmp_path):
        path = tmp_path / "latin1.csv"
        path.write_bytes(
            (HEADER + "\n" + structure_line(raison_sociale="Département de l'Isère")).encode("latin-1")
        )
        with pytest.raises(CommandError, match="UTF-8"):
            call_command("import_annuaire", str(path))
        assert not Structure.objects.exists()

    def test_wrong_header_and_missing_file_are_command_errors(self, tmp_path):
        path = tmp_path / "wrong.csv"
        path.write_text("Siret;Nom\n", encoding="utf-8")
        with pytest.raises(CommandError, match="En-tête inattendu"):
            call_command("import_annuaire", str(path))
        with pytest.raises(CommandError, match="illisible"):
            call_command("import_annuaire", str(tmp_path / "absent.csv"))
        with pytest.raises(CommandError):
            call_command("import_annuaire")


def test_load_demo_annuaire_is_idempotent():
    structures, services = load_demo_annuaire()
    assert structures.created >= 500
    assert structures.rejected_count == services.rejected_count == 0
    assert services.created > 300
    again, services_again = load_demo_annuaire()
    assert again.created == again.updated == services_again.created == services_again.updated == 0
    grenoble = Structure.objects.get(identifier="21879844500373")
    assert grenoble.raison_sociale == "Commune de Grenoble"
    assert grenoble.code_service_required
    assert Structure.objects.filter(kind=StructureKind.PUBLIC, status=StructureStatus.INACTIVE).exists()


def test_imported_and_updated_names_are_found_without_their_accents():
    from annuaire.selectors import search_public_structures

    import_structures(
        csv_text(structure_line(raison_sociale="COMMUNE DE SAINT-ETIENNE", ville="SAINT-ÉTIENNE"))
    )
    assert search_public_structures(query="saint étienne").count() == 1
    import_structures(
        csv_text(structure_line(raison_sociale="Métropole de Saint-Étienne", ville="St-Étienne"))
    )
    assert search_public_structures(raison_sociale="METROPOLE").count() == 1
    assert not search_public_structures(raison_sociale="commune de").exists()
