"""One error shape for the whole API (its schema is in shapes.py).

Every refusal is `{"error": {"code", "message", "details"}}`; the message is the one the service
wrote for officials (translated), so a program and a page tell people the same thing. Exceptions
map to statuses here and nowhere else; operations just call the services and let them raise.
"""

import inspect
import re
from functools import partial

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as PayloadInvalid

from friendlygov.assessments import permissions
from friendlygov.assessments.completeness import BONUS, Incomplete
from friendlygov.assessments.models import IssuedDecisionImmutable
from friendlygov.assessments.services import ResultChanged, StaleVersion
from friendlygov.assessments.uploads import UploadRefused
from friendlygov.assessments.workflow import TransitionNotAllowed
from friendlygov.core.office import PdfUnavailable

from .auth import AUTH
from .messages import problem_message
from .shapes import ErrorOut, ScoreOut


def _reply(api, request, status: int, code: str, message: str, details=None):
    return api.create_response(
        request, {"error": {"code": code, "message": str(message), "details": details}}, status=status
    )


def _validation(api, request, exc: ValidationError):
    messages = [str(m) for m in exc.messages]
    return _reply(api, request, 422, "validation_error", " ".join(messages), messages)


def _incomplete(api, request, exc: Incomplete):
    """What stops a submission, a resubmission or an approval, item by item (shapes.MissingItem)."""
    details = [
        {
            "indicator_code": item.code if item.kind != BONUS else None,
            "bonus_rule_code": item.code if item.kind == BONUS else None,
            "reason": item.kind,
            "message": str(item.message),
        }
        for item in exc.missing
    ]
    message = " ".join(item["message"] for item in details)
    return _reply(api, request, 422, "incomplete", message, details)


def _payload(api, request, exc: PayloadInvalid):
    details = [
        {"loc": list(e.get("loc", ())), "msg": problem_message(e), "type": str(e.get("type", ""))}
        for e in exc.errors
    ]
    return _reply(api, request, 422, "invalid_payload", _("Dữ liệu gửi lên không hợp lệ."), details)


class MethodNotAllowed(HttpError):
    def __init__(self, allowed):
        self.allowed = sorted(allowed)
        super().__init__(405, _("Phương thức này không được hỗ trợ."))


def _method_not_allowed(api, request, exc: MethodNotAllowed):
    response = _reply(api, request, 405, "method_not_allowed", str(exc), exc.allowed)
    response["Allow"] = ", ".join(exc.allowed)
    return response


HTTP_CODES = {400: "malformed", 403: "permission_denied", 404: "not_found", 429: "throttled"}


def _http(api, request, exc: HttpError):
    """An HttpError raised by an operation keeps the message it was raised with; ninja's own (an
    unreadable body, a CSRF refusal) are English library text, said here in the request's language."""
    code = HTTP_CODES.get(exc.status_code, "http_error")
    message = str(exc)
    if exc.status_code == 400:
        message = _("Không đọc được nội dung gửi lên: cần JSON (hoặc biểu mẫu) hợp lệ.")
    elif exc.status_code == 403 and "csrf" in message.lower():
        message = _("Thiếu mã CSRF: khi dùng phiên đăng nhập, hãy gửi mã trong tiêu đề X-CSRFToken.")
    return _reply(api, request, exc.status_code, code, message)


def _unauthenticated(api, request, exc):
    return _reply(api, request, 401, "not_authenticated", _("Bạn cần đăng nhập để dùng chức năng này."))


def _denied(api, request, exc: PermissionDenied):
    message = str(exc) or _("Bạn không có quyền thực hiện thao tác này với hồ sơ này.")
    return _reply(api, request, 403, "permission_denied", message)


def _not_found(api, request, exc):
    return _reply(api, request, 404, "not_found", _("Không tìm thấy, hoặc bạn không có quyền xem."))


def _stale(api, request, exc: StaleVersion):
    shown = permissions.may_see_appraisal(request.user, exc.score.assessment)
    current = ScoreOut.of(exc.score, show_appraisal=shown).model_dump(mode="json")
    return _reply(api, request, 409, "stale_version", str(exc), {"current": current})


