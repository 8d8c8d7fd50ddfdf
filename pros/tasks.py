"""Celery tasks of pros: the nightly recompute of every score (beat, 03:30 Paris), and the
recompute of the pros whose proposals a dispatch sweep pass expired."""

from celery import shared_task

from .scoring.compute import score_recompute
from .scoring.nightly import score_recompute_all


@shared_task(name="pros.tasks.recompute_scores")
def recompute_scores() -> dict:
    """Every pro's score from their last 90 days; safe to run twice (a second run at the
    same time stops: a transaction-level advisory lock per chunk)."""
    result = score_recompute_all()
    return {"pros": result.pros, "changed": result.changed, "skipped": result.skipped}


@shared_task(name="pros.tasks.recompute_scores_of")
def recompute_scores_of(pro_ids: list[int]) -> dict:
    """These pros' scores now (pros.scoring.record.publish_recomputes); safe to run twice."""
    result = score_recompute(pro_ids=pro_ids)
    return {"pros": result.pros, "changed": result.changed}
