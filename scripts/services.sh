#!/usr/bin/env bash
# Start PostgreSQL and Redis when installed but not running; install them under CI.
set -u
missing=()

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_up() { (exec 3<>/dev/tcp/127.0.0.1/6379 && printf 'PING\r\n' >&3 && head -c5 <&3 | grep -q PONG) 2>/dev/null; }

apt_install() {
  if [ "${CI:-}" = "true" ] && command -v apt-get >/dev/null; then
    echo "Installing $* with apt-get (CI)..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  fi
}

if ! pg_up; then
  command -v pg_ctlcluster >/dev/null || apt_install postgresql
  if command -v pg_ctlcluster >/dev/null; then
    version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -1)
    if [ -n "$version" ]; then
      echo "Starting PostgreSQL $version..."
      pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || pg_ctlcluster "$version" main start || true
    fi
  elif command -v pg_ctl >/dev/null && [ -n "${PGDATA:-}" ]; then
    pg_ctl -D "$PGDATA" -l /tmp/postgres.log start
  fi
  for _ in $(seq 1 30); do pg_up && break; sleep 0.5; done
  pg_up || missing+=("PostgreSQL on 127.0.0.1:5432 (Debian: apt-get install postgresql; trust auth for user postgres)")
fi

if ! redis_up; then
  command -v redis-server >/dev/null || apt_install redis-server
  if command -v redis-server >/dev/null; then
    echo "Starting Redis..."
    mkdir -p /tmp/redis-wecasa
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
      --dir /tmp/redis-wecasa --logfile /tmp/redis-wecasa/redis.log
  fi
  for _ in $(seq 1 30); do redis_up && break; sleep 0.3; done
  redis_up || missing+=("Redis on 127.0.0.1:6379 (Debian: apt-get install redis-server)")
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "Missing services:" >&2
  printf '  - %s\n' "${missing[@]}" >&2
  exit 1
fi

# The development database, named as in DATABASE_URL (environment, else .env, else the
# settings' default); tests create their own (DATABASE_TEST_NAME).
database_url=${DATABASE_URL:-}
if [ -z "$database_url" ] && [ -f .env ]; then
  database_url=$(sed -n 's/^[[:space:]]*\(export[[:space:]]\+\)\?DATABASE_URL=//p' .env | tail -1)
  database_url=${database_url%\"}; database_url=${database_url#\"}
  database_url=${database_url%\'}; database_url=${database_url#\'}
fi
database_url=${database_url:-postgres://postgres@127.0.0.1:5432/wecasa}
db=${database_url%%\?*}
db=${db##*/}
if ! [[ "$db" =~ ^[A-Za-z0-9_][A-Za-z0-9_-]*$ ]]; then
  echo "Cannot create the database named in DATABASE_URL ('$db'): create it yourself." >&2
  exit 1
fi
if ! psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$db'" 2>/dev/null | grep -q 1; then
  psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE \"$db\"" >/dev/null && echo "Created database $db."
fi
exit 0
