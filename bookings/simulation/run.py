"""The event loop of a simulation, on a simulated clock (`django.utils.timezone.now`, which
`core.clock.now` reads, is patched for the run). Everything goes through the real code: the
request service, the engine's steps (what the wake-ups and the sweep run, called here at each
request's due time), the pros' accept and refuse services. The caller runs it inside a
transaction it rolls back (the command) or a test's; nothing on commit ever runs (no e-mail,
no broker message, no score recompute: scores stay what they were for the simulated day)."""

import heapq
import itertools
import random
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from unittest import mock

from django.db.models import Min

from core.errors import DomainError

from .. import services
from ..dispatch.engine import booking_request_advance
from ..errors import ProposalUnavailable
from ..models import Booking, BookingRequest, Proposal
from .world import Behaviour


@dataclass
class SimulatedRequest:
    created_at: datetime
    customer: object
    address: object
    service: object
    start: datetime
    request_id: int | None = None
    refused: str = ""  # the creation's refusal code (e.g. no_pro_in_area)


@dataclass
class Simulation:
    """What happened: per request its confirmation time, per pro their proposals, and the
    answers the simulated pros gave."""

    requests: list[SimulatedRequest]
    pool: list[int]  # the pros whose proposals are counted (the Gini's population)
    confirmed_at: dict = field(default_factory=dict)  # request id -> moment
    proposals_per_pro: Counter = field(default_factory=Counter)
    answers: Counter = field(default_factory=Counter)  # accepted, refused, expired, ...
    no_longer_available: int = 0  # accepts that found the proposal taken by another pro
    steps: int = 0  # engine steps run


class SimClock:
    """The simulated now: `django.utils.timezone.now` (hence core.clock.now) returns it."""

    def __init__(self, start: datetime):
        self.now = start

    @contextmanager
    def running(self):
        with mock.patch("django.utils.timezone.now", side_effect=lambda: self.now):
            yield self


def simulate(
    *,
    requests: list[SimulatedRequest],
    behaviours: dict,
    default: Behaviour,
    pool: list[int],
    seed: int = 1,
) -> Simulation:
    """Replay `requests` (created at their `created_at`) until every one is closed."""
    rng = random.Random(seed)
    outcome = Simulation(requests=requests, pool=list(pool))
    if not requests:
        return outcome
    sim_clock = SimClock(requests[0].created_at)
    agenda: list = []  # (moment, sequence, action, argument)
    sequence = itertools.count()
    for spec in requests:
        heapq.heappush(agenda, (spec.created_at, next(sequence), "create", spec))
    state = {"seen": 0, "open": set()}

    def schedule_answers():
        """Decide, for every proposal sent since the last look, what its pro will do."""
        new = list(
            Proposal.objects.filter(pk__gt=state["seen"], request_id__in=state["all"])
            .order_by("pk")
            .values("pk", "pro_id", "sent_at", "expires_at", "is_bonus")
        )
        for row in new:
            state["seen"] = row["pk"]
            outcome.proposals_per_pro[row["pro_id"]] += 0 if row["is_bonus"] else 1
            behaviour = behaviours.get(row["pro_id"], default)
            if rng.random() >= behaviour.answer_rate:
                outcome.answers["expired"] += 1
                continue
            delay = rng.expovariate(1 / max(behaviour.mean_delay.total_seconds(), 1.0))
            moment = row["sent_at"] + timedelta(seconds=delay)
            if moment >= row["expires_at"]:
                outcome.answers["expired"] += 1
                continue
            kind = "accept" if rng.random() < behaviour.accept_rate else "refuse"
            heapq.heappush(agenda, (moment, next(sequence), kind, row))

    def run_due(until: datetime):
        """The engine's due steps up to `until`, in time order (what the sweep does)."""
        while state["open"]:
            due = BookingRequest.objects.filter(
                pk__in=state["open"], next_dispatch_at__isnull=False
            ).aggregate(first=Min("next_dispatch_at"))["first"]
            if due is None or due > until:
                return
            sim_clock.now = max(sim_clock.now, due)
            for request_id in BookingRequest.objects.filter(
                pk__in=state["open"], next_dispatch_at__lte=sim_clock.now
            ).values_list("pk", flat=True):
                booking_request_advance(request_id=request_id, only_if_due=True)
                outcome.steps += 1
            _close_finished(state, outcome)
            schedule_answers()

    state["all"] = []
    with sim_clock.running():
        while agenda or state["open"]:
            if agenda:
                moment = agenda[0][0]
                run_due(moment)
                moment, _seq, action, argument = heapq.heappop(agenda)
                sim_clock.now = max(sim_clock.now, moment)
                _act(action, argument, outcome=outcome, state=state)
                _close_finished(state, outcome)
                schedule_answers()
            else:
                before = outcome.steps
                run_due(datetime.max.replace(tzinfo=sim_clock.now.tzinfo))
                if outcome.steps == before:
                    break  # nothing left that will ever be due
    return outcome


def _act(action: str, argument, *, outcome: Simulation, state: dict) -> None:
    if action == "create":
        spec = argument
        try:
            request = services.booking_request_create(
                customer=spec.customer, address=spec.address, service=spec.service, start=spec.start
            )
        except DomainError as error:
            spec.refused = error.code
            return
        spec.request_id = request.pk
        state["open"].add(request.pk)
        state["all"].append(request.pk)
        booking_request_advance(request_id=request.pk)  # the creation's wake-up
        outcome.steps += 1
        return
    proposal = Proposal.objects.select_related("pro").get(pk=argument["pk"])
    try:
        if action == "accept":
            services.proposal_accept(proposal=proposal, pro=proposal.pro)
            outcome.answers["accepted"] += 1
        else:
            services.proposal_refuse(proposal=proposal, pro=proposal.pro)
            outcome.answers["refused"] += 1
    except ProposalUnavailable:
        if action == "accept":
            outcome.no_longer_available += 1
        outcome.answers[f"{action}_unavailable"] += 1
    except DomainError as error:  # e.g. agenda_conflict: the place goes to the next pro
        outcome.answers[f"{action}_{error.code}"] += 1


def _close_finished(state: dict, outcome: Simulation) -> None:
    """Requests no longer open leave the loop; a confirmed one records when."""
    if not state["open"]:
        return
    closed = list(
        BookingRequest.objects.filter(pk__in=state["open"])
        .exclude(status__in=BookingRequest.OPEN_STATUSES)
        .values_list("pk", flat=True)
    )
    if not closed:
        return
    state["open"].difference_update(closed)
    for request_id, created in Booking.objects.filter(request_id__in=closed).values_list(
        "request_id", "created_at"
    ):
        outcome.confirmed_at[request_id] = created
