"""Chains the history rows already written (in pk order): each carries the SHA-256 of its
content and of the previous row of its chain."""

import django.utils.timezone
from django.db import migrations, models

from choruspro.history import rechain


# The hashed fields as they are at this migration, whatever the models become later.
CHAINS = {
    "DepositStatusChange": ("deposit_id", ("deposit_id", "from_status", "to_status", "note", "created_at")),
}


def chain_existing_rows(apps, schema_editor):
    for name, (chain_attname, hashed_attnames) in CHAINS.items():
        rechain(
            apps.get_model("deposits", name), chain_attname=chain_attname, hashed_attnames=hashed_attnames
        )


class Migration(migrations.Migration):
    dependencies = [
        ("deposits", "0002_read_format_labels"),
    ]

    operations = [
        migrations.AddField(
            model_name="depositstatuschange",
            name="previous_hash",
            field=models.CharField(
                default="", editable=False, max_length=64, verbose_name="empreinte de la ligne précédente"
            ),
        ),
        migrations.AddField(
            model_name="depositstatuschange",
            name="row_hash",
            field=models.CharField(
                default="", editable=False, max_length=64, verbose_name="empreinte SHA-256"
            ),
        ),
        migrations.AlterField(
            model_name="depositstatuschange",
            name="created_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="date"),
        ),
        migrations.RunPython(chain_existing_rows, migrations.RunPython.noop),
    ]
