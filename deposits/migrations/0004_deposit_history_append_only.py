"""The database itself refuses UPDATE and DELETE on the history rows (PostgreSQL triggers;
no-op elsewhere). Apart from the chain migration so that its UPDATEs run before the triggers."""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("deposits", "0003_deposit_history_chain"),
    ]

    operations = [
        pgtrigger.migrations.AddTrigger(
            model_name="depositstatuschange",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="1955c410b4f31a4bee6968e257c7484bfd0e6946",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_append_only_82faa",
                    table="deposits_depositstatuschange",
                    when="BEFORE",
                ),
            ),
        ),
    ]
