"""Rules for every request under /api/, whatever operation it reaches, if any:
- at most API_REQUESTS_PER_MINUTE requests a minute per token (per address without one), and at
  most API_BAD_TOKENS_PER_MINUTE requests with a bad token per address; beyond them 429 with
  Retry-After (fixed one-minute windows, counted in the shared cache: friendlygov.core.counters);
- a bearer token that is unknown, revoked or expired answers 401, public operations included
  (served there as anonymous, a program would not notice that it lost its access);
- a service account's token outside its scopes answers 403 (scopes.py), before any operation;
- the API's error shape also for what never reaches an operation: an unknown path (Django's 404
  page) and a method a public path does not offer (ninja's bare 405). A program gets
  `{"error": {"code", "message", "details"}}` for every status, never an HTML page."""

import hashlib
import time

from django.conf import settings
from django.http import JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

from friendlygov.core import counters
from friendlygov.core.client import client_address
from friendlygov.core.locale import api_language

from . import scopes
from .auth import presents_token, request_token, token_user

API_PREFIX = "/api/"


class ApiErrorShapeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(API_PREFIX):
            with translation.override(api_language(request)):
                refused = _refused(request)
            if refused is not None:
                refused["Content-Language"] = api_language(request)
                refused["Vary"] = "Accept-Language"
                return refused
        response = self.get_response(request)
        if (
            response.status_code in (404, 405)
            and request.path.startswith(API_PREFIX)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            with translation.override(api_language(request)):
                return _shaped(response)
        return response


WINDOW = 60


def _refused(request):
    """The answer to a request the rules above refuse, or None."""
    window = int(time.time() // WINDOW)
    retry_after = str(WINDOW - int(time.time()) % WINDOW)
    token = presents_token(request)
    if token and token_user(request) is None:
        address = client_address(request)
        if _over(f"api:bad-token:{address}:{window}", settings.API_BAD_TOKENS_PER_MINUTE):
            return _throttled(retry_after)
        return _error(401, "not_authenticated", _("Bạn cần đăng nhập để dùng chức năng này."))
    if token:
        secret = request.headers["Authorization"].partition(" ")[2]
        caller = "token:" + hashlib.sha256(secret.encode()).hexdigest()[:16]
    else:
        caller = "address:" + client_address(request)
    if _over(f"api:requests:{caller}:{window}", settings.API_REQUESTS_PER_MINUTE):
        return _throttled(retry_after)
    if token:
        return _out_of_scope(request)
    return None


def _out_of_scope(request):
    """403 for a service account's token outside its scopes (scopes.py); None otherwise."""
    token = request_token(request)
    if not is_scoped(token):
        return None
    path = request.path.removeprefix(API_PREFIX + "v1/")
    body = request.body if request.method in ("POST", "PUT", "PATCH") and _is_json(request) else b""
    lacking = scopes.missing(token.scopes, request.method, path, body)
    if not lacking:
        return None
    return _error(
        403,
        "permission_denied",
        _("Mã truy cập của tài khoản hệ thống này không có phạm vi cho thao tác này."),
        {"required_scopes": lacking, "token_scopes": sorted(token.scopes)},
    )


def is_scoped(token) -> bool:
    """A service account's token is held to its scopes; a personal token (no scopes) is not."""
    return bool(token.scopes) or hasattr(token.user, "service_account")


def _is_json(request) -> bool:
    return request.content_type == "application/json"


def _over(key: str, limit: int) -> bool:
    return limit > 0 and counters.count(key, WINDOW) > limit


def _throttled(retry_after: str):
    response = _error(
        429, "throttled", _("Quá nhiều yêu cầu. Hãy thử lại sau ít phút."), {"retry_after": int(retry_after)}
    )
    response["Retry-After"] = retry_after
    return response


def _shaped(response):
    if response.status_code == 404:
        code, message, details = "not_found", _("Không tìm thấy, hoặc bạn không có quyền xem."), None
    else:
        allowed = sorted(m.strip() for m in response.get("Allow", "").split(",") if m.strip())
        code, message, details = "method_not_allowed", _("Phương thức này không được hỗ trợ."), allowed
    shaped = _error(response.status_code, code, message, details)
    if "Allow" in response:
        shaped["Allow"] = response["Allow"]
    return shaped


def _error(status: int, code: str, message: str, details=None) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message, "details": details}}, status=status)
