"""When a pro works: weekly hours (Paris wall-clock ranges) and days off."""

from collections import defaultdict
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit
from core.clock import today
from core.errors import InvalidInput
from core.text import clean_text

from ..errors import InvalidHours
from ..models import Pro, TimeOff, WorkingHours
from ..rules import validate_hour_ranges
from .status import lock_pro, pro_refresh_status


def weekday_label(day: int) -> str:
    return str(WorkingHours.Weekday(day).label)


def _follows_rule(ranges) -> bool:
    try:
        validate_hour_ranges(ranges)
    except InvalidHours:
        return False
    return True


def working_hours_problems(ranges) -> dict[int, list[str]]:
    """Every problem of `ranges` ((weekday, start, end) in Paris time) by weekday, each message
    naming its day, so a page shows them all at once. The rule itself is
    pros.rules.validate_hour_ranges: a range alone fails it only when its end is not after its
    start; a day whose ranges each pass but fail together has overlapping ranges."""
    by_day = defaultdict(list)
    for day, start, end in ranges:
        day = int(day)
        if not 0 <= day <= 6:
            raise InvalidHours(_("Unknown weekday."))
        by_day[day].append((start, end))
    problems = {}
    for day, day_ranges in sorted(by_day.items()):
        found = []
        for start, end in day_ranges:
            if not _follows_rule([(day, start, end)]):
                found.append(
                    _("%(day)s : la fin doit être après le début (%(start)s – %(end)s).")
                    % {
                        "day": weekday_label(day),
                        "start": start.strftime("%H:%M"),
                        "end": end.strftime("%H:%M"),
                    }
                )
        if not found and not _follows_rule([(day, start, end) for start, end in day_ranges]):
            found.append(_("%(day)s : deux plages se chevauchent.") % {"day": weekday_label(day)})
        if found:
            problems[day] = found
    return problems


def refuse_working_hours(problems: dict[int, list[str]]) -> InvalidHours:
    """The refusal for `problems`: one message naming the days, each day's messages under `day_<n>`."""
    days = ", ".join(weekday_label(day) for day in sorted(problems))
    return InvalidHours(
        _("Horaires à corriger : %(days)s.") % {"days": days},
        fields={f"day_{day}": messages for day, messages in problems.items()},
    )


@transaction.atomic
def pro_set_working_hours(*, pro: Pro, ranges, actor=None) -> Pro:
    """Replace the pro's weekly hours by `ranges`: (weekday 0=Monday, start, end) in Paris time.
    Refused with every problem at once (InvalidHours, fields `day_<n>`)."""
    ranges = list(ranges)
    problems = working_hours_problems(ranges)
    if problems:
        raise refuse_working_hours(problems)
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
