import logging
import sys
from importlib.metadata import PackageNotFoundError, version

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache

from .errors import api_error

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


# Exceptions that mean "the database cannot be reached now", as psycopg and sqlite3 raise them
# through Django (connection refused, server terminated, database locked past the timeout).
DATABASE_AWAY = (OperationalError, InterfaceError)


def server_error(request):
    """handler500: a database that went away gets a 503 saying so (in the person's language, or in
    the API's error shape); anything else the plain 500 page. Called inside Django's exception
    handler, so the exception is in sys.exc_info(). Renders without touching the database."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_AWAY):
        logger.error("database unavailable: %s", error)
        if request.path_info.startswith("/api/"):
            response = api_error(
                503,
                "service_unavailable",
                _("Hệ thống tạm thời không kết nối được cơ sở dữ liệu. Vui lòng thử lại sau ít phút."),
            )
        else:
            response = render(request, "core/unavailable.html", status=503)
        response["Retry-After"] = "30"
        return response
    return defaults.server_error(request)
