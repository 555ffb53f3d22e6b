# The record version keyed by the BT-läkare's id without a relation (derived data, not part of the
# record the record archive carries). The table is made again: its rows are derived (a missing row
# is version 0, and the facts stored from versions start afresh with it).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("trainees", "0010_record_version"),
    ]

    operations = [
        migrations.DeleteModel(name="TraineeRecordVersion"),
        migrations.CreateModel(
            name="TraineeRecordVersion",
            fields=[
                ("trainee_id", models.PositiveBigIntegerField(primary_key=True, serialize=False)),
                ("version", models.PositiveBigIntegerField(default=0)),
                ("changed_at", models.DateTimeField()),
            ],
        ),
    ]
