"""gunicorn settings, read from the environment like the app's own (docs/ops/).

    gunicorn --config config/gunicorn.conf.py

GUNICORN_BIND     address to listen on (default 127.0.0.1:8000; nginx proxies to it)
GUNICORN_WORKERS  processes (default WEB_CONCURRENCY, else 2 × CPU cores + 1); more than one needs a
                  shared cache (CACHE_URL), or gunicorn refuses to start
GUNICORN_THREADS  threads per process (default 1; more than 1 uses the gthread worker)
GUNICORN_TIMEOUT  seconds before a silent worker is restarted (default 60: PDF decisions take a while)
"""

import os

from friendlygov.core.env import env_int, env_str
from friendlygov.core.server import planned_workers, unshared_limits

wsgi_app = "config.wsgi:application"
bind = env_str("GUNICORN_BIND", "127.0.0.1:8000")
workers = planned_workers()
threads = env_int("GUNICORN_THREADS", 1)
timeout = env_int("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
# Restart each worker now and then, so a slow leak never grows for months.
max_requests = 2000
max_requests_jitter = 200
# The app writes one line per request itself (friendlygov.core.request_log); gunicorn logs only
# its own start, stop and errors, to stderr, which systemd's journal keeps.
accesslog = None
errorlog = "-"
# Heartbeat files in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm"  # noqa: S108  # nosec B108 - gunicorn only writes its own heartbeat files there


def on_starting(server):
    """Stop before listening when several workers would each count the limits alone
    (friendlygov.core.server); gunicorn prints the message and exits with status 1."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings

    problem = unshared_limits(server.cfg.workers, settings.CACHES)
    if problem:
        raise RuntimeError(problem)
