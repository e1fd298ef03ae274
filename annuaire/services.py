"""Imports of the official annuaire exports (domain §8.1): structures file, then services file.

Both imports read a text stream, validate every line, then write everything in one transaction
with bulk queries: the real file holds ~200,000 structures and ~80,000 services, so anything
per-row (get_or_create, save) is out of the question. Existing rows are read once into a dict,
compared field by field, and only rows whose values differ are updated, so that a re-import of
the same weekly file reports them as unchanged and writes nothing.

Structures absent from a file are left as they are: the export has no deletion semantics, and
structures may hold invoices (inactivation comes through `StructureActive=false`).
"""

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.fr import siret

from annuaire.constants import (
    SERVICE_COLUMNS,
    SERVICE_COLUMNS_WITH_TYPE,
    STRUCTURE_COLUMNS,
)
from choruspro.text import search_key
from structures.enums import IDENTIFIER_TYPE_BY_CODE, IdentifierType, StructureKind, StructureStatus
from structures.models import Structure, StructureService

# Column → Structure field for the booleans of the export (domain §8.2).
STRUCTURE_BOOLEAN_COLUMNS = {
    "EmetteurEdi": "emetteur_edi",
    "RecepteurEdi": "recepteur_edi",
    "GestionStatutMiseEnPaiement": "reports_mise_en_paiement",
    "GestionEngagement": "engagement_required",
    "GestionService": "code_service_required",
    "GestionServiceEngagement": "service_or_engagement_required",
    "EstMOA": "is_moa",
    "EstMOAUniquement": "is_moa_only",
}
STRUCTURE_TEXT_COLUMNS = {
    "RaisonSociale": "raison_sociale",
    "Adresse": "adresse",
    "ComplementAdresse1": "complement_adresse_1",
    "ComplementAdresse2": "complement_adresse_2",
    "CodePostal": "code_postal",
    "Ville": "ville",
    "NumTelephone": "telephone",
    "Courriel": "email",
    "CodePays": "pays",
}
# Every field the import owns; the comparison that decides "unchanged" uses exactly these.
STRUCTURE_FIELDS = (
    "kind",
    "status",
    *STRUCTURE_BOOLEAN_COLUMNS.values(),
    *STRUCTURE_TEXT_COLUMNS.values(),
    "search_name",
    "search_city",
)
SERVICE_FIELDS = ("libelle", "engagement_required", "is_active")

BOOLEAN_VALUES = {
    "true": True,
    "false": False,
    "1": True,
    "0": False,
    "oui": True,
    "non": False,
    "vrai": True,
    "faux": False,
}
BATCH_SIZE = 2000
DEFAULT_COUNTRY = "FR"


class AnnuaireImportError(Exception):
    """The whole file is unusable (encoding, header): nothing was imported."""


class _RejectedRow(Exception):
    pass


@dataclass(frozen=True)
class RejectedLine:
    line_number: int
    reason: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RejectedLine] = field(default_factory=list)

    @property
    def rejected_count(self) -> int:
        return len(self.rejected)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged + self.rejected_count

    def reject(self, line_number: int, reason: str) -> None:
        self.rejected.append(RejectedLine(line_number, reason))


def _max_lengths(model, fields) -> dict[str, int]:
    return {name: model._meta.get_field(name).max_length for name in fields}


def parse_boolean(value: str) -> bool:
    try:
        return BOOLEAN_VALUES[value.strip().lower()]
    except KeyError:
        raise ValueError(value) from None


