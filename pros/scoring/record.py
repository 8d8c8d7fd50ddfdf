"""Recording the facts the score reads. Each function is the hook one higher app calls where
the fact happens (inside its transaction): the event row is written at once (expiries: once
the engine's step commits), once per pro, kind and subject (a repeat records nothing), and the
pro's score is recomputed when the transaction commits, only when the fact weighs.

Bonus proposals (sent by support outside the pro's settings) are never recorded: they count
for nothing. Refusals are recorded (the pro's page counts them) but never weigh.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.db import transaction

from core.bulk import insert_rows
from core.instances import new

from ..models import ScoreEvent
from .compute import score_recompute, score_recompute_on_commit

Kind = ScoreEvent.Kind
logger = logging.getLogger(__name__)


# Pros whose expiries were recorded while `expiries_recomputed_together` is open (None: closed).
_expired_pros: ContextVar[set[int] | None] = ContextVar("expired_pros", default=None)

# How many pros one recompute statement covers when the block closes.
RECOMPUTE_CHUNK = 500


@contextmanager
def expiries_recomputed_together() -> Iterator[None]:
    """Within this block (a dispatch sweep pass: many batches, each its own transaction) the
    expiries' events are still written as each batch commits, but the pros' scores are
    recomputed after the block, each pro once, instead of once per batch: a pro whose
    proposals expire in many batches is recomputed once. The recompute is queued as its own
    tasks (`publish_recomputes`), so a pass hands its requests on without waiting for it (on a
    backlog it was a fifth of the pass). Until it has run the candidate query reads the score
    those pros had when the pass began. Queued even if the block ends with an error; the
    nightly run covers a crash."""
    if _expired_pros.get() is not None:  # nested: the outer block recomputes
        yield
        return
    pros: set[int] = set()
    token = _expired_pros.set(pros)
    try:
        yield
    finally:
        _expired_pros.reset(token)
        ids = sorted(pros)
        for start in range(0, len(ids), RECOMPUTE_CHUNK):
            publish_recomputes(ids[start : start + RECOMPUTE_CHUNK])


def publish_recomputes(pro_ids: list[int]) -> None:
    """Queue the recompute of these pros' scores (pros.tasks.recompute_scores_of); with the
    broker down it runs here rather than waiting for the night. Tests replace this function
    (tests/conftest.py) by the in-process recompute, so no test message reaches a broker."""
    from ..tasks import recompute_scores_of  # tasks import the scoring package

    try:
        recompute_scores_of.delay(pro_ids)
    except Exception:
        logger.exception("could not queue score recomputes; running them in-process")
        score_recompute(pro_ids=pro_ids)


def _seconds(delta) -> int:
    return max(0, round(delta.total_seconds()))


def _record(events: list[ScoreEvent]) -> None:
    """One INSERT for every event (a repeat of an existing one is ignored), then the weighing
    pros' scores on commit."""
    if not events:
        return
    insert_rows(ScoreEvent, events, ignore_conflicts=True)
    score_recompute_on_commit(event.pro_id for event in events if event.weighs)


def score_proposal_answered(*, proposal, refused: bool = False) -> None:
    """A pro answered a proposal (accept, another time, or refuse): how long they took out of
    the time given. `proposal`: bookings' Proposal (pk, pro_id, is_bonus, sent_at, answered_at,
    expires_at), already answered. A refusal never weighs."""
    if proposal.is_bonus:
        return
    answered_at = proposal.answered_at
    _record(
        [
            ScoreEvent(
                pro_id=proposal.pro_id,
                kind=Kind.REFUSED if refused else Kind.ANSWERED,
                at=answered_at,
                weighs=not refused,
                value=_seconds(answered_at - proposal.sent_at),
                allowed=_seconds(proposal.expires_at - proposal.sent_at),
                ref=f"proposal:{proposal.pk}",
            )
        ]
    )


def score_proposals_expired(*, proposals, at: datetime) -> None:
    """Proposals nobody answered in time (the dispatch engine's expiry, any number at once).
    `proposals`: objects with pk, pro_id and is_bonus (bookings' Proposal). Written in one
    INSERT once the engine's step commits, like its e-mails: the step's own statements stay
    what they are, and a step that rolls back records nothing."""
    events = [
        new(
            ScoreEvent,
            pro_id=proposal.pro_id,
            kind=Kind.EXPIRED,
            at=at,
            ref=f"proposal:{proposal.pk}",
        )
        for proposal in proposals
        if not proposal.is_bonus
    ]
    if not events:
        return
    deferred = _expired_pros.get()

    def record_committed():
        if deferred is None:
            _record(events)
            return
        insert_rows(ScoreEvent, events, ignore_conflicts=True)
        deferred.update(event.pro_id for event in events if event.weighs)

    transaction.on_commit(record_committed)


def score_session_honoured(*, pro_id: int, booking_id: int, at: datetime, outcome: str) -> None:
    """An accepted session the pro went to: declared done or customer absent (checkin), or a
    session without check-in that reached its end."""
    _record(
        [
            ScoreEvent(
                pro_id=pro_id,
                kind=Kind.HONOURED,
                at=at,
                ref=f"booking:{booking_id}",
                data={"outcome": outcome},
            )
        ]
    )


def score_late_cancellation(*, pro_id: int, booking_id: int, at: datetime) -> None:
    """The pro cancelled an accepted session late (checkin's rule: under 24 h)."""
    _record([ScoreEvent(pro_id=pro_id, kind=Kind.LATE_CANCEL, at=at, ref=f"booking:{booking_id}")])


def score_rating_received(*, pro_id: int, review_id: int, stars: int, at: datetime) -> None:
    """A customer rated a session (feedback)."""
    _record(
        [ScoreEvent(pro_id=pro_id, kind=Kind.RATING, at=at, value=stars, ref=f"review:{review_id}")]
    )


def score_rating_hidden(*, pro_id: int, review_id: int) -> None:
    """Support hid the review: its rating counts for nothing from now on."""
    _stop_weighing(pro_id=pro_id, kind=Kind.RATING, ref=f"review:{review_id}")


def score_rebooked(*, pro_id: int, booking_id: int, customer_id: int, at: datetime) -> None:
    """A customer the pro had served had another session with them through the platform
    (counted when that session is completed)."""
    _record(
        [
            ScoreEvent(
                pro_id=pro_id,
                kind=Kind.REBOOKED,
                at=at,
                ref=f"booking:{booking_id}",
                data={"customer": customer_id},
            )
        ]
    )


def score_favourite_set(*, pro_id: int, customer_id: int, favourite: bool, at: datetime) -> None:
    """A customer made the pro a favourite (counts once per customer, from that moment) or
    stopped (it no longer counts; made again, it counts again from then)."""
    ref = f"customer:{customer_id}"
    if not favourite:
        _stop_weighing(pro_id=pro_id, kind=Kind.FAVOURITE, ref=ref)
        return
    with transaction.atomic():
        again = ScoreEvent.objects.filter(
            pro_id=pro_id, kind=Kind.FAVOURITE, ref=ref, weighs=False
        ).update(weighs=True, at=at)
        if not again:
            ScoreEvent.objects.bulk_create(
                [ScoreEvent(pro_id=pro_id, kind=Kind.FAVOURITE, at=at, ref=ref)],
                ignore_conflicts=True,
            )
        score_recompute_on_commit([pro_id])


def _stop_weighing(*, pro_id: int, kind: str, ref: str) -> None:
    if ScoreEvent.objects.filter(pro_id=pro_id, kind=kind, ref=ref, weighs=True).update(
        weighs=False
    ):
        score_recompute_on_commit([pro_id])
