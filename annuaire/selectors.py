"""Reads of the annuaire: public structures only, whoever asks (the page needs no login)."""

from django.db.models import F, Lookup, Q, QuerySet

from choruspro.text import search_key
from structures.enums import StructureKind, StructureStatus
from structures.models import Structure, StructureService

WILDCARD = "*"
# Partial identifier search needs at least 3 characters (domain §8.3, same rule as W31).
IDENTIFIER_MIN_LENGTH = 3


class _ILikePattern(Lookup):
    """Case-insensitive LIKE with a pattern we built and escaped ourselves.

    Django only offers anchored-or-not lookups (icontains, istartswith…); `mai*e*` needs the
    wildcards where the user put them. Not registered on CharField: used as an expression only.
    """

    lookup_name = "annuaire_ilike"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"UPPER({lhs}::text) LIKE UPPER({rhs})", [*lhs_params, *rhs_params]
        # SQLite's LIKE is already case-insensitive (ASCII); backslash is our escape character.
        return f"{lhs} LIKE {rhs} ESCAPE '\\'", [*lhs_params, *rhs_params]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def significant_length(term: str) -> int:
    """Characters that actually narrow the search (wildcards and spaces do not)."""
    return len(term.replace(WILDCARD, "").replace(" ", ""))


def _term_lookup(field: str, term: str) -> Q:
    """`mair*` starts with, `*lyon*` contains, `750*` starts with; no `*` means "contains"."""
    if WILDCARD not in term:
        return Q(**{f"{field}__icontains": term})
    pattern = "%".join(_escape_like(part) for part in term.split(WILDCARD))
    return Q(_ILikePattern(F(field), pattern))


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
    for token in _tokens(query):
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
    for field, term in (("raison_sociale", raison_sociale), ("ville", ville)):
        if search_key(term).replace(WILDCARD, "").strip():
            conditions &= _name_lookup(field, term)
    if code_postal.strip().replace(WILDCARD, ""):
        conditions &= _term_lookup("code_postal", code_postal.strip())
    if not conditions:
        return Structure.objects.none()
    structures = public_structures().filter(conditions)
    if active_only:
        structures = structures.filter(status=StructureStatus.ACTIVE)
    return structures.order_by("raison_sociale", "pk")


def active_services_of(structure: Structure) -> QuerySet[StructureService]:
    return StructureService.objects.filter(structure=structure, is_active=True).order_by("code")
