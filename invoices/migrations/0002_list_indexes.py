from django.conf import settings
from django.db import migrations, models

# PostgreSQL only: the number criterion is a prefix search (UPPER(number) LIKE 'X%'), which needs
# the text_pattern_ops operator class; and the planner must know that a recipient service belongs
# to one recipient, or it underestimates a service's invoices tenfold and sorts them all.
POSTGRESQL_ONLY = (
    (
        "CREATE INDEX IF NOT EXISTS invoice_supplier_number "
        "ON invoices_invoice (supplier_id, (UPPER(number::text)) text_pattern_ops)",
        "DROP INDEX IF EXISTS invoice_supplier_number",
    ),
    (
        "CREATE INDEX IF NOT EXISTS invoice_recipient_number "
        "ON invoices_invoice (recipient_id, (UPPER(number::text)) text_pattern_ops)",
        "DROP INDEX IF EXISTS invoice_recipient_number",
    ),
    (
        "CREATE STATISTICS IF NOT EXISTS invoice_recipient_service_dep (dependencies) "
        "ON recipient_id, recipient_service_id FROM invoices_invoice",
        "DROP STATISTICS IF EXISTS invoice_recipient_service_dep",
    ),
)


def create_postgresql_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for create, _drop in POSTGRESQL_ONLY:
            schema_editor.execute(create)


def drop_postgresql_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for _create, drop in POSTGRESQL_ONLY:
            schema_editor.execute(drop)


class Migration(migrations.Migration):

    dependencies = [
        ('invoices', '0001_initial'),
        ('structures', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='invoice',
            index=models.Index(fields=['supplier', 'deposited_at', 'id'], name='invoice_supplier_deposited'),
        ),
        migrations.AddIndex(
            model_name='invoice',
            index=models.Index(fields=['recipient', 'deposited_at', 'id'], name='invoice_recipient_deposited'),
        ),
        migrations.AddIndex(
            model_name='invoice',
            index=models.Index(fields=['recipient_service', 'deposited_at', 'id'], name='invoice_service_deposited'),
        ),
        migrations.AddIndex(
            model_name='invoice',
            index=models.Index(fields=['supplier', 'total_ttc', 'id'], name='invoice_supplier_ttc'),
        ),
        migrations.AddIndex(
            model_name='invoice',
            index=models.Index(fields=['recipient', 'total_ttc', 'id'], name='invoice_recipient_ttc'),
        ),
        migrations.AddIndex(
            model_name='invoice',
            index=models.Index(condition=models.Q(('status__in', ['A_RECYCLER', 'BROUILLON', 'DEPOSEE', 'EN_COURS_ACHEMINEMENT', 'MISE_A_DISPOSITION', 'SUSPENDUE'])), fields=['supplier', 'deposited_at', 'id'], name='invoice_supplier_to_handle'),
        ),
        migrations.AddIndex(
            model_name='invoice',
            index=models.Index(condition=models.Q(('status__in', ['COMPLETEE', 'MISE_A_DISPOSITION'])), fields=['recipient', 'deposited_at', 'id'], name='invoice_recipient_to_handle'),
        ),
        migrations.AddIndex(
            model_name='invoice',
            index=models.Index(condition=models.Q(('rejection_acknowledged', False), ('status__in', ['A_RECYCLER', 'REJETEE', 'SUSPENDUE'])), fields=['supplier', 'status_changed_at', 'id'], name='invoice_returned_unread'),
        ),
        migrations.RunPython(create_postgresql_only, drop_postgresql_only),
    ]
