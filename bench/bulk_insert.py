"""Bulk insert benchmark (`make bench`, after bench/sweep.py, whose database it reuses): the
rows a dispatch sweep batch writes (250 new-proposal notifications and 250 timeline events) by
Django's `bulk_create` and by `core.bulk.insert_rows` (rows as one JSON document), interleaved,
each in a transaction rolled back. Prints the medians and their ratio; not part of the tests.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

os.environ.setdefault("BENCH_QUEUE", "bench-bulk")
import dispatch  # noqa: E402, F401  (sets up Django on the bench database)
from django.db import transaction  # noqa: E402

from bookings.models import BookingEvent, BookingRequest  # noqa: E402
from core import clock  # noqa: E402
from core.bulk import insert_rows  # noqa: E402
from core.models import User  # noqa: E402
from notifications.models import Notification  # noqa: E402

ROWS = int(os.environ.get("BENCH_BULK_ROWS", "250"))
REPEATS = int(os.environ.get("BENCH_BULK_REPEATS", "15"))


def notifications(user):
    return [
        Notification(
            user=user,
            kind="proposal_new",
            params={
                "service": {"fr": "Ménage", "en": "Cleaning"},
                "start": "2026-03-05T10:00:00+01:00",
                "net_cents": 4200,
                "expires": "2026-03-05T09:00:00+01:00",
            },
            url="/pro/",
            data={"proposal": i, "request": 7},
            expires_at=clock.now(),
            urgent=True,
        )
        for i in range(ROWS)
    ]


def events(request):
    return [
        BookingEvent(
            request=request,
            kind="proposal_sent",
            data={
                "proposal": i,
                "pro": 3,
                "rank": 2,
                "score": 50,
                "distance_m": 1200,
                "expires_at": "2026-03-05T09:00:00+01:00",
                "wave_size": 1,
                "answer_seconds": 900,
            },
        )
        for i in range(ROWS)
    ]


def main():
    user, request = User.objects.first(), BookingRequest.objects.first()
    if user is None or request is None:
        sys.exit("no data: run bench/sweep.py first")
    print(f"{ROWS} rows per insert, medians of {REPEATS} (interleaved, rolled back):")
    for label, make, model in (
        ("notifications", lambda: notifications(user), Notification),
        ("timeline events", lambda: events(request), BookingEvent),
    ):
        times = {"bulk_create": [], "insert_rows": []}
        for _ in range(REPEATS):
            for way in times:
                objs = make()
                with transaction.atomic():
                    began = time.perf_counter()
                    if way == "bulk_create":
                        model.objects.bulk_create(objs)
                    else:
                        insert_rows(model, objs)
                    times[way].append(time.perf_counter() - began)
                    transaction.set_rollback(True)
        old, new = (statistics.median(times[way]) * 1000 for way in ("bulk_create", "insert_rows"))
        print(
            f"  {label:16s} bulk_create {old:6.2f} ms   insert_rows {new:6.2f} ms   x{new / old:.2f}"
        )


if __name__ == "__main__":
    main()
