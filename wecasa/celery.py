import os

from celery import Celery, signals

from core import logging as wecasa_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wecasa.settings")

app = Celery("wecasa")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The request id travels with the tasks a request (or a task) enqueues, and is bound in the
# worker for the task's run (core/logging.py): one request's lines, web and workers alike.
signals.before_task_publish.connect(wecasa_logging.publish_request_id, weak=False)
signals.task_prerun.connect(wecasa_logging.task_started, weak=False)
signals.task_postrun.connect(wecasa_logging.task_finished, weak=False)


@signals.setup_logging.connect(weak=False)
def _use_django_logging(**_kwargs):
    """Workers log exactly as the web does (settings.LOGGING: JSON or text, with the context
    filter): connecting this signal stops Celery from installing its own handlers."""
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
