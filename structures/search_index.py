"""SQLite's substring index of the searched structure columns: an FTS5 table with the trigram
tokenizer, kept by triggers (PostgreSQL uses pg_trgm GIN indexes instead, see the migrations).

SQLite cannot use a B-tree for `LIKE '%…%'`, so every annuaire search scanned 200,000 rows. The
table is (re)made after every `migrate` rather than in one migration: Django rebuilds a SQLite
table to alter one of its columns, which drops its triggers; `ensure` puts them back and
refills the index when they were missing.
"""

from django.db import connection

TABLE = "structures_structure_fts"
_CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS structures_structure_fts USING fts5("
    "search_name, search_city, identifier, code_postal, "
    "content='structures_structure', content_rowid='id', tokenize='trigram')"
)
_INSERT = (
    "INSERT INTO structures_structure_fts(rowid, search_name, search_city, identifier, code_postal) "
    "VALUES (new.id, new.search_name, new.search_city, new.identifier, new.code_postal);"
)
_DELETE = (
    "INSERT INTO structures_structure_fts"
    "(structures_structure_fts, rowid, search_name, search_city, identifier, code_postal) "
    "VALUES ('delete', old.id, old.search_name, old.search_city, old.identifier, old.code_postal);"
)
_TRIGGERS = {
    "structures_structure_fts_insert": f"AFTER INSERT ON structures_structure BEGIN {_INSERT} END",
    "structures_structure_fts_delete": f"AFTER DELETE ON structures_structure BEGIN {_DELETE} END",
    "structures_structure_fts_update": (
        "AFTER UPDATE OF search_name, search_city, identifier, code_postal ON structures_structure "
        f"BEGIN {_DELETE} {_INSERT} END"
    ),
}
_REBUILD = "INSERT INTO structures_structure_fts(structures_structure_fts) VALUES ('rebuild')"
_MATCH = "SELECT rowid FROM structures_structure_fts WHERE structures_structure_fts MATCH %s LIMIT %s"


def ensure(using="default", **_kwargs) -> None:
    """post_migrate: the table and its triggers exist; the index is refilled if any was missing."""
    from django.db import connections

    conn = connections[using]
    if conn.vendor != "sqlite":
        return
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') AND name LIKE %s",
            [f"{TABLE}%"],
        )
        present = {row[0] for row in cursor.fetchall()}
        if TABLE in present and present.issuperset(_TRIGGERS):
            return
        cursor.execute(_CREATE)
        for name, body in _TRIGGERS.items():
            cursor.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")
        cursor.execute(_REBUILD)


def candidates(segments: list[str], limit: int) -> list[int] | None:
    """Ids of the structures whose searched columns contain every segment (each of 3 characters
    or more, letters and digits only), at most `limit`; None when more match (or no index): a
    term that common is found as fast by reading the table in order."""
    if connection.vendor != "sqlite" or not segments:
        return None
    query = " AND ".join(f'"{segment}"' for segment in segments)
    with connection.cursor() as cursor:
        cursor.execute(_MATCH, [query, limit + 1])
        ids = [row[0] for row in cursor.fetchall()]
    return None if len(ids) > limit else ids
