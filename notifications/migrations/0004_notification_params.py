from django.db import migrations, models


class Migration(migrations.Migration):
    """Notifications stored as kind + parameters, rendered when shown (kinds.py)."""

    dependencies = [("notifications", "0003_calendar_feed")]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="params",
            field=models.JSONField(blank=True, default=dict, verbose_name="paramètres"),
        ),
    ]
