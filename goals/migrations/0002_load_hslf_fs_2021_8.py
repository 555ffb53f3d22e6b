"""Load the 18 BT delmål of HSLF-FS 2021:8 from the rules module's data files."""

from django.db import migrations


def forwards(apps, schema_editor):
    from goals.models import sync_goals_from_rules

    sync_goals_from_rules(apps.get_model("goals", "Goal"), "HSLF-FS 2021:8")


def backwards(apps, schema_editor):
    apps.get_model("goals", "Goal").objects.filter(regulation="HSLF-FS 2021:8").delete()


class Migration(migrations.Migration):
    dependencies = [("goals", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
