"""Settings, part 3: PostgreSQL (persistent connections or a pool), Redis and the cache."""

from .base import env

DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/wecasa"),
}
# Reused connections (a new one per request cost half the throughput). Sync processes (Celery,
# a WSGI worker) keep one persistent connection per thread, checked before reuse so a restarted
# server is no error. Under ASGI (wecasa/asgi.py sets DATABASE_POOL) every request runs in a
# thread of its own, so a persistent connection would be one per request until it is collected
# (measured: 89 of PostgreSQL's 100 held by one uvicorn process); there a psycopg pool bounded
# per process lends connections instead, and Django's pool refuses CONN_MAX_AGE.
if env.bool("DATABASE_POOL", default=False):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=2),
        "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=20),
        "timeout": env.int("DATABASE_POOL_TIMEOUT", default=10),
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Behind PgBouncer in transaction mode (docker-compose's pgbouncer): no server-side cursors,
# which would outlive the transaction that PgBouncer gives back to its pool.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
    "DATABASE_DISABLE_SERVER_SIDE_CURSORS", default=False
)
DATABASES["default"].setdefault("TEST", {})["NAME"] = env.str(
    "DATABASE_TEST_NAME", default="test_wecasa"
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env.str("CACHE_URL", default="redis://127.0.0.1:6379/1"),
        "KEY_PREFIX": "wecasa",
        # One pooled client per process (Django's RedisCache keeps it), bounded.
        "OPTIONS": {"max_connections": env.int("CACHE_MAX_CONNECTIONS", default=20)},
    }
}
# Sessions stay in PostgreSQL only (not `cached_db`): with Redis down, a cached session's save
# raises, and the sign-in doors must keep serving (tests/security/test_redis_down.py).
