from django.db import migrations


def open_where_used(apps, schema_editor):
    """Structures that declared a raccordement before the space existed keep their access."""
    OpenedSpace = apps.get_model("structures", "OpenedSpace")
    ApiConnection = apps.get_model("api", "ApiConnection")
    EdiConnection = apps.get_model("api", "EdiConnection")
    used = set(ApiConnection.objects.values_list("structure_id", flat=True))
    used |= set(EdiConnection.objects.values_list("structure_id", flat=True))
    opened = set(
        OpenedSpace.objects.filter(space="RACCORDEMENT_EDI_API", service=None).values_list(
            "structure_id", flat=True
        )
    )
    OpenedSpace.objects.bulk_create(
        OpenedSpace(structure_id=structure_id, space="RACCORDEMENT_EDI_API") for structure_id in used - opened
    )


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_initial"),
        ("structures", "0006_space_raccordement"),
    ]

    operations = [migrations.RunPython(open_where_used, migrations.RunPython.noop)]
