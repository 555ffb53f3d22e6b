from django.db import migrations


class Migration(migrations.Migration):
    """The moved table takes the name of its new app."""

    dependencies = [
        ("accounts", "0006_notificationsetting_from_notifications"),
        ("notifications", "0002_notificationsetting_moved_to_accounts"),
    ]

    operations = [
        migrations.AlterModelTable(name="notificationsetting", table=None),
    ]
