"""The figures ops compare between wave policies: fill rate, time to first accept (p50/p95) by
lead-time band, proposals per pro (Gini), and accepts that found the proposal "no longer
available"."""

from dataclasses import dataclass
from datetime import timedelta

from .run import Simulation

# Lead time at creation (start - created): the bands of the default wave policy.
BANDS = (
    ("< 6 h", timedelta(0), timedelta(hours=6)),
    ("6-24 h", timedelta(hours=6), timedelta(hours=24)),
    ("24-48 h", timedelta(hours=24), timedelta(hours=48)),
    (">= 48 h", timedelta(hours=48), timedelta.max),
)


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile (None for no value)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, round(share * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def gini(counts: list[int]) -> float:
    """0 when every pro received as many proposals, towards 1 when a few received them all."""
    if not counts or sum(counts) == 0:
        return 0.0
    ordered = sorted(counts)
    total = sum(ordered)
    weighted = sum((index + 1) * value for index, value in enumerate(ordered))
    return (2 * weighted) / (len(ordered) * total) - (len(ordered) + 1) / len(ordered)


@dataclass(frozen=True)
class BandFigures:
    band: str
    requests: int
    filled: int
    p50_minutes: float | None
    p95_minutes: float | None


@dataclass(frozen=True)
class Report:
    requests: int
    created: int  # not refused at creation
    filled: int
    fill_rate: float
    bands: list[BandFigures]
    proposals: int
    proposals_gini: float
    pros_asked: int
    pool: int
    no_longer_available: int
    answers: dict
    steps: int

    def lines(self) -> list[str]:
        out = [
            f"requests: {self.requests} ({self.requests - self.created} refused at creation)",
            f"fill rate: {self.fill_rate:.1%} ({self.filled}/{self.created})",
            "time to first accept, by lead time at creation:",
        ]
        for band in self.bands:
            p50 = "-" if band.p50_minutes is None else f"{band.p50_minutes:.1f} min"
            p95 = "-" if band.p95_minutes is None else f"{band.p95_minutes:.1f} min"
            out.append(
                f"  {band.band:>8}: {band.filled:>4}/{band.requests:<4} filled  p50 {p50:>10}  "
                f"p95 {p95:>10}"
            )
        out += [
            f"proposals: {self.proposals} to {self.pros_asked} of {self.pool} pros; "
            f"Gini {self.proposals_gini:.3f}",
            f'"no longer available" accepts: {self.no_longer_available}',
            "answers: " + ", ".join(f"{k} {v}" for k, v in sorted(self.answers.items())),
            f"engine steps: {self.steps}",
        ]
        return out


def report_of(simulation: Simulation) -> Report:
    created = [r for r in simulation.requests if r.request_id is not None]
    bands = []
    for name, low, high in BANDS:
        inside = [r for r in created if low <= r.start - r.created_at < high]
        waits = [
            (simulation.confirmed_at[r.request_id] - r.created_at).total_seconds() / 60
            for r in inside
            if r.request_id in simulation.confirmed_at
        ]
        bands.append(
            BandFigures(
                band=name,
                requests=len(inside),
                filled=len(waits),
                p50_minutes=percentile(waits, 0.50),
                p95_minutes=percentile(waits, 0.95),
            )
        )
    counts = [simulation.proposals_per_pro.get(pk, 0) for pk in simulation.pool]
    filled = sum(1 for r in created if r.request_id in simulation.confirmed_at)
    return Report(
        requests=len(simulation.requests),
        created=len(created),
        filled=filled,
        fill_rate=filled / len(created) if created else 0.0,
        bands=bands,
        proposals=sum(simulation.proposals_per_pro.values()),
        proposals_gini=gini(counts),
        pros_asked=sum(1 for count in counts if count),
        pool=len(simulation.pool),
        no_longer_available=simulation.no_longer_available,
        answers=dict(simulation.answers),
        steps=simulation.steps,
    )
