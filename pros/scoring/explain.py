"""The score explained, for the pro's My score page, their API and support's admin page: the
number, each component with what it counts in plain words and what would raise it, and the
last 12 weeks. Everything is read off the one SQL formula (compute.score_rows)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import clock

from .compute import score_rows

HISTORY_WEEKS = 12


@dataclass(frozen=True)
class Component:
    key: str  # responsiveness | reliability | rating | loyalty
    title: str
    value: int  # 0-100
    weight: int  # percent of the score
    counts: str  # what it counted, in plain words
    raise_it: str  # what would raise it
    is_best_lever: bool = False

    @property
    def room(self) -> int:
        """Points of score this part could still bring (at 100)."""
        return round(self.weight * (100 - self.value) / 100)


@dataclass(frozen=True)
class WeekPoint:
    at: datetime
    score: int


@dataclass(frozen=True)
class ScoreExplained:
    score: int  # what dispatch uses now (the pro's stored score)
    is_neutral: bool  # too few events yet: the neutral score
    events: int  # weighing events in the window
    min_events: int
    neutral_score: int
    window_days: int
    refused: int
    components: list[Component]
    history: list[WeekPoint]  # oldest first, the last one now
    facts: dict  # the counts behind the components (API)

    @property
    def best_lever(self) -> Component | None:
        return next((c for c in self.components if c.is_best_lever), None)


def _duration(seconds) -> str:
    seconds = round(float(seconds or 0))
    if seconds < 60:
        return _("less than a minute")
    minutes = round(seconds / 60)
    if minutes < 60:
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    hours, rest = divmod(minutes, 60)
    return _("%(h)d h %(m)02d") % {"h": hours, "m": rest}


def _stars(value) -> str:
    return number_format(round(float(value), 1), decimal_pos=1)


def _responsiveness(row) -> tuple[str, str]:
    proposals, answered = row["proposals"], row["answered"]
    if proposals:
        counts = ngettext(
            "You answered %(answered)d of %(proposals)d proposal",
            "You answered %(answered)d of %(proposals)d proposals",
            proposals,
        ) % {"answered": answered, "proposals": proposals}
        if answered:
            counts += ", " + _("in %(time)s on average") % {
                "time": _duration(row["answer_seconds"])
            }
        counts += "."
    else:
        counts = _("No proposal answered or left to expire in this period.")
    if row["refused"]:
        counts += " " + ngettext(
            "You refused %(n)d: refusals never count.",
            "You refused %(n)d: refusals never count.",
            row["refused"],
        ) % {"n": row["refused"]}
    raise_it = _(
        "Answer every proposal as soon as you see it: accept, propose another time or refuse. "
        "Refusing never lowers your score; a proposal left to expire does."
    )
    return counts, raise_it


def _reliability(row) -> tuple[str, str]:
    honoured, late = row["honoured"], row["late_cancels"]
    if honoured or late:
        counts = ngettext("You honoured %(n)d session", "You honoured %(n)d sessions", honoured) % {
            "n": honoured
        }
        counts += "; " + ngettext(
            "%(n)d cancelled less than 24 hours before.",
            "%(n)d cancelled less than 24 hours before.",
            late,
        ) % {"n": late}
    else:
        counts = _("No session in this period.")
    raise_it = _(
        "Go to every session you accept. If you really must cancel, warn us as early as "
        "possible: a cancellation more than 24 hours before does not count."
    )
    return counts, raise_it


def _rating(row) -> tuple[str, str]:
    prior = settings.SCORE_RATING_PRIOR_STARS
    prior_reviews = settings.SCORE_RATING_PRIOR_REVIEWS
    if row["ratings"]:
        counts = ngettext(
            "Average %(average)s stars from %(n)d review",
            "Average %(average)s stars from %(n)d reviews",
            row["ratings"],
        ) % {"average": _stars(row["stars"] / row["ratings"]), "n": row["ratings"]}
        counts += ", " + _("counted as %(counted)s.") % {"counted": _stars(row["rating_stars"])}
    else:
        counts = _("No review yet: counted as %(prior)s stars.") % {"prior": _stars(prior)}
    counts += " " + _(
        "Every pro starts with %(n)d reviews of %(prior)s stars, so one review does not "
        "swing the score; %(prior)s is the middle of this part, 5 stars the top."
    ) % {"n": prior_reviews, "prior": _stars(prior)}
    raise_it = _(
        "Excellent sessions. After each one the customer is invited to rate it; about 1 "
        "customer in 3 does."
    )
    return counts, raise_it


def _loyalty(row) -> tuple[str, str]:
    counts = ngettext(
        "%(n)d session with a customer who booked you again",
        "%(n)d sessions with customers who booked you again",
        row["rebooked"],
    ) % {"n": row["rebooked"]}
    counts += "; " + ngettext(
        "%(n)d customer made you a favourite.",
        "%(n)d customers made you a favourite.",
        row["favourites"],
    ) % {"n": row["favourites"]}
    raise_it = _(
        "Customers who book you again through Wecasa (they find you among their past pros) "
        "or make you a favourite. A customer who books you outside Wecasa brings nothing here."
    )
    return counts, raise_it


_PARTS = (
    ("responsiveness", "responsiveness_c", _responsiveness),
    ("reliability", "reliability_c", _reliability),
    ("rating", "rating_c", _rating),
    ("loyalty", "loyalty", _loyalty),
)


def _titles() -> dict:
    return {
        "responsiveness": _("Answering proposals"),
        "reliability": _("Honouring sessions"),
        "rating": _("Customer ratings"),
        "loyalty": _("Customers who come back"),
    }


def score_explained(pro, *, now: datetime | None = None) -> ScoreExplained:
    """The pro's score explained (one statement: the 12 weekly points, the last one now)."""
    now = now or clock.now()
    moments = [now - timedelta(weeks=HISTORY_WEEKS - 1 - i) for i in range(HISTORY_WEEKS)]
    rows = score_rows(pro_id=pro.pk, moments=moments)
    row = rows[-1]
    weights = settings.SCORE_WEIGHTS
    titles = _titles()
    values = {key: round(float(row[column])) for key, column, _words in _PARTS}
    # The best lever: the part whose gap to 100 costs the most points of score.
    lever = max(values, key=lambda key: weights[key] * (100 - values[key]))
    components = []
    for key, _column, words in _PARTS:
        counts, raise_it = words(row)
        components.append(
            Component(
                key=key,
                title=titles[key],
                value=values[key],
                weight=weights[key],
                counts=counts,
                raise_it=raise_it,
                is_best_lever=key == lever and values[key] < 100 and weights[key] > 0,
            )
        )
    return ScoreExplained(
        score=pro.score,
        is_neutral=row["events"] < settings.SCORE_MIN_EVENTS,
        events=row["events"],
        min_events=settings.SCORE_MIN_EVENTS,
        neutral_score=settings.PRO_DEFAULT_SCORE,
        window_days=settings.SCORE_WINDOW_DAYS,
        refused=row["refused"],
        components=components,
        history=[WeekPoint(at=r["as_of"], score=r["score"]) for r in rows],
        facts=_facts(row),
    )


def _facts(row) -> dict:
    return {
        "proposals": row["proposals"],
        "answered": row["answered"],
        "expired": row["expired"],
        "refused": row["refused"],
        "average_answer_seconds": (
            None if row["answer_seconds"] is None else round(float(row["answer_seconds"]))
        ),
        "honoured": row["honoured"],
        "late_cancellations": row["late_cancels"],
        "ratings": row["ratings"],
        "average_rating": (round(row["stars"] / row["ratings"], 2) if row["ratings"] else None),
        "counted_rating": round(float(row["rating_stars"]), 2),
        "rebooked": row["rebooked"],
        "favourites": row["favourites"],
    }
