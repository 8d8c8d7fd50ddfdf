from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("notifications", "0005_legacy_text")]

    operations = [
        # Defaults first, so that reversing this migration can add the columns back.
        migrations.AlterField(
            model_name="notification",
            name="title",
            field=models.CharField(default="", max_length=200),
        ),
        migrations.AlterField(
            model_name="notification", name="body", field=models.TextField(blank=True, default="")
        ),
        migrations.RemoveField(model_name="notification", name="title"),
        migrations.RemoveField(model_name="notification", name="body"),
    ]
