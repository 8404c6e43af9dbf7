import logging
from importlib.metadata import PackageNotFoundError, version

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


def _installed_version() -> str:
    try:
        return version("friendlygov")
    except PackageNotFoundError:
        return "unknown"


VERSION = _installed_version()


@login_not_required
@never_cache
def healthz(request):
    """For the load balancer and monitoring: 200 when the app can query its database, else 503.

    Public and sessionless: it reads no cookie and writes none, so probes leave no sessions behind.
    The reply names no error detail; the log line carries it.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database did not answer")
        return JsonResponse({"status": "error", "database": "unavailable", "version": VERSION}, status=503)
    return JsonResponse({"status": "ok", "database": "ok", "version": VERSION})
