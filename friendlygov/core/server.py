"""The server processes that will answer requests, and whether the limits they count are shared.

The limits (citizen-survey answers, imports, evidence uploads, failed logins per address) count in
the cache (friendlygov.core.counters). A per-process cache with several gunicorn workers lets each
worker count alone (3 workers accepted 87 of 100 survey answers against a limit of 30) and a
restart resets every count. So several workers need a shared cache: the deploy check
(`manage.py check --deploy`) and gunicorn's start (config/gunicorn.conf.py) both refuse without one.
"""

import multiprocessing

from friendlygov.core.env import env_int

# Backends whose data lives inside one process (or nowhere).
PROCESS_LOCAL_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


def planned_workers() -> int:
    """gunicorn's worker count as config/gunicorn.conf.py sets it: GUNICORN_WORKERS, else
    WEB_CONCURRENCY (gunicorn's own variable), else 2 × CPU cores + 1."""
    default = env_int("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1)
    return env_int("GUNICORN_WORKERS", default)


def unshared_limits(workers: int, caches: dict) -> str | None:
    """Why these settings cannot serve with `workers` processes, or None when they can."""
    backend = caches.get("default", {}).get("BACKEND", "")
    if workers <= 1 or backend not in PROCESS_LOCAL_CACHES:
        return None
    return (
        f"{workers} server processes (GUNICORN_WORKERS / WEB_CONCURRENCY) and no shared cache: each "
        "process would count the survey, import, upload and login limits on its own, and a restart "
        "would reset them. Set CACHE_URL to a Redis server, e.g. CACHE_URL=redis://127.0.0.1:6379/0 "
        "(.env.example, docs/ops/install-debian.md), or run a single worker (GUNICORN_WORKERS=1)."
    )