def _read_rows(
    stream: TextIO, expected_headers: list[tuple[str, ...]]
) -> tuple[tuple[str, ...], Iterator[tuple[int, list[str]]]]:
    """Checks the header, then returns the matched columns and the (line number, cells) rows.

    Decoding errors surface while iterating, so they are turned into AnnuaireImportError here;
    callers read the whole file before writing anything, hence a bad file writes nothing.
    """
    reader = csv.reader(stream, delimiter=";")

    def unreadable(error: Exception) -> AnnuaireImportError:
        if isinstance(error, UnicodeDecodeError):
            return AnnuaireImportError(
                _("Le fichier n'est pas encodé en UTF-8 (ligne %(line)s).") % {"line": reader.line_num + 1}
            )
        return AnnuaireImportError(
            _("Fichier CSV illisible ligne %(line)s : %(error)s") % {"line": reader.line_num, "error": error}
        )

    try:
        header = next(reader, None)
    except (UnicodeDecodeError, csv.Error) as error:
        raise unreadable(error) from error
    if header is None:
        raise AnnuaireImportError(_("Le fichier est vide : la ligne d'en-tête est absente."))
    if header:
        header[0] = header[0].removeprefix("\ufeff")
    found = tuple(cell.strip().lower() for cell in header)
    matched = next((cols for cols in expected_headers if found == tuple(c.lower() for c in cols)), None)
    if matched is None:
        raise AnnuaireImportError(
            _("En-tête inattendu. Colonnes attendues : %(expected)s ; trouvées : %(found)s")
            % {"expected": ";".join(expected_headers[0]), "found": ";".join(header)}
        )

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for row in reader:
                if any(cell.strip() for cell in row):
                    yield reader.line_num, row
        except (UnicodeDecodeError, csv.Error) as error:
            raise unreadable(error) from error

    return matched, rows()


def _check_column_count(row: list[str], expected: int) -> None:
    if len(row) != expected:
        raise _RejectedRow(
            _("nombre de colonnes incorrect : %(found)s au lieu de %(expected)s")
            % {"found": len(row), "expected": expected}
        )


def _boolean(cells: dict[str, str], column: str) -> bool:
    try:
        return parse_boolean(cells[column])
    except ValueError:
        raise _RejectedRow(
            _("valeur booléenne invalide pour %(column)s : « %(value)s »")
            % {"column": column, "value": cells[column]}
        ) from None


def _identifier_type(code: str) -> IdentifierType:
    try:
        # Plain str values: the rows go to the database driver without Django's preparation.
        return IDENTIFIER_TYPE_BY_CODE[code.strip()].value
    except KeyError:
        raise _RejectedRow(_("type d'identifiant inconnu : « %(code)s »") % {"code": code}) from None


def _identifier(identifier_type: IdentifierType, raw: str) -> str:
    identifier = raw.strip()
    if identifier_type == IdentifierType.SIRET:
        identifier = identifier.replace(" ", "")
    if not identifier:
        raise _RejectedRow(_("identifiant manquant"))
    if identifier_type == IdentifierType.SIRET and not siret.is_valid(identifier):
        raise _RejectedRow(_("SIRET invalide : « %(siret)s »") % {"siret": identifier})
    return identifier


def _check_lengths(values: dict, max_lengths: dict[str, int], labels: dict[str, str]) -> None:
    for name, max_length in max_lengths.items():
        if max_length and len(values[name]) > max_length:
            raise _RejectedRow(
                _("%(column)s trop long (%(max)s caractères au plus)")
                % {"column": labels[name], "max": max_length}
            )


_STRUCTURE_LABELS = {field_name: column for column, field_name in STRUCTURE_TEXT_COLUMNS.items()}
_STRUCTURE_LABELS["identifier"] = "Identifiant"


def _parse_structure_row(row: list[str], max_lengths: dict[str, int]) -> tuple[tuple[str, str], dict]:
    _check_column_count(row, len(STRUCTURE_COLUMNS))
    cells = dict(zip(STRUCTURE_COLUMNS, row, strict=True))
    identifier_type = _identifier_type(cells["TypeIdentifiant"])
    identifier = _identifier(identifier_type, cells["Identifiant"])
    values = {name: cells[column].strip() for column, name in STRUCTURE_TEXT_COLUMNS.items()}
    if not values["raison_sociale"]:
        raise _RejectedRow(_("raison sociale manquante"))
    values["pays"] = values["pays"].upper() or DEFAULT_COUNTRY
    if values["email"]:
        try:
            validate_email(values["email"])
        except ValidationError:
            raise _RejectedRow(
                _("adresse électronique invalide : « %(email)s »") % {"email": values["email"]}
            ) from None
    for column, name in STRUCTURE_BOOLEAN_COLUMNS.items():
        values[name] = _boolean(cells, column)
    values["status"] = (
        StructureStatus.ACTIVE.value if _boolean(cells, "StructureActive") else StructureStatus.INACTIVE.value
    )
    # The export only lists public structures; a structure first created as private by a
    # sign-up and later found in the export is public per the authoritative source.
    values["kind"] = StructureKind.PUBLIC.value
    values["search_name"], values["search_city"] = (
        search_key(values["raison_sociale"]),
        search_key(values["ville"]),
    )
    _check_lengths({**values, "identifier": identifier}, max_lengths, _STRUCTURE_LABELS)
    return (identifier_type, identifier), values


