from django.db import migrations


class Migration(migrations.Migration):
    """The moved tables take the names of their new app."""

    dependencies = [
        ("trainees", "0004_assessorassignment_from_certificates"),
        ("certificates", "0003_assessors_moved_out"),
    ]

    operations = [
        migrations.AlterModelTable(name="assessorassignment", table=None),
        migrations.AlterModelTable(name="historicalassessorassignment", table=None),
    ]
