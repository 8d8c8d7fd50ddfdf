"""When a pro works: weekly hours (Paris wall-clock ranges) and days off."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit
from core.clock import today
from core.errors import InvalidInput
from core.text import clean_text

from ..models import Pro, TimeOff, WorkingHours
from ..rules import validate_hour_ranges
from .status import lock_pro, pro_refresh_status


@transaction.atomic
def pro_set_working_hours(*, pro: Pro, ranges, actor=None) -> Pro:
    """Replace the pro's weekly hours by `ranges`: (weekday 0=Monday, start, end) in Paris time."""
    cleaned = validate_hour_ranges(ranges)
    pro = lock_pro(pro)
    WorkingHours.objects.filter(pro=pro).delete()
    WorkingHours.objects.bulk_create(
        WorkingHours(pro=pro, weekday=day, start_time=start, end_time=end)
        for day, start, end in cleaned
    )
    audit(
        action="pro.hours_set",
        subject=pro,
        actor=actor,
        data={
            "ranges": [[d, s.isoformat("minutes"), e.isoformat("minutes")] for d, s, e in cleaned]
        },
    )
    return pro_refresh_status(pro=pro, actor=actor)


@transaction.atomic
def time_off_add(
    *, pro: Pro, start_date: date, end_date: date, reason: str = "", actor=None
) -> TimeOff:
    reason = clean_text(reason, field="reason")
    if end_date < start_date:
        raise InvalidInput(
            _("The last day off must not be before the first."),
            fields={"end_date": [_("Before the start.")]},
        )
    if end_date < today():
        raise InvalidInput(
            _("These days are already past."), fields={"end_date": [_("In the past.")]}
        )
    pro = lock_pro(pro)
    entry = TimeOff.objects.create(
        pro=pro, start_date=start_date, end_date=end_date, reason=reason[:120]
    )
    audit(
        action="pro.time_off_added",
        subject=pro,
        actor=actor,
        data={"id": entry.pk, "start": start_date.isoformat(), "end": end_date.isoformat()},
    )
    return entry


@transaction.atomic
def time_off_delete(*, pro: Pro, time_off_id: int, actor=None) -> None:
    pro = lock_pro(pro)
    deleted, _rows = TimeOff.objects.filter(pro=pro, pk=time_off_id).delete()
    if deleted:
        audit(action="pro.time_off_deleted", subject=pro, actor=actor, data={"id": time_off_id})
