from django.db import migrations, models

# Identifiers and postcodes are searched with « contains » and `*` too; search_name and
# search_city got theirs in 0005. SQLite's equivalent is structures.search_index (post_migrate).
TRIGRAM_INDEXES = (
    ("structure_identifier_trgm", "identifier"),
    ("structure_code_postal_trgm", "code_postal"),
)


def trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in TRIGRAM_INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON structures_structure USING gin ({column} gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _column in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("structures", "0006_space_raccordement"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="structure",
            index=models.Index(fields=["kind", "search_name", "id"], name="structure_kind_name_order"),
        ),
        migrations.RunPython(trigram_indexes, drop_trigram_indexes),
    ]
