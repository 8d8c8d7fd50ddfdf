"""Celery tasks of pros: the nightly recompute of every score (beat, 03:30 Paris)."""

from celery import shared_task

from .scoring.nightly import score_recompute_all


@shared_task(name="pros.tasks.recompute_scores")
def recompute_scores() -> dict:
    """Every pro's score from their last 90 days; safe to run twice (a second run at the
    same time stops: a transaction-level advisory lock per chunk)."""
    result = score_recompute_all()
    return {"pros": result.pros, "changed": result.changed, "skipped": result.skipped}
