import csv

from stdnum.fr import siren, siret

from annuaire.constants import STRUCTURE_COLUMNS
from demo.annuaire_export import FIXTURES_DIR, generate_services_csv, generate_structures_csv


def test_generator_is_deterministic_and_matches_the_committed_fixtures(tmp_path):
    """Regenerate with `python -m demo.annuaire_export` whenever this fails after a generator change."""
    generate_structures_csv(tmp_path / "structures.csv")
    generate_services_csv(tmp_path / "services.csv")
    assert (tmp_path / "structures.csv").read_text() == (FIXTURES_DIR / "demo_structures.csv").read_text()
    assert (tmp_path / "services.csv").read_text() == (FIXTURES_DIR / "demo_services.csv").read_text()


def test_demo_sirets_are_valid_and_unique(tmp_path):
    path = tmp_path / "structures.csv"
    generate_structures_csv(path, count=3000, seed=7)
    with open(path, encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream, delimiter=";"))
    assert list(rows[0]) == list(STRUCTURE_COLUMNS)
    assert len(rows) == 3000
    sirets = [row["Identifiant"] for row in rows if row["TypeIdentifiant"] == "1"]
    assert len(set(sirets)) == len(sirets)
    assert all(siret.is_valid(value) and siren.is_valid(value[:9]) for value in sirets)
    assert any(row["StructureActive"] == "false" for row in rows)
