# Joins the accounts migrations written in parallel (the koordinator role; optimistic locking and the signing PIN).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0010_role_koordinator'),
        ('accounts', '0011_supervisor_signing_pin'),
    ]

    operations = [
    ]
