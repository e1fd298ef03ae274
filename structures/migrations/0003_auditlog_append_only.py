"""The database itself refuses UPDATE and DELETE on the history rows (PostgreSQL triggers;
no-op elsewhere). Apart from the chain migration so that its UPDATEs run before the triggers."""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("structures", "0002_auditlog_chain"),
    ]

    operations = [
        pgtrigger.migrations.AddTrigger(
            model_name="auditlog",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="5be86fd630690357400d8f03fe179397b6aa0c58",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_append_only_eeaa8",
                    table="structures_auditlog",
                    when="BEFORE",
                ),
            ),
        ),
    ]
