"""The dispatch modules import each other at their top (tasks -> engine -> wakeups -> tasks,
see bookings/dispatch/wakeups.py): whichever a fresh process imports first (a web worker the
services, a Celery worker the tasks), every module loads, and a worker can build the messages'
links (which loads the URL configuration)."""

import subprocess
import sys

import pytest
from django.conf import settings

FIRST_IMPORTS = [
    "bookings.tasks",
    "bookings.dispatch.wakeups",
    "bookings.dispatch.engine",
    "bookings.services",
    "bookings.services.proposals",
    "bookings.selectors",
    "bookings.closing",
    "bookings.admin",
]

SCRIPT = """
import importlib, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wecasa.settings")
import django
django.setup()
importlib.import_module(sys.argv[1])
from bookings import services, tasks
from bookings.dispatch import engine, wakeups
assert tasks.engine is engine and wakeups.tasks is tasks
assert services.dispatch_sweep is engine.dispatch_sweep
from bookings.notifications import _pro_dashboard
print(_pro_dashboard())
"""


@pytest.mark.parametrize("first", FIRST_IMPORTS)
def test_any_module_may_be_imported_first(first):
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, first],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "/pro/"
