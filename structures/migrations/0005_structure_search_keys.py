from django.db import migrations, models

from choruspro.text import search_key

TRIGRAM_INDEXES = (
    ("structure_search_name_trgm", "search_name"),
    ("structure_search_city_trgm", "search_city"),
)


def fill_search_keys(apps, schema_editor):
    Structure = apps.get_model("structures", "Structure")
    batch = []
    for structure in Structure.objects.only("raison_sociale", "ville").iterator(chunk_size=2000):
        structure.search_name, structure.search_city = search_key(structure.raison_sociale), search_key(structure.ville)
        batch.append(structure)
        if len(batch) == 2000:
            Structure.objects.bulk_update(batch, ["search_name", "search_city"])
            batch = []
    Structure.objects.bulk_update(batch, ["search_name", "search_city"])


def trigram_indexes(apps, schema_editor):
    """On PostgreSQL, `*lyon*` and « contains » searches use a trigram index; SQLite scans."""
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
        ("structures", "0004_structure_created_by_signup"),
    ]

    operations = [
        migrations.AddField(
            model_name="structure",
            name="search_city",
            field=models.CharField(blank=True, editable=False, max_length=100),
        ),
        migrations.AddField(
            model_name="structure",
            name="search_name",
            field=models.CharField(blank=True, editable=False, max_length=255),
        ),
        migrations.RunPython(fill_search_keys, migrations.RunPython.noop),
        migrations.RunPython(trigram_indexes, drop_trigram_indexes),
    ]