def import_structures(stream: TextIO) -> ImportReport:
    """Creates or updates public structures from the structures export, keyed on type + identifier."""
    report = ImportReport()
    max_lengths = _max_lengths(Structure, ["identifier", *STRUCTURE_TEXT_COLUMNS.values()])
    parsed: dict[tuple[str, str], tuple[int, dict]] = {}
    _columns, rows = _read_rows(stream, [STRUCTURE_COLUMNS])
    for line_number, row in rows:
        try:
            key, values = _parse_structure_row(row, max_lengths)
        except _RejectedRow as rejection:
            report.reject(line_number, str(rejection))
            continue
        if key in parsed:
            report.reject(
                line_number,
                _("identifiant « %(identifier)s » déjà présent ligne %(line)s")
                % {"identifier": key[1], "line": parsed[key][0]},
            )
            continue
        parsed[key] = (line_number, values)

    existing = {
        (row[1], row[2]): (row[0], row[3:])
        for row in Structure.objects.values_list(
            "pk", "identifier_type", "identifier", *STRUCTURE_FIELDS
        ).iterator(chunk_size=BATCH_SIZE)
    }
    to_create, to_update = [], []
    for (identifier_type, identifier), (_line, values) in parsed.items():
        current = existing.get((identifier_type, identifier))
        if current is None:
            to_create.append({"identifier_type": identifier_type, "identifier": identifier, **values})
        elif current[1] == tuple(values[name] for name in STRUCTURE_FIELDS):
            report.unchanged += 1
        else:
            to_update.append((current[0], values))
    with transaction.atomic():
        _insert_rows(Structure, to_create)
        _update_rows(Structure, STRUCTURE_FIELDS, to_update)
    if to_create or to_update:
        _refresh_statistics()
    report.created, report.updated = len(to_create), len(to_update)
    return report


