import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("pros", "0004_pro_proposals_blocked_until"),
    ]

    operations = [
        migrations.CreateModel(
            name="ScoreEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("answered", "Proposal answered"),
                            ("refused", "Proposal refused"),
                            ("expired", "Proposal left to expire"),
                            ("honoured", "Session honoured"),
                            ("late_cancel", "Session cancelled late"),
                            ("rating", "Rating received"),
                            ("rebooked", "Customer booked again"),
                            ("favourite", "Made a favourite"),
                        ],
                        max_length=16,
                    ),
                ),
                ("at", models.DateTimeField()),
                ("weighs", models.BooleanField(default=True)),
                ("value", models.IntegerField(blank=True, null=True)),
                ("allowed", models.IntegerField(blank=True, null=True)),
                ("ref", models.CharField(max_length=40)),
                ("data", models.JSONField(blank=True, default=dict)),
                (
                    "pro",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="score_events",
                        to="pros.pro",
                    ),
                ),
            ],
            options={
                "verbose_name": "score event",
                "verbose_name_plural": "score events",
                "indexes": [models.Index(fields=["pro", "at"], name="score_event_pro_at")],
                "constraints": [
                    models.UniqueConstraint(fields=("pro", "kind", "ref"), name="score_event_once")
                ],
            },
        ),
    ]
