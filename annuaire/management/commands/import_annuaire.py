"""Imports the official annuaire export; the work is done by annuaire.services."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from annuaire.constants import SERVICE_COLUMNS, STRUCTURE_COLUMNS
from annuaire.services import AnnuaireImportError, ImportReport, import_services_file, import_structures_file

# Beyond this many, rejected lines are only counted unless --verbosity 2 asks for all of them.
SHOWN_REJECTIONS = 50


class Command(BaseCommand):
    help = (
        "Importe l'annuaire des structures publiques (export officiel, CSV séparé par « ; », UTF-8). "
        f"Fichier des structures : {';'.join(STRUCTURE_COLUMNS)}. "
        f"Avec --services FICHIER.csv, importe aussi les services (après les structures) : "
        f"{';'.join(SERVICE_COLUMNS)}, avec une colonne TypeIdentifiant facultative en tête. "
        "Rejouable : les structures sont mises à jour sur place (clé : type d'identifiant + identifiant), "
        "les services sur (structure, code service)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "structures_file", nargs="?", help="fichier des structures (facultatif avec --services)"
        )
        parser.add_argument("--services", dest="services_file", help="fichier des services")

    def handle(self, *args, structures_file=None, services_file=None, verbosity=1, **options):
        if not structures_file and not services_file:
            raise CommandError(_("Indiquez un fichier de structures et/ou --services FICHIER.csv."))
        for label, path, importer in (
            (_("Structures"), structures_file, import_structures_file),
            (_("Services"), services_file, import_services_file),
        ):
            if not path:
                continue
            try:
                report = importer(path)
            except OSError as error:
                raise CommandError(
                    _("%(path)s : fichier illisible (%(error)s).") % {"path": path, "error": error.strerror}
                ) from error
            except AnnuaireImportError as error:
                raise CommandError(f"{path} : {error}") from error
            self._print_report(label, report, verbosity)

    def _print_report(self, label: str, report: ImportReport, verbosity: int) -> None:
        self.stdout.write(
            _(
                "%(label)s : %(created)s créé(e)s, %(updated)s mis(es) à jour, "
                "%(unchanged)s inchangé(e)s, %(rejected)s rejeté(e)s."
            )
            % {
                "label": label,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "rejected": report.rejected_count,
            }
        )
        shown = report.rejected if verbosity >= 2 else report.rejected[:SHOWN_REJECTIONS]
        for rejected in shown:
            self.stderr.write(
                _("  ligne %(line)s : %(reason)s") % {"line": rejected.line_number, "reason": rejected.reason}
            )
        if len(shown) < report.rejected_count:
            self.stderr.write(
                f"  … et {report.rejected_count - len(shown)} autres lignes rejetées (--verbosity 2)."
            )
