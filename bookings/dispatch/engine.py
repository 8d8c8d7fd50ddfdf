"""The dispatch engine: one step for one request (what the wake-up task runs), the sweep
(claimed batches, one set-based step each), and support's two levers (re-dispatch, bonus
proposals).

A step is safe to repeat: it works from the rows under the request lock, never from the
message that woke it. Its pipeline (`steps.advance`), in order: expire due proposals, lapse a
pro's session the customer did not confirm, close at the booking deadline, top the wave up to
the policy's size, flag (or close) when nobody is left, store the next due time and wake up
for it.
"""

import contextvars
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction

from bookings.dispatch import wakeups
from core import clock
from core.logging import bound_booking_request
from pros.models import Pro
from pros.scoring.record import expiries_recomputed_together

from .. import events, notifications
from ..errors import RequestUnavailable
from ..locking import lock_request
from ..models import BookingRequest, Proposal
from . import claims, steps
from .policy import wave_for

logger = logging.getLogger(__name__)

Status = BookingRequest.Status


def booking_request_advance(
    *, request_id: int, skip_locked: bool = False, only_if_due: bool = False
) -> bool:
    """One step of the engine for one request (tasks and the sweep call it; safe to repeat).
    Returns whether the request was processed (False: gone, locked by another transaction
    with `skip_locked`, or not due with `only_if_due`). The step itself is `steps.advance`."""
    with bound_booking_request(request_id), transaction.atomic():  # its id on every log line
        now = clock.now()
        request = claims.lock_for_step(request_id, now=now, skip_locked=skip_locked)
        if request is None:
            return False
        return steps.advance([request], now=now, only_if_due=only_if_due) == 1


def booking_request_wake(*, request_id: int) -> int:
    """A wake-up (the dispatch_request task): one step for this request if it is due (waiting
    for its lock) and, in the same set-based step, for up to DISPATCH_WAKE_BATCH other due
    requests nobody holds (SKIP LOCKED), soonest due first. Under a burst of wake-ups one
    transaction then serves many requests at a batch's fixed statement count, and the later
    wake-ups of those requests find them no longer due; a request is never stepped before its
    due time. Returns how many requests were processed."""
    with bound_booking_request(request_id), transaction.atomic():  # its id on every log line
        now = clock.now()
        request, others = claims.lock_for_wake(
            request_id, now=now, others=settings.DISPATCH_WAKE_BATCH
        )
        requests = ([request] if request is not None else []) + others
        if not requests:
            return 0
        return steps.advance(requests, now=now, only_if_due=True)


def booking_requests_advance(*, request_ids: list[int]) -> int:
    """One step for each of these requests that is due, in one transaction (the wake-up of a
    sweep batch); requests another transaction holds are skipped (the sweep covers them).
    Returns how many were processed."""
    with transaction.atomic():
        now = clock.now()
        requests = claims.lock_many(request_ids, now=now)
        return steps.advance(requests, now=now, only_if_due=True)


# --- the sweep ------------------------------------------------------------------------------


def dispatch_sweep(
    *, batch: int | None = None, max_batches: int | None = None, seconds: float | None = None
) -> int:
    """Every due request, in claimed batches (see `sweep_pass`). Returns how many ran."""
    return sweep_pass(batch=batch, max_batches=max_batches, seconds=seconds)[0]


def sweep_pass(
    *, batch: int | None = None, max_batches: int | None = None, seconds: float | None = None
) -> tuple[int, bool]:
    """Claim due requests in batches with SKIP LOCKED (an accept in progress is skipped, never
    waited for) and run one set-based step per batch, each batch in its own transaction, until
    none is due or the pass has used its time (DISPATCH_SWEEP_SECONDS, below the beat interval):
    then it yields and the next pass goes on. Returns (requests processed, whether nothing due
    was left). A batch that fails is retried request by request, so one broken request stops
    nothing; it stays due and this pass skips it.

    With DISPATCH_SWEEP_THREADS > 1 the pass claims batches from that many threads, each with
    its own database connection: a batch's statements wait on PostgreSQL about half of the
    time, and another batch's Python runs meanwhile. Claims are SKIP LOCKED, so two threads
    never hold the same request."""
    state = _Pass(
        batch=batch or settings.DISPATCH_SWEEP_BATCH,
        seconds=settings.DISPATCH_SWEEP_SECONDS if seconds is None else seconds,
        max_batches=max_batches,
        started=time.monotonic(),
    )
    threads = settings.DISPATCH_SWEEP_THREADS
    # The expired pros' scores: once per pass, each pro once (not once per batch).
    with expiries_recomputed_together():
        if threads <= 1:
            results = [_sweep_claims(state, claims.claim_due)]
        else:
            # Each thread runs in a copy of this context: the pass's set of expired pros (and
            # the log's request id) is the same object in all of them.
            contexts = [contextvars.copy_context() for _ in range(threads)]
            with ThreadPoolExecutor(threads, thread_name_prefix="sweep") as pool:
                results = list(
                    pool.map(lambda context: context.run(_sweep_thread, state), contexts)
                )
        # Once no batch of this pass is in flight: the stray expiries' claim selects by the
        # proposals' rows, which a batch committing meanwhile changes (it reads its requests'
        # state after locking them, `claims.claim_stray_expiries`, and this pass's own
        # batches then no longer compete for them).
        if all(finished for _done, finished in results):
            results.append(_sweep_claims(state, claims.claim_stray_expiries, once=True))
    return sum(done for done, _finished in results), all(finished for _done, finished in results)


