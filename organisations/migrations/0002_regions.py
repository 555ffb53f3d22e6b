from django.db import migrations


def forwards(apps, schema_editor):
    from organisations.regions import load_regions

    load_regions(apps.get_model("organisations", "Region"))


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
