"""Celery tasks of privacy: thin, take ids, call one function, safe to run twice.

Export tasks (h7): build a data export once its request commits; purge expired export files.
Retention tasks (h6) are added below.
"""

from celery import shared_task


@shared_task(name="privacy.tasks.build_data_export")
def build_data_export(export_id: int) -> str:
    from .export import data_export_build

    export = data_export_build(export_id=export_id)
    return export.status if export is not None else "missing"


@shared_task(name="privacy.tasks.purge_expired_data_exports")
def purge_expired_data_exports() -> int:
    from .export import data_exports_purge_expired

    return data_exports_purge_expired()


@shared_task(name="privacy.tasks.apply_retention", ignore_result=True)
def apply_retention() -> dict:
    """Every retention period once (h6; privacy/retention.py): ID documents, messages."""
    from .retention import apply_retention as apply

    return apply().counts
