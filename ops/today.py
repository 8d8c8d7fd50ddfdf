"""Support's "today" page: the vital signs for the Paris day, and the lists support works
through. Every figure carries the admin changelist that shows the rows behind it (the counters
count events as they happen; the list shows the rows as they are now, so a request confirmed
then cancelled is in the count and no longer in the "confirmed" list).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from bookings.selectors import flagged_requests
from checkin.models import SessionRecord
from core import clock, metrics
from payouts.models import Charge

from . import selectors

# "Past day 3": the session's day + 3 is over. Its deadline is 00:00 on day 6, so those whose
# deadline is at most two days after today's midnight.
DECLARATION_LATE_AFTER_DAYS = 3


@dataclass
class Figure:
    label: str
    value: object
    url: str = ""
    note: str = ""


@dataclass
class Section:
    title: str
    figures: list[Figure] = field(default_factory=list)


def changelist(model: str, **params) -> str:
    """The admin list of `model` ("app.model") filtered by `params`."""
    app, name = model.split(".")
    url = reverse(f"admin:{app}_{name}_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def _when(moment: datetime) -> str:
    return moment.isoformat()


def _sum_counter(fields: dict, name: str) -> int:
    return sum(value for key, value in fields.items() if key.split("|")[0] == name)


def _seconds_label(seconds: float) -> str:
    """SI units, the same in French and English ("45 s", "12 min", "3 h")."""
    seconds = int(seconds)
    if seconds < 120:
        return f"{seconds}\u00a0s"
    if seconds < 7200:
        return f"{seconds // 60}\u00a0min"
    return f"{seconds // 3600}\u00a0h"


def _today_section(counters: selectors.Counters, start: datetime, end: datetime) -> Section:
    day = counters.day
    created = _sum_counter(day, "requests_created")
    confirmed = _sum_counter(day, "requests_confirmed")
    unfulfilled = _sum_counter(day, "requests_unfulfilled")
    closed = confirmed + unfulfilled
    accepts = _sum_counter(day, "first_accept_count")
    accept_ms = _sum_counter(day, "first_accept_ms_sum")
    created_range = {"created_at__gte": _when(start), "created_at__lt": _when(end)}
    closed_range = {"closed_at__gte": _when(start), "closed_at__lt": _when(end)}
    answered_range = {"answered_at__gte": _when(start), "answered_at__lt": _when(end)}
    customer = {"origin__exact": "customer"}
    request_list = "bookings.bookingrequest"
    section = Section(_("Aujourd'hui"))
    section.figures = [
        Figure(
            _("Demandes créées"), created, changelist(request_list, **customer, **created_range)
        ),
        Figure(
            _("Demandes confirmées"),
            confirmed,
            changelist(request_list, **customer, status__exact="confirmed", **closed_range),
        ),
        Figure(
            _("Demandes sans pro"),
            unfulfilled,
            changelist(request_list, **customer, status__exact="unfulfilled", **closed_range),
        ),
        Figure(
            _("Taux de remplissage"),
            f"{100 * confirmed / closed:.0f}\u00a0%" if closed else "–",
            changelist(request_list, **customer, **closed_range),
            _("confirmées / (confirmées + sans pro)"),
        ),
        Figure(
            _("Délai moyen jusqu'à l'acceptation"),
            _seconds_label(accept_ms / 1000 / accepts) if accepts else "–",
            changelist(request_list, **customer, status__exact="confirmed", **closed_range),
        ),
        Figure(
            _("Propositions envoyées"),
            _sum_counter(day, "proposals_sent"),
            changelist("bookings.proposal", sent_at__gte=_when(start), sent_at__lt=_when(end)),
        ),
    ]
    for answer, label in (
        ("accepted", _("Propositions acceptées")),
        ("refused", _("Propositions refusées")),
        ("countered", _("Autres horaires proposés")),
    ):
        section.figures.append(
            Figure(
                label,
                day.get(metrics.field("proposals_answered", answer), 0),
                changelist("bookings.proposal", status__exact=answer, **answered_range),
            )
        )
    section.figures += [
        Figure(
            _("Propositions expirées"),
            _sum_counter(day, "proposals_expired"),
            changelist(
                "bookings.proposal",
                status__exact="expired",
                expires_at__gte=_when(start),
                expires_at__lt=_when(end),
            ),
        ),
        Figure(
            _("Paiements échoués"),
            _sum_counter(day, "charges_failed"),
            changelist(
                "payouts.charge",
                status__exact="failed",
                failed_at__gte=_when(start),
                failed_at__lt=_when(end),
            ),
        ),
    ]
    return section


def _now_section(counters: selectors.Counters, gauges, depths, now: datetime) -> Section:
    today = clock.paris_date(now)
    lag = gauges.lag_seconds
    section = Section(_("En ce moment"))
    section.figures = [
        # No link: no admin list shows who has the dashboard open (the active pros' list
        # counted something else).
        Figure(
            _("Pros connectés"),
            counters.online if counters.up else "–",
            note=_("tableau de bord ouvert (flux en direct)"),
        ),
        Figure(
            _("Retard du dispatch"),
            _seconds_label(lag["dispatch"]),
            changelist("bookings.bookingrequest", next_dispatch_at__lte=_when(now)),
        ),
        Figure(
            _("Retard du check-in"),
            _seconds_label(lag["checkin"]),
            changelist(
                "checkin.sessionrecord",
                outcome__exact="pending",
                declaration_deadline__lte=_when(now),
            ),
        ),
        Figure(
            _("Retard des paiements"),
            _seconds_label(lag["charges"]),
            changelist("payouts.charge", status__exact="due", due_on__lte=today.isoformat()),
        ),
        Figure(
            _("Webhooks en attente"),
            gauges.webhooks_pending,
            changelist("payouts.webhookevent", status__in="received,processing"),
        ),
    ]
    for queue, depth in (depths or {}).items():
        section.figures.append(
            Figure(
                _("File Celery « %(queue)s »") % {"queue": queue},
                depth,
                note=_("messages en attente"),
            )
        )
    return section


def _lists_section(gauges, now: datetime) -> Section:
    today = clock.paris_date(now)
    late_deadline = clock.start_of_paris_day(
        today + timedelta(days=6 - DECLARATION_LATE_AFTER_DAYS - 1)
    )
    pending_late = {
        "outcome__exact": "pending",
        "needs_declaration__exact": "1",
        "declaration_deadline__lte": _when(late_deadline),
    }
    section = Section(_("À traiter"))
    section.figures = [
        Figure(
            _("Demandes signalées"),
            flagged_requests().count(),
            changelist("bookings.flaggedbookingrequest"),
        ),
        Figure(
            _("Séances sans déclaration après le 3e jour"),
            SessionRecord.objects.filter(
                outcome="pending", needs_declaration=True, declaration_deadline__lte=late_deadline
            ).count(),
            changelist("checkin.sessionrecord", **pending_late),
        ),
        Figure(
            _("Paiements échoués définitivement"),
            Charge.objects.filter(status=Charge.Status.FAILED).count(),
            changelist("payouts.charge", status__exact="failed"),
        ),
        Figure(
            _("Paiements refusés, nouvel essai prévu"),
            Charge.objects.filter(status=Charge.Status.DUE, attempts__gte=1).count(),
            changelist("payouts.charge", status__exact="due", attempts__gte="1"),
        ),
        Figure(
            _("Virements retenus"),
            gauges.payouts_held,
            changelist("payouts.payout", status__exact="held"),
        ),
    ]
    return section


def today_page(*, now: datetime | None = None) -> dict:
    """The page's sections for the Paris day of `now`."""
    now = now or clock.now()
    day = clock.paris_date(now)
    start, end = selectors.day_window(day)
    counters = selectors.counters(day=day)
    gauges = selectors.database_gauges(now=now)
    try:
        depths = selectors.queue_depths()
    except Exception:  # noqa: BLE001 - the page shows the rest without the broker
        depths = None
    return {
        "day": day,
        "counters_up": counters.up,
        "broker_up": depths is not None,
        "sections": [
            _today_section(counters, start, end),
            _now_section(counters, gauges, depths, now),
            _lists_section(gauges, now),
        ],
    }
