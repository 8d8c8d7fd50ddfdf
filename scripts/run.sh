#!/usr/bin/env bash
# Web + Celery worker + beat in one terminal; Ctrl-C stops all three.
# Listens on 127.0.0.1 only; HOST=0.0.0.0 make run opens it to the network (e.g. a phone on
# the same Wi-Fi: add the machine's address to DJANGO_ALLOWED_HOSTS).
set -u
port=${1:-8000}
host=${HOST:-127.0.0.1}
bin=.venv/bin
# Beat's state belongs to this checkout: two checkouts on one machine must not share it.
mkdir -p .run
pids=()
cleanup() { trap - INT TERM EXIT; kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; }
trap cleanup INT TERM EXIT
# One worker for both queues: the dispatch engine's and the notification e-mails'.
$bin/celery -A wecasa worker --loglevel=INFO --concurrency=2 \
  -Q "${CELERY_QUEUE:-wecasa},${CELERY_NOTIFICATIONS_QUEUE:-notifications}" & pids+=($!)
$bin/celery -A wecasa beat --loglevel=INFO --schedule=.run/celerybeat-schedule & pids+=($!)
$bin/python manage.py runserver "$host:$port" & pids+=($!)
shown=$host
[ "$host" = "127.0.0.1" ] && shown=localhost
echo "Wecasa on http://$shown:$port  (API docs /api/v1/docs, admin /admin/, pro sign-up /pro/signup)"
wait -n
