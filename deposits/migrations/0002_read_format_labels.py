
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('deposits', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='deposititem',
            name='format',
            field=models.CharField(blank=True, choices=[('pdf', 'PDF'), ('facturx', 'Factur-X'), ('cii', 'XML CII'), ('ubl', 'XML UBL')], max_length=10, verbose_name='format reconnu'),
        ),
    ]
