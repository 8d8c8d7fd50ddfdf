"""Rows recorded as rendered text keep that text as their parameters (`{"legacy": {...}}`),
shown as is: their parameters were never stored, so they cannot be re-rendered."""

from django.db import migrations

BATCH = 2000


def text_to_legacy_params(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    rows = Notification.objects.filter(params={}).only("pk", "title", "body").order_by("pk")
    batch = []
    for row in rows.iterator(chunk_size=BATCH):
        row.params = {"legacy": {"title": row.title, "body": row.body}}
        batch.append(row)
        if len(batch) >= BATCH:
            Notification.objects.bulk_update(batch, ["params"])
            batch = []
    if batch:
        Notification.objects.bulk_update(batch, ["params"])


def legacy_params_to_text(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    for row in Notification.objects.exclude(params={}).iterator(chunk_size=BATCH):
        legacy = row.params.get("legacy") or {}
        row.title = str(legacy.get("title") or row.kind)[:200]
        row.body = str(legacy.get("body") or "")
        row.save(update_fields=["title", "body"])


class Migration(migrations.Migration):
    dependencies = [("notifications", "0004_notification_params")]

    operations = [migrations.RunPython(text_to_legacy_params, legacy_params_to_text)]
