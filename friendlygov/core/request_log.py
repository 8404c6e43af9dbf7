"""One log line per request, and the request id on every log line.

With LOG_FORMAT=json each line is one JSON object a log collector can index:
{"time", "level", "logger": "friendlygov.request", "message", "request_id", "user_id", "method",
"path", "status", "duration_ms"}. The path is logged without its query string, which may carry
search terms or tokens.
"""

import logging
import time

from friendlygov.core.request_id import current_request_id

logger = logging.getLogger("friendlygov.request")


class RequestIdFilter(logging.Filter):
    """Stamps every record with the id of the request being served ("" outside a request)."""

    def filter(self, record):
        if not getattr(record, "request_id", ""):
            record.request_id = current_request_id()
        return True


class RequestLogMiddleware:
    """Placed right after RequestIdMiddleware, so it times all the rest of the work."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        logger.info(
            "%s %s %s %sms",
            request.method,
            request.path,
            response.status_code,
            duration_ms,
            extra={
                "request_id": getattr(request, "id", ""),
                "user_id": _user_id(request),
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": duration_ms,
            },
        )
        return response


def _user_id(request):
    """The signed-in user's id, without loading the session for a request that never did."""
    user = getattr(request, "_cached_user", None)
    return user.pk if user is not None and user.is_authenticated else None
