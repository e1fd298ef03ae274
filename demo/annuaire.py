"""The demo annuaire: the committed export of demo/fixtures/, imported like an official one."""

from annuaire.services import ImportReport, import_services_file, import_structures_file
from demo.annuaire_export import FIXTURES_DIR


def load_demo_annuaire() -> tuple[ImportReport, ImportReport]:
    """Imports the committed demo annuaire; safe to call again."""
    structures = import_structures_file(FIXTURES_DIR / "demo_structures.csv")
    services = import_services_file(FIXTURES_DIR / "demo_services.csv")
    return structures, services
