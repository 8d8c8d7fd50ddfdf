"""The pro score (PRODUCT.md section 6): computed from what pros do, explained to them,
driving dispatch (Pro.score, copied onto the ZoneCell rows the candidate query walks).

  record.py   the hooks higher apps call where a fact happens (bookings: answers, expiries,
              rebookings, favourites; checkin: sessions honoured, late cancellations;
              feedback: ratings); one ScoreEvent row each, the score recomputed on commit
  compute.py  the one formula, in SQL, for one pro, a chunk of pros, or one pro's weeks
  explain.py  the score in plain words (My score page, API, admin)
  chart.py    the 12-week SVG chart
  nightly.py  every pro again (events leave the window by time alone): beat and
              `manage.py recompute_scores`
  demo.py     twelve weeks of history for the demo pros (seed_demo)
The weights and rules are settings (SCORE_*, wecasa/settings/domain.py) and in the README.
"""

from .compute import Recomputed, score_recompute, score_recompute_range, score_rows
from .explain import ScoreExplained, score_explained
from .record import (
    score_favourite_set,
    score_late_cancellation,
    score_proposal_answered,
    score_proposals_expired,
    score_rating_hidden,
    score_rating_received,
    score_rebooked,
    score_session_honoured,
)

__all__ = [
    "Recomputed",
    "ScoreExplained",
    "score_explained",
    "score_favourite_set",
    "score_late_cancellation",
    "score_proposal_answered",
    "score_proposals_expired",
    "score_rating_hidden",
    "score_rating_received",
    "score_rebooked",
    "score_recompute",
    "score_recompute_range",
    "score_rows",
    "score_session_honoured",
]
