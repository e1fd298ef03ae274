# The flag covers the three kinds of return (rejected, suspended, to recycle), not rejections only.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("invoices", "0005_history_append_only"),
    ]

    operations = [
        # The partial index's condition names the field: dropped first, made again on the new name.
        migrations.RemoveIndex(model_name="invoice", name="invoice_returned_unread"),
        migrations.RenameField(
            model_name="invoice", old_name="rejection_acknowledged", new_name="return_acknowledged"
        ),
        migrations.AlterField(
            model_name="invoice",
            name="return_acknowledged",
            field=models.BooleanField(default=False, verbose_name="retour pris en connaissance"),
        ),
        migrations.AddIndex(
            model_name="invoice",
            index=models.Index(
                condition=models.Q(
                    ("return_acknowledged", False), ("status__in", ["A_RECYCLER", "REJETEE", "SUSPENDUE"])
                ),
                fields=["supplier", "status_changed_at", "id"],
                name="invoice_returned_unread",
            ),
        ),
    ]
