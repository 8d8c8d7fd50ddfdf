#!/usr/bin/env bash
# Compile .po files when gettext is there; otherwise keep the committed .mo files.
set -u
if command -v msgfmt >/dev/null; then
  .venv/bin/python manage.py compilemessages --ignore=.venv --verbosity 0
elif ! ls locale/*/LC_MESSAGES/django.mo >/dev/null 2>&1; then
  echo "gettext is missing and no compiled translations exist (apt-get install gettext)." >&2
  exit 1
fi
