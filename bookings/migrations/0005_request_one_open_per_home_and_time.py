"""One open booking request per home and time (issue 7, item 11): an exclusion constraint on
(customer, address, [start, end)) over open requests (dispatching, awaiting_customer).

Rows that would violate it (a retried POST that created a second request) are closed first:
of overlapping open requests of one customer at one address, the first created stays; each
later one is cancelled (`duplicate_request`), its sent proposals withdrawn and its open
counter-offers lapsed, each with its timeline row. No message is sent from a migration: the
pros' lists drop the withdrawn proposals on their next refresh.
"""

import django.contrib.postgres.constraints
import django.contrib.postgres.fields.ranges
from django.db import migrations, models
from django.utils import timezone

OPEN = ("dispatching", "awaiting_customer")
REASON = "duplicate_request"


def close_duplicates(apps, schema_editor):
    BookingRequest = apps.get_model("bookings", "BookingRequest")
    Proposal = apps.get_model("bookings", "Proposal")
    CounterOffer = apps.get_model("bookings", "CounterOffer")
    BookingEvent = apps.get_model("bookings", "BookingEvent")
    now = timezone.now()
    kept = {}  # (customer, address) -> [(start, end)] of the requests that stay open
    rows = BookingRequest.objects.filter(status__in=OPEN).order_by(
        "customer_id", "address_id", "created_at", "id"
    )
    for request in rows.only("id", "customer_id", "address_id", "start", "end"):
        home = (request.customer_id, request.address_id)
        ranges = kept.setdefault(home, [])
        if not any(start < request.end and request.start < end for start, end in ranges):
            ranges.append((request.start, request.end))
            continue
        migrated = {"reason": REASON, "migrated": "bookings.0005"}
        for proposal in Proposal.objects.filter(request_id=request.pk, status="sent"):
            Proposal.objects.filter(pk=proposal.pk).update(status="withdrawn", answered_at=now)
            BookingEvent.objects.create(
                request_id=request.pk,
                kind="proposal_withdrawn",
                data={"proposal": proposal.pk, "pro": proposal.pro_id, **migrated},
                created_at=now,
            )
        for counter in CounterOffer.objects.filter(request_id=request.pk, status="open"):
            CounterOffer.objects.filter(pk=counter.pk).update(status="lapsed", answered_at=now)
            BookingEvent.objects.create(
                request_id=request.pk,
                kind="counter_offer_lapsed",
                data={"counter_offer": counter.pk, "pro": counter.pro_id, **migrated},
                created_at=now,
            )
        BookingRequest.objects.filter(pk=request.pk).update(
            status="cancelled",
            cancel_reason=REASON,
            closed_at=now,
            next_dispatch_at=None,
            flagged_at=None,
        )
        BookingEvent.objects.create(
            request_id=request.pk, kind="request_cancelled", data=migrated, created_at=now
        )


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0004_request_excluded_pro"),
        ("customers", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(close_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="bookingrequest",
            constraint=django.contrib.postgres.constraints.ExclusionConstraint(
                condition=models.Q(("status__in", ["dispatching", "awaiting_customer"])),
                expressions=[
                    ("customer", "="),
                    ("address", "="),
                    (
                        models.Func(
                            models.F("start"),
                            models.F("end"),
                            function="TSTZRANGE",
                            output_field=django.contrib.postgres.fields.ranges.DateTimeRangeField(),
                        ),
                        "&&",
                    ),
                ],
                name="request_one_open_per_home_and_time",
            ),
        ),
    ]
