"""Benchmark of the annuaire import and search: `python -m benchmarks.annuaire` (make bench-annuaire).

Runs on a throwaway database only:
- DATABASE_URL unset: a temporary SQLite file, deleted at the end;
- DATABASE_URL set: Django's test-database machinery creates `test_<name>` next to it and
  drops it at the end, so the database named in the URL is never written to.

Options: --structures N (default 200,000), --keep-files to leave the generated CSVs in place.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

SEARCHES = (
    {"identifier": "2138"},
    {"identifier": "*0001*"},
    {"raison_sociale": "mair*"},
    {"query": "centre hospitalier"},
    {"ville": "Lyon"},
    {"code_postal": "750*"},
    {"query": "*lyon*", "active_only": False},
    # The official export is upper case without accents; users type either way.
    {"query": "saint etienne"},
    {"query": "DEMOVILLE"},
    {"ville": "châlons"},
)


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _timed(label: str, function, rows: int | None = None):
    start = time.perf_counter()
    result = function()
    duration = time.perf_counter() - start
    rate = f", {rows / duration:,.0f} lignes/s" if rows else ""
    _say(f"{label:<45} {duration:8.2f} s{rate}")
    return result


def _modify_some_rows(source: Path, target: Path, every: int) -> int:
    """Copies the structures file, changing the city of one row out of `every` (update path)."""
    changed = 0
    with open(source, encoding="utf-8") as reader, open(target, "w", encoding="utf-8") as writer:
        for number, line in enumerate(reader):
            if number and number % every == 0:
                cells = line.rstrip("\n").split(";")
                cells[16] = cells[16] + " (modifiée)"
                line = ";".join(cells) + "\n"
                changed += 1
            writer.write(line)
    return changed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--structures", type=int, default=200_000)
    parser.add_argument("--keep-files", action="store_true")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="bench-annuaire-"))
    use_test_database = "DATABASE_URL" in os.environ
    if not use_test_database:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "choruspro.settings.dev")

    import django

    django.setup()

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from annuaire.selectors import RESULTS_CAP, count_capped, search_public_structures
    from annuaire.services import import_services_file, import_structures_file
    from demo.annuaire_export import generate_services_csv, generate_structures_csv

    if use_test_database:
        if connection.vendor == "sqlite":
            settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = str(workdir / "bench.sqlite3")
        test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    else:
        test_name = None
        call_command("migrate", verbosity=0, interactive=False)
    _say(f"Base : {connection.vendor} ({connection.settings_dict['NAME']}), {os.cpu_count()} cœurs")

    try:
        structures_csv = workdir / "structures.csv"
        services_csv = workdir / "services.csv"
        modified_csv = workdir / "structures-modifiees.csv"
        count = args.structures
        _timed(
            f"Génération de {count:,} structures",
            lambda: generate_structures_csv(structures_csv, count=count),
        )
        service_count = _timed(
            "Génération des services", lambda: generate_services_csv(services_csv, count=count)
        )
        _say(f"  fichiers : {structures_csv.stat().st_size / 1e6:.1f} Mo, {service_count:,} services")

        imports = (
            ("Import structures, 1er passage (créations)", import_structures_file, structures_csv, count),
            ("Import services, 1er passage (créations)", import_services_file, services_csv, service_count),
            ("Import structures, 2e passage (inchangées)", import_structures_file, structures_csv, count),
            ("Import services, 2e passage (inchangés)", import_services_file, services_csv, service_count),
        )
        for label, importer, path, rows in imports:
            report = _timed(label, lambda importer=importer, path=path: importer(path), rows)
            _say(f"  {_summary(report)}")
        changed = _modify_some_rows(structures_csv, modified_csv, every=10)
        report = _timed(
            f"Import structures, {changed:,} modifiées", lambda: import_structures_file(modified_csv), count
        )
        _say(f"  {_summary(report)}")

        for criteria in SEARCHES:

            def run(criteria=criteria):
                structures = search_public_structures(**criteria)
                total = count_capped(structures)
                list(structures[:20])
                return total

            total = _timed(f"Recherche {criteria}", run)
            shown = f"plus de {total - 1:,}" if total > RESULTS_CAP else f"{total:,}"
            _say(f"  {shown} résultats (compte plafonné, comme les pages, + 1re page)")
    finally:
        if test_name:
            connection.creation.destroy_test_db(test_name, verbosity=0)
        connection.close()
        if args.keep_files:
            _say(f"Fichiers conservés dans {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


def _summary(report) -> str:
    return (
        f"créées {report.created:,}, mises à jour {report.updated:,}, "
        f"inchangées {report.unchanged:,}, rejetées {report.rejected_count:,}"
    )


if __name__ == "__main__":
    sys.exit(main())
