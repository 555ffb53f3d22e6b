from django.db import migrations


class Migration(migrations.Migration):
    """The moved tables take the names of their new app."""

    dependencies = [
        ("accounts", "0004_approvedassessor_from_certificates"),
        ("certificates", "0003_assessors_moved_out"),
    ]

    operations = [
        migrations.AlterModelTable(name="approvedassessor", table=None),
        migrations.AlterModelTable(name="historicalapprovedassessor", table=None),
    ]