def _refresh_statistics() -> None:
    """The planners' figures (ANALYZE) after a large change: with them SQLite and PostgreSQL read
    a common term's results off the name index and a rare term's through the search index;
    without them SQLite sorted tens of thousands of rows for each page."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE structures_structure")


# Why raw executemany rather than bulk_create/bulk_update: Django prepares every value of every
# row in Python and, on SQLite, caps inserts at ~38 rows per statement (999 parameters), and
# bulk_update compiles one CASE WHEN per field over the batch; measured on 20,000 structures,
# bulk_create took 4.5 s and bulk_update 3 s per 1,000 rows. The driver's executemany does the
# same work in a fraction of that. Table and column names come from the model's _meta; values
# always go as parameters.


def _insert_rows(model, rows: list[dict]) -> None:
    if not rows:
        return
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    # Columns the import does not own get the model default, timestamps get `now`.
    defaults = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = f.get_db_prep_save(now, connection)
        elif f.attname not in rows[0]:
            defaults[f.attname] = f.get_db_prep_save(f.get_default(), connection)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    params = [[row[f.attname] if f.attname in row else defaults[f.attname] for f in fields] for row in rows]
    _execute_many(sql, params)


def _update_rows(model, field_names: tuple[str, ...], rows: list[tuple[int, dict]]) -> None:
    if not rows:
        return
    meta = model._meta
    quote = connection.ops.quote_name
    fields = [meta.get_field(name) for name in field_names]
    assignments = [f"{quote(f.column)} = %s" for f in fields]
    extra = []
    auto_now = [f for f in meta.concrete_fields if getattr(f, "auto_now", False)]
    for f in auto_now:
        assignments.append(f"{quote(f.column)} = %s")
        extra.append(f.get_db_prep_save(timezone.now(), connection))
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {', '.join(assignments)} "  # noqa: S608
        f"WHERE {quote(meta.pk.column)} = %s"
    )
    params = [[values[f.name] for f in fields] + extra + [pk] for pk, values in rows]
    _execute_many(sql, params)


def _execute_many(sql: str, params: list[list]) -> None:
    with connection.cursor() as cursor:
        for start in range(0, len(params), BATCH_SIZE):
            cursor.executemany(sql, params[start : start + BATCH_SIZE])


_AMBIGUOUS = object()
_SERVICE_LABELS = {"code": "CodeService", "libelle": "LibelleService"}


def _public_structure_keys() -> tuple[dict[tuple[str, str], int], dict[str, object]]:
    by_key, by_identifier = {}, {}
    structures = Structure.objects.filter(kind=StructureKind.PUBLIC).values_list(
        "pk", "identifier_type", "identifier"
    )
    for pk, identifier_type, identifier in structures.iterator(chunk_size=BATCH_SIZE):
        by_key[(identifier_type, identifier)] = pk
        by_identifier[identifier] = _AMBIGUOUS if identifier in by_identifier else pk
    return by_key, by_identifier


def import_services(stream: TextIO) -> ImportReport:
    """Creates or updates services of public structures, keyed on structure + service code."""
    report = ImportReport()
    max_lengths = _max_lengths(StructureService, ["code", "libelle"])
    by_key, by_identifier = _public_structure_keys()
    parsed: dict[tuple[int, str], tuple[int, dict]] = {}
    columns, rows = _read_rows(stream, [SERVICE_COLUMNS, SERVICE_COLUMNS_WITH_TYPE])
    with_type = columns == SERVICE_COLUMNS_WITH_TYPE
    for line_number, row in rows:
        try:
            _check_column_count(row, len(columns))
            cells = {column: cell.strip() for column, cell in zip(columns, row, strict=True)}
            identifier = cells["IdentifiantStructure"].replace(" ", "")
            if not identifier:
                raise _RejectedRow(_("identifiant de structure manquant"))
            if with_type:
                structure_id = by_key.get((_identifier_type(cells["TypeIdentifiant"]), identifier))
            else:
                structure_id = by_identifier.get(identifier)
            if structure_id is _AMBIGUOUS:
                raise _RejectedRow(
                    _("identifiant « %(identifier)s » ambigu : ajoutez la colonne TypeIdentifiant")
                    % {"identifier": identifier}
                )
            if structure_id is None:
                raise _RejectedRow(
                    _("structure « %(identifier)s » absente de l'annuaire") % {"identifier": identifier}
                )
            values = {"code": cells["CodeService"], "libelle": cells["LibelleService"]}
            if not values["code"]:
                raise _RejectedRow(_("code service manquant"))
            if not values["libelle"]:
                raise _RejectedRow(_("libellé du service manquant"))
            _check_lengths(values, max_lengths, _SERVICE_LABELS)
            values["engagement_required"] = _boolean(cells, "GestionEngagement")
            values["is_active"] = _boolean(cells, "ServiceActif")
        except _RejectedRow as rejection:
            report.reject(line_number, str(rejection))
            continue
        key = (structure_id, values["code"])
        if key in parsed:
            report.reject(
                line_number,
                _("service « %(code)s » déjà présent ligne %(line)s")
                % {"code": values["code"], "line": parsed[key][0]},
            )
            continue
        parsed[key] = (line_number, values)

    existing = {
        (row[1], row[2]): (row[0], row[3:])
        for row in StructureService.objects.values_list(
            "pk", "structure_id", "code", *SERVICE_FIELDS
        ).iterator(chunk_size=BATCH_SIZE)
    }
    to_create, to_update = [], []
    for (structure_id, code), (_line, values) in parsed.items():
        current = existing.get((structure_id, code))
        if current is None:
            to_create.append({"structure_id": structure_id, **values})
        elif current[1] == tuple(values[name] for name in SERVICE_FIELDS):
            report.unchanged += 1
        else:
            to_update.append((current[0], values))
    with transaction.atomic():
        _insert_rows(StructureService, to_create)
        _update_rows(StructureService, SERVICE_FIELDS, to_update)
    report.created, report.updated = len(to_create), len(to_update)
    return report


def import_structures_file(path: str | Path) -> ImportReport:
    # utf-8-sig drops the BOM some spreadsheet exports add; errors stay strict.
    with open(path, encoding="utf-8-sig", newline="") as stream:
        return import_structures(stream)


def import_services_file(path: str | Path) -> ImportReport:
    with open(path, encoding="utf-8-sig", newline="") as stream:
        return import_services(stream)
