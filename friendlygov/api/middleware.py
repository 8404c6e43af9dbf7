"""The API's error shape also for what never reaches an operation: an unknown path under /api/
(Django's 404 page) and a method a public path does not offer (ninja's bare 405). A program gets
`{"error": {"code", "message", "details"}}` for every status, never an HTML page."""

from django.http import JsonResponse
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


class ApiErrorShapeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
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
    shaped = JsonResponse(
        {"error": {"code": code, "message": message, "details": details}}, status=response.status_code
    )
    if "Allow" in response:
        shaped["Allow"] = response["Allow"]
    return shaped
