"""The database itself refuses UPDATE and DELETE on the history rows (PostgreSQL triggers;
no-op elsewhere). Apart from the chain migration so that its UPDATEs run before the triggers."""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("invoices", "0004_history_chain"),
    ]

    operations = [
        pgtrigger.migrations.AddTrigger(
            model_name="invoiceevent",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="cca899dfd766a0d6b5433760176121369b250fc9",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_append_only_57dc8",
                    table="invoices_invoiceevent",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="invoicestatuschange",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="d151e0f6d135c07be30b86bdb1b97426b5fbea91",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_append_only_378e4",
                    table="invoices_invoicestatuschange",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="invoiceuseraction",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="3b363b9b93acc06e28507b76568ec757d6132104",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_append_only_c74cf",
                    table="invoices_invoiceuseraction",
                    when="BEFORE",
                ),
            ),
        ),
    ]