@dataclass
class _Pass:
    """A sweep pass's budget, shared by its threads."""

    batch: int
    seconds: float
    max_batches: int | None
    started: float
    batches: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take_batch(self) -> bool:
        """Whether one more batch fits in the pass (time and batch count), counting it."""
        with self.lock:
            if time.monotonic() - self.started >= self.seconds or self.batches == self.max_batches:
                return False
            self.batches += 1
            return True


def _sweep_thread(state: _Pass) -> tuple[int, bool]:
    try:
        return _sweep_claims(state, claims.claim_due)
    finally:
        connection.close()  # this thread's own connection


def _sweep_claims(state: _Pass, claim, *, once: bool = False) -> tuple[int, bool]:
    """`claim`'s batches until it finds fewer than a batch (or after one batch, `once`) or the
    pass's budget is spent: (processed, finished). The requests a batch failed on are skipped
    by this thread's later claims."""
    processed, failed = 0, set()
    while True:
        if not state.take_batch():
            return processed, False
        done, claimed = _sweep_batch(claim, batch=state.batch, failed=failed)
        processed += done
        if claimed < state.batch or once:
            return processed, True


def _sweep_batch(claim, *, batch: int, failed: set) -> tuple[int, int]:
    """One claimed batch in one transaction. Returns (processed, claimed)."""
    ids = []
    try:
        with transaction.atomic():
            now = clock.now()
            requests = claim(now=now, limit=batch, exclude=failed)
            ids = [request.pk for request in requests]
            # A stray expiry a wake-up has just handled is no longer due: skipped.
            return steps.advance(requests, now=now, only_if_due=True), len(ids)
    except Exception:
        logger.exception("dispatch batch failed; retrying its %s requests one by one", len(ids))
    done = 0
    for request_id in ids:
        try:
            if booking_request_advance(request_id=request_id, skip_locked=True, only_if_due=True):
                done += 1
        except Exception:  # it stays due; the next pass tries again
            failed.add(request_id)
            logger.exception(
                "dispatch step failed for request %s",
                request_id,
                extra={"booking_request_id": request_id},
            )
    return done, len(ids)


# --- support's levers -----------------------------------------------------------------------


def booking_request_redispatch(*, request: BookingRequest, by) -> BookingRequest:
    """Support: take a flagged request out of the queue and look for candidates again now."""
    with transaction.atomic():
        request = lock_request(request.pk)
        if request.status != Status.DISPATCHING:
            raise RequestUnavailable()
        now = clock.now()
        request.flagged_at = None
        request.save(update_fields=["flagged_at"])
        events.request_redispatched(request=request, actor=by)
        wakeups.free_place(request, now=now)
        return request


def booking_request_send_bonus(*, request: BookingRequest, pros, by) -> list[Proposal]:
    """Support: send the request to chosen pros outside their settings (zone, hours,
    services). Bonus proposals do not take a place in the wave and count for neither score
    nor fairness; the booking still has to fit the pro's agenda when they accept. Pros who
    may not work (suspended) or were already asked are skipped."""
    with transaction.atomic():
        request = lock_request(request.pk)
        now = clock.now()
        if request.status != Status.DISPATCHING or now >= request.booking_deadline:
            raise RequestUnavailable()
        wave = wave_for(start=request.start, now=now)
        chosen = sorted({p.pk: p for p in pros}.values(), key=lambda p: p.pk)
        asked = set(request.proposals.values_list("pro_id", flat=True))
        may_work = set(
            Pro.objects.may_work()
            .filter(pk__in=[p.pk for p in chosen])
            .values_list("pk", flat=True)
        )
        created = []
        for pro in chosen:
            if pro.pk in asked or pro.pk not in may_work:
                continue
            proposal = Proposal.objects.create(
                request=request,
                pro=pro,
                is_bonus=True,
                sent_at=now,
                expires_at=now + wave.answer_time,
            )
            created.append(proposal)
            events.proposal_sent(request=request, proposal=proposal, wave=wave, actor=by)
            notifications.tell_pro_new_proposal(proposal, request)
        if created:
            expiry = now + wave.answer_time
            request.next_dispatch_at = min(filter(None, [request.next_dispatch_at, expiry]))
            request.save(update_fields=["next_dispatch_at"])
            wakeups.wake(request.pk, at=expiry, now=now)
        return created
