"""Two rules for every request under /api/, whatever operation it reaches, if any:
- a bearer token that is unknown, revoked or expired answers 401, public operations included
  (served there as anonymous, a program would not notice that it lost its access);
- the API's error shape also for what never reaches an operation: an unknown path (Django's 404
  page) and a method a public path does not offer (ninja's bare 405). A program gets
  `{"error": {"code", "message", "details"}}` for every status, never an HTML page."""

from django.http import JsonResponse
from django.utils.translation import gettext as _

from .auth import presents_token, token_user

API_PREFIX = "/api/"


class ApiErrorShapeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(API_PREFIX) and presents_token(request) and token_user(request) is None:
            return _error(401, "not_authenticated", _("Bạn cần đăng nhập để dùng chức năng này."))
        response = self.get_response(request)
        if (
            response.status_code in (404, 405)
            and request.path.startswith(API_PREFIX)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            return _shaped(response)
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