def _result_changed(api, request, exc: ResultChanged):
    details = {"seen": format(exc.seen.normalize(), "f"), "now": format(exc.now.normalize(), "f")}
    return _reply(api, request, 409, "result_changed", str(exc), details)


def _transition(api, request, exc: TransitionNotAllowed):
    details = {"action": str(exc.action), "status": str(exc.status)}
    return _reply(api, request, 409, "transition_not_allowed", str(exc), details)


def _immutable(api, request, exc):
    return _reply(
        api, request, 409, "immutable", _("Quyết định này đã được ban hành và không thể thay đổi."), str(exc)
    )


def _pdf_unavailable(api, request, exc):
    return _reply(api, request, 503, "pdf_unavailable", str(exc))


class WholeCommuneRefused(Exception):
    """Accepting every indicator of a commune at once: the review goes criterion by criterion,
    after reading (issue 17), so the API refuses what the pages never offer."""

    def __str__(self):
        return _(
            "Không chấp nhận toàn bộ hồ sơ một lần: hãy chấp nhận từng tiêu chí (tham số criterion) "
            "sau khi đã xem các chỉ tiêu của tiêu chí đó."
        )


def _whole_commune(api, request, exc: WholeCommuneRefused):
    return _reply(api, request, 422, "whole_commune_refused", str(exc))


def _upload(api, request, exc: UploadRefused):
    return _reply(api, request, 422, "upload_refused", str(exc), [str(exc)])


HANDLERS = (
    (HttpError, _http),
    (MethodNotAllowed, _method_not_allowed),
    (AuthenticationError, _unauthenticated),
    (PermissionDenied, _denied),
    (Http404, _not_found),
    (ObjectDoesNotExist, _not_found),
    (StaleVersion, _stale),
    (ResultChanged, _result_changed),
    (TransitionNotAllowed, _transition),
    (IssuedDecisionImmutable, _immutable),
    (ValidationError, _validation),
    (Incomplete, _incomplete),
    (PayloadInvalid, _payload),
    (UploadRefused, _upload),
    (WholeCommuneRefused, _whole_commune),
    (PdfUnavailable, _pdf_unavailable),
)


def install(api) -> None:
    """Register the handlers on the API (ninja picks the most specific class of an exception)."""
    for exception, handler in HANDLERS:
        api.add_exception_handler(exception, partial(handler, api))


METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def authenticate_other_methods(router) -> None:
    """Give each path of a private router an operation for the methods it does not offer: it
    authenticates like the others, then answers 405. Someone not signed in thus gets 401 from
    every method of a private path and learns nothing about it, not even which methods it has."""
    for path, path_view in list(router.path_operations.items()):
        offered = {method for operation in path_view.operations for method in operation.methods}
        missing = [method for method in METHODS if method not in offered]
        if missing:
            router.add_api_operation(
                path, missing, _refuse_method(path, offered), auth=AUTH, include_in_schema=False
            )


def _refuse_method(path, offered):
    def method_not_allowed(request, **path_params):
        raise MethodNotAllowed(offered)

    # Declare the path's parameters, as ninja expects every operation of a path to take them.
    names = re.findall(r"{(?:\w+:)?(\w+)}", path)
    method_not_allowed.__signature__ = inspect.Signature(
        [inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
        + [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=str) for name in names]
    )
    return method_not_allowed


# Statuses any operation can answer, whatever it does (document_common_errors).
COMMON_STATUSES = (400, 401, 405, 422, 429)


def document_common_errors(api) -> None:
    """Write in the OpenAPI document the errors any operation can answer, whatever it declares:
    422 for input that fails validation (ninja checks every parameter and body), 400 for a body
    that is not JSON, 401 for a token refused (on every operation, public ones included), 405 for
    a method its path does not offer, and 429 past a rate limit. Called once every router is added."""
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                if not operation.include_in_schema:
                    continue
                # 401 everywhere: a bad token is refused on public operations too (middleware.py);
                # 405 everywhere: OpenAPI has no place for the methods a path does not offer, so
                # each operation of the path says what they answer (ErrorOut, `method_not_allowed`);
                # 429 everywhere: the rate limits count every request.
                for status in COMMON_STATUSES:
                    if status not in operation.response_models:
                        # ninja's own way of turning a response class into the operation's model
                        operation.response_models[status] = operation._create_response_model(ErrorOut)
