"""Suspension is stored once: `status == "suspended"`. The `suspended_at` column goes.

Rows are converted, not dropped: a pro suspended by either field stays suspended (and out of
the dispatch index), and the moment the column held is kept as the "pro.suspended" audit row
that pros.selectors.suspended_since reads, when no such row exists yet.
"""

from django.db import migrations
from django.utils import timezone


def _subject(pk):
    return f"pros.pro:{pk}"


def forwards(apps, schema_editor):
    Pro = apps.get_model("pros", "Pro")
    ZoneCell = apps.get_model("pros", "ZoneCell")
    AuditEvent = apps.get_model("core", "AuditEvent")
    stray = list(
        Pro.objects.filter(suspended_at__isnull=False)
        .exclude(status="suspended")
        .values_list("pk", flat=True)
    )
    Pro.objects.filter(pk__in=stray).update(status="suspended")
    ZoneCell.objects.filter(pro_id__in=stray).update(dispatchable=False)
    suspended = Pro.objects.filter(status="suspended").values_list(
        "pk", "suspended_at", "suspension_reason"
    )
    for pk, suspended_at, reason in suspended:
        if not AuditEvent.objects.filter(action="pro.suspended", subject=_subject(pk)).exists():
            AuditEvent.objects.create(
                action="pro.suspended",
                subject=_subject(pk),
                created_at=suspended_at or timezone.now(),
                data={"reason": reason, "migrated": "pros.0002"},
            )


def backwards(apps, schema_editor):
    Pro = apps.get_model("pros", "Pro")
    AuditEvent = apps.get_model("core", "AuditEvent")
    for pro in Pro.objects.filter(status="suspended"):
        moment = (
            AuditEvent.objects.filter(action="pro.suspended", subject=_subject(pro.pk))
            .order_by("-created_at", "-id")
            .values_list("created_at", flat=True)
            .first()
        )
        Pro.objects.filter(pk=pro.pk).update(suspended_at=moment or timezone.now())


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_user_language"),
        ("pros", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="pro", name="suspended_at"),
    ]
