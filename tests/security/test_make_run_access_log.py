"""`make run`'s web server writes no access log of its own (QA h15: uvicorn printed
`GET /pro/data-export/<token>`, a working link to someone's data, in the run log; calendar
feeds and personal links likewise): the app's access line names the route pattern only. And it
reloads on changes in every app, ops and privacy included."""

import os
import subprocess

from django.apps import apps

from tests.security.test_deployment_files import BASE_DIR, _fake_commands


def _uvicorn_call(tmp_path) -> str:
    calls = _fake_commands(
        tmp_path / ".venv" / "bin",
        "celery",
        "python",
        "uvicorn",
        then={
            "celery": "exec sleep 20",
            "python": "echo WEBPUSH_VAPID_PRIVATE_KEY=dev",
            "uvicorn": 'for _ in $(seq 200); do [ "$(wc -l < "$(dirname "$0")/calls")" -ge 4 ] '
            "&& exit 0; sleep 0.1; done",
        },
    )
    env = {k: v for k, v in os.environ.items() if k not in {"HOST", "WEBPUSH_VAPID_PRIVATE_KEY"}}
    subprocess.run(
        ["bash", str(BASE_DIR / "scripts" / "run.sh"), "8124"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        timeout=30,
    )
    (line,) = [line for line in calls.read_text().splitlines() if line.startswith("uvicorn ")]
    return line


def test_make_run_web_server_logs_no_paths_and_reloads_every_app(tmp_path):
    line = _uvicorn_call(tmp_path)
    assert "--no-access-log" in line.split()
    watched = set(line.split("--reload-dir ")[1:])
    watched = {entry.split()[0] for entry in watched}
    project_apps = {
        config.label
        for config in apps.get_app_configs()
        if (BASE_DIR / config.label / "apps.py").exists()
    }
    assert {"ops", "privacy"} <= project_apps
    assert project_apps <= watched, project_apps - watched
