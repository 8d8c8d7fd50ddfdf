#!/usr/bin/env bash
# Web + Celery worker + beat in one terminal; Ctrl-C stops all three.
set -u
port=${1:-8000}
bin=.venv/bin
pids=()
cleanup() { trap - INT TERM EXIT; kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; }
trap cleanup INT TERM EXIT
$bin/celery -A wecasa worker --loglevel=INFO --concurrency=2 & pids+=($!)
$bin/celery -A wecasa beat --loglevel=INFO --schedule=/tmp/wecasa-celerybeat-schedule & pids+=($!)
$bin/python manage.py runserver "0.0.0.0:$port" & pids+=($!)
echo "Wecasa on http://localhost:$port  (API docs /api/v1/docs, admin /admin/, pro sign-up /pro/signup)"
wait -n
