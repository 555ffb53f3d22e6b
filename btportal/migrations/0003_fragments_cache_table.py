"""Create the `fragments` cache table (rendered parts of pages, btportal/home.py) on databases migrated
before it existed; `createcachetable` skips the tables that are there."""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("btportal", "0002_jobs_cache_table")]
    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
