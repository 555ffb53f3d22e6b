from django.db import migrations


class Migration(migrations.Migration):
    """NotificationSetting now lives in accounts (state only: the same table)."""

    dependencies = [
        ("notifications", "0001_initial"),
        ("accounts", "0006_notificationsetting_from_notifications"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="NotificationSetting")],
            database_operations=[],
        ),
    ]
