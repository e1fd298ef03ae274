"""Flags the structures the self-service sign-up created, so the operators can review the public ones.

The sign-up left no mark of its own; its trace is the STRUCTURE_CREATED audit row whose actor is a
non-staff account created moments before (register_user creates both in one transaction). The annuaire
import writes no audit row, and the operators are staff.
"""

from datetime import timedelta

from django.db import migrations, models

# Literal values as of this migration: later renames of the enums must not change what it did.
STRUCTURE_CREATED = "STRUCTURE_CREEE"
SIGNUP_WINDOW = timedelta(minutes=5)


def flag_signup_structures(apps, schema_editor):
    AuditLog = apps.get_model("structures", "AuditLog")
    Structure = apps.get_model("structures", "Structure")
    rows = AuditLog.objects.filter(
        action=STRUCTURE_CREATED, structure__isnull=False, actor__is_staff=False
    ).values_list("structure_id", "created_at", "actor__date_joined")
    ids = [pk for pk, created_at, joined in rows if abs(created_at - joined) <= SIGNUP_WINDOW]
    Structure.objects.filter(pk__in=ids).update(created_by_signup=True)


class Migration(migrations.Migration):
    dependencies = [
        ("structures", "0003_auditlog_append_only"),
    ]

    operations = [
        migrations.AddField(
            model_name="structure",
            name="created_by_signup",
            field=models.BooleanField(default=False, verbose_name="créée à l'inscription"),
        ),
        migrations.RunPython(flag_signup_structures, migrations.RunPython.noop),
    ]
