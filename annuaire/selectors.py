"""Reads of the annuaire: public structures only, whoever asks (the page needs no login)."""

import re

from django.db.models import F, Lookup, Q, QuerySet

from choruspro.text import search_key
from structures import search_index
from structures.enums import StructureKind, StructureStatus
from structures.models import Structure, StructureService

WILDCARD = "*"
# Partial identifier search needs at least 3 characters (domain §8.3, same rule as W31).
IDENTIFIER_MIN_LENGTH = 3


# A term matching more structures than this is not worth an index look-up: reading the table in
# name order finds a page of them at once (structures.search_index.candidates).
DENSE_TERM = 1000
_INDEXABLE = re.compile(r"[0-9A-Z* ]+")
SEGMENT_MIN_LENGTH = 3
# Results are counted up to this figure (annuaire.pagination).
RESULTS_CAP = 1000


class _LikePattern(Lookup):
    """LIKE with a pattern we built and escaped ourselves, upper case like the searched columns.

    Django only offers anchored-or-not lookups (icontains, istartswith…); `mai*e*` needs the
    wildcards where the user put them. Not registered on CharField: used as an expression only.
    """

    lookup_name = "annuaire_like"
    prepare_rhs = False

    def __init__(self, lhs, parts: list[str]):
        self.parts = parts
        super().__init__(lhs, "")

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if connection.vendor == "sqlite":
            # GLOB is case-sensitive, so a prefix (`MAIR*`) is a range of the column's B-tree
            # index; SQLite's LIKE, case-insensitive, uses none.
            pattern = "*".join(_escape_glob(part) for part in self.parts)
            return f"{lhs} GLOB %s", [*lhs_params, pattern]
        # No UPPER() around the column: PostgreSQL's trigram indexes are on the bare columns.
        pattern = "%".join(_escape_like(part) for part in self.parts)
        return f"{lhs} LIKE %s ESCAPE '\\'", [*lhs_params, pattern]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _escape_glob(text: str) -> str:
    return "".join(f"[{char}]" if char in "*?[" else char for char in text)


def significant_length(term: str) -> int:
    """Characters that actually narrow the search (wildcards and spaces do not)."""
    return len(term.replace(WILDCARD, "").replace(" ", ""))


def _term_lookup(field: str, term: str) -> Q:
    """`mair*` starts with, `*lyon*` contains, `750*` starts with; no `*` means "contains".
    Every searched column is upper case (search keys, identifiers, postcodes)."""
    term = term.upper()
    if WILDCARD not in term:
        return Q(**{f"{field}__contains": term})
    return Q(_LikePattern(F(field), term.split(WILDCARD)))


def _segments(term: str) -> list[str]:
    """The parts of a term an index can look up: 3 characters or more between wildcards."""
    if not _INDEXABLE.fullmatch(term):
        return []
    return [part.strip() for part in term.split(WILDCARD) if len(part.strip()) >= SEGMENT_MIN_LENGTH]


def _name_lookup(field: str, term: str) -> Q:
    """raison_sociale and ville are searched in their search_key() columns: accents, case and
    punctuation do not matter (« DEMOVILLE », « saint etienne »)."""
    return _term_lookup({"raison_sociale": "search_name", "ville": "search_city"}[field], search_key(term))


def _identifier_lookup(term: str) -> Q:
    return _term_lookup("identifier", term.replace(" ", ""))


def public_structures() -> QuerySet[Structure]:
    return Structure.objects.filter(kind=StructureKind.PUBLIC)


def _tokens(query: str) -> list[str]:
    query = query.strip()
    compact = query.replace(" ", "")
    # A SIRET typed with its usual spaces ("213 801 855 00015") is one identifier, not four words.
    if compact and compact.replace(WILDCARD, "").isdigit():
        return [compact]
    return [token for token in query.split() if token.replace(WILDCARD, "")]


def search_public_structures(
    *,
    query: str = "",
    identifier: str = "",
    raison_sociale: str = "",
    ville: str = "",
    code_postal: str = "",
    active_only: bool = True,
) -> QuerySet[Structure]:
    """Public structures matching every given criterion; no criterion gives no result.

    `query` is free text: each word must match the identifier, the raison sociale, the city or
    the postal code. Identifier terms shorter than 3 characters are ignored here (the form
    reports them), so callers cannot turn the annuaire into a full-table dump by accident.
    """
    conditions = Q()
    # Each term's index look-up (SQLite); the conditions still decide, the look-up only narrows.
    lookups = []
    for token in _tokens(query):
        lookups.append(_segments(token.upper()))
        token_condition = (
            _name_lookup("raison_sociale", token)
            | _name_lookup("ville", token)
            | _term_lookup("code_postal", token)
        )
        if significant_length(token) >= IDENTIFIER_MIN_LENGTH:
            token_condition |= _identifier_lookup(token)
        conditions &= token_condition
    identifier = identifier.strip()
    if significant_length(identifier) >= IDENTIFIER_MIN_LENGTH:
        conditions &= _identifier_lookup(identifier)
        lookups.append(_segments(identifier.replace(" ", "").upper()))
    for field, term in (("raison_sociale", raison_sociale), ("ville", ville)):
        if search_key(term).replace(WILDCARD, "").strip():
            conditions &= _name_lookup(field, term)
            lookups.append(_segments(search_key(term)))
    if code_postal.strip().replace(WILDCARD, ""):
        conditions &= _term_lookup("code_postal", code_postal.strip())
        lookups.append(_segments(code_postal.strip().upper()))
    if not conditions:
        return Structure.objects.none()
    structures = public_structures().filter(conditions)
    ids = search_index.candidates([segment for segments in lookups for segment in segments], DENSE_TERM)
    if ids is not None:
        structures = structures.filter(pk__in=ids)
    if active_only:
        structures = structures.filter(status=StructureStatus.ACTIVE)
    # search_name: the name without case or accents, so « École » sorts with « ECOLE ».
    return structures.order_by("search_name", "pk")


def count_capped(structures: QuerySet[Structure]) -> int:
    """The number of results, up to RESULTS_CAP + 1 (read without sorting them)."""
    return structures.order_by()[: RESULTS_CAP + 1].count()


def active_services_of(structure: Structure) -> QuerySet[StructureService]:
    return StructureService.objects.filter(structure=structure, is_active=True).order_by("code")
