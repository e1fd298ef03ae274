"""Chains the history rows already written (in pk order): each carries the SHA-256 of its
content and of the previous row of its chain."""

import django.utils.timezone
from django.db import migrations, models

from choruspro.history import rechain


# The hashed fields as they are at this migration, whatever the models become later.
CHAINS = {
    "InvoiceStatusChange": (
        "invoice_id",
        (
            "invoice_id",
            "from_status",
            "to_status",
            "transition",
            "actor_id",
            "structure_id",
            "reason",
            "payload",
            "created_at",
        ),
    ),
    "InvoiceUserAction": ("invoice_id", ("invoice_id", "action", "actor_id", "created_at")),
    "InvoiceEvent": ("invoice_id", ("invoice_id", "label", "who", "created_at")),
}


def chain_existing_rows(apps, schema_editor):
    for name, (chain_attname, hashed_attnames) in CHAINS.items():
        rechain(
            apps.get_model("invoices", name), chain_attname=chain_attname, hashed_attnames=hashed_attnames
        )


class Migration(migrations.Migration):
    dependencies = [
        ("invoices", "0003_list_partial_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="invoiceevent",
            name="previous_hash",
            field=models.CharField(
                default="", editable=False, max_length=64, verbose_name="empreinte de la ligne précédente"
            ),
        ),
        migrations.AddField(
            model_name="invoiceevent",
            name="row_hash",
            field=models.CharField(
                default="", editable=False, max_length=64, verbose_name="empreinte SHA-256"
            ),
        ),
        migrations.AddField(
            model_name="invoicestatuschange",
            name="previous_hash",
            field=models.CharField(
                default="", editable=False, max_length=64, verbose_name="empreinte de la ligne précédente"
            ),
        ),
        migrations.AddField(
            model_name="invoicestatuschange",
            name="row_hash",
            field=models.CharField(
                default="", editable=False, max_length=64, verbose_name="empreinte SHA-256"
            ),
        ),
        migrations.AddField(
            model_name="invoiceuseraction",
            name="previous_hash",
            field=models.CharField(
                default="", editable=False, max_length=64, verbose_name="empreinte de la ligne précédente"
            ),
        ),
        migrations.AddField(
            model_name="invoiceuseraction",
            name="row_hash",
            field=models.CharField(
                default="", editable=False, max_length=64, verbose_name="empreinte SHA-256"
            ),
        ),
        migrations.AlterField(
            model_name="invoiceevent",
            name="created_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="date"),
        ),
        migrations.AlterField(
            model_name="invoicestatuschange",
            name="created_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="date de passage"),
        ),
        migrations.AlterField(
            model_name="invoiceuseraction",
            name="created_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="date"),
        ),
        migrations.RunPython(chain_existing_rows, migrations.RunPython.noop),
    ]
