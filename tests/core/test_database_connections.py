"""Connections are reused the way each kind of process needs: persistent in sync processes,
pooled under ASGI (a thread per request would otherwise keep one connection per request)."""

import json
import os
import subprocess
import sys

import pytest


def _database_settings(**environ):
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "db = settings.DATABASES['default']; "
        "print(json.dumps({'max_age': db['CONN_MAX_AGE'], "
        "'pool': db.get('OPTIONS', {}).get('pool')}))"
    )
    if environ.pop("through_asgi", False):
        code = "import wecasa.asgi; " + code.replace("django.setup(); ", "")
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")}
    env = {**inherited, "DJANGO_SETTINGS_MODULE": "wecasa.settings", **environ}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("max_age", ["60", "0"])
def test_sync_processes_keep_persistent_connections(max_age):
    found = _database_settings(DATABASE_CONN_MAX_AGE=max_age)
    assert found == {"max_age": int(max_age), "pool": None}


def test_the_asgi_entry_point_lends_pooled_connections():
    found = _database_settings(through_asgi=True, DATABASE_POOL_MAX_SIZE="7")
    assert found["max_age"] == 0
    assert found["pool"]["max_size"] == 7
