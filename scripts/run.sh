#!/usr/bin/env bash
# Web + Celery worker + beat in one terminal; Ctrl-C stops all three.
# Listens on 127.0.0.1 only; HOST=0.0.0.0 make run opens it to the network (e.g. a phone on
# the same Wi-Fi: add the machine's address to DJANGO_ALLOWED_HOSTS).
set -u
port=${1:-${PORT:-8000}}
# Web, worker and beat all derive SITE_URL (links in e-mails) from PORT when it is unset.
export PORT=$port
host=${HOST:-127.0.0.1}
bin=.venv/bin
# Beat's state belongs to this checkout: two checkouts on one machine must not share it.
mkdir -p .run
# Web push needs one VAPID key pair shared by the web and worker processes, stable across runs
# (browsers subscribed with its public key): a development pair in .run/webpush.env.
if [ -z "${WEBPUSH_VAPID_PRIVATE_KEY:-}" ]; then
  [ -s .run/webpush.env ] || $bin/python manage.py webpush_keys > .run/webpush.env
  set -a; . .run/webpush.env; set +a
  echo "Web push: development VAPID keys from .run/webpush.env (set WEBPUSH_VAPID_PRIVATE_KEY in production)"
fi
pids=()
cleanup() { trap - INT TERM EXIT; kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; }
trap cleanup INT TERM EXIT
# One worker for both queues: the dispatch engine's and the notification e-mails'.
$bin/celery -A wecasa worker --loglevel=INFO --concurrency=2 \
  -Q "${CELERY_QUEUE:-wecasa},${CELERY_NOTIFICATIONS_QUEUE:-notifications}" & pids+=($!)
$bin/celery -A wecasa beat --loglevel=INFO --schedule=.run/celerybeat-schedule & pids+=($!)
# ASGI (uvicorn), so that the dashboard's live stream runs on the event loop; reloads on code changes.
# No uvicorn access log: it prints whole paths, secret tokens included (data export links,
# calendar feeds, personal links); the app writes one access line per request with the route
# pattern instead (wecasa.access).
reload_dirs=()
for dir in wecasa core notifications catalog customers pros bookings checkin feedback payouts ops privacy templates; do
  reload_dirs+=(--reload-dir "$dir")
done
$bin/uvicorn wecasa.asgi:application --host "$host" --port "$port" --no-access-log \
  --reload "${reload_dirs[@]}" \
  & pids+=($!)
shown=$host
[ "$host" = "127.0.0.1" ] && shown=localhost
echo "Wecasa on http://$shown:$port  (API docs /api/v1/docs, admin /admin/, pro sign-up /pro/signup)"
wait -n
