"""Errors answered outside an API operation (middleware) in the API's one shape,
`{"error": {"code", "message", "details"}}` (see friendlygov/api/errors.py)."""

from django.http import JsonResponse


def api_error(status: int, code: str, message: str, details=None) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": str(message), "details": details}}, status=status)
