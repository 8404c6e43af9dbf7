"""`Idempotency-Key` on the API's POSTs: a program that did not hear the answer sends the same
request again with the same key, and gets the first answer instead of a second object.

- The key is the caller's (a token, or a signed-in person): two callers never share answers.
- The request is fingerprinted (method, path, query, body; an upload's files by their SHA-256): the
  same key with a different request answers 422 `idempotency_key_reused` and does nothing.
- While the first request runs, a repeat answers 409 `idempotency_key_in_use` (retry later).
- Answers below 500 are kept for IDEMPOTENCY_KEY_HOURS (24) and replayed with
  `Idempotent-Replayed: true`; a 5xx is not kept, so a retry after a crash does the work.
- Without the header a POST behaves as before.
"""

import hashlib
import re
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from friendlygov.core.errors import api_error as _error

from .auth import presents_token, request_token
from .middleware import API_PREFIX
from .models import IdempotencyKey

HEADER = "Idempotency-Key"
KEY_PATTERN = re.compile(r"[\x21-\x7e]{1,255}")  # visible ASCII, as the IETF draft's examples


class IdempotencyMiddleware:
    """After the session and the authentication middleware: the caller must be known."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.headers.get(HEADER)
        if key is None or request.method != "POST" or not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        caller = _caller(request)
        if caller is None:  # refused anyway (401): nothing to remember
            return self.get_response(request)
        if not KEY_PATTERN.fullmatch(key):
            return _error(
                422,
                "invalid_idempotency_key",
                _("Idempotency-Key phải gồm 1–255 ký tự ASCII nhìn thấy được."),
            )
        return _once(request, caller, key, self.get_response)


def _caller(request) -> str | None:
    if presents_token(request):
        token = request_token(request)
        return f"token:{token.pk}" if token is not None else None
    user = getattr(request, "user", None)
    return f"user:{user.pk}" if user is not None and user.is_authenticated else None


def _once(request, caller, key, get_response):
    now = timezone.now()
    fingerprint = _fingerprint(request)
    IdempotencyKey.objects.filter(caller=caller, key=key, expires_at__lte=now).delete()
    try:
        with transaction.atomic():
            held = IdempotencyKey.objects.create(
                caller=caller,
                key=key,
                fingerprint=fingerprint,
                expires_at=now + timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS),
            )
    except IntegrityError:
        return _replay(caller, key, fingerprint)
    try:
        response = get_response(request)
    except BaseException:
        held.delete()
        raise
    if response.status_code >= 500 or response.streaming:
        held.delete()  # not kept: a retry does the work (a streamed file is a read anyway)
        return response
    held.status = response.status_code
    held.content_type = response.get("Content-Type", "")
    held.body = response.content
    held.save(update_fields=["status", "content_type", "body"])
    return response


def _replay(caller, key, fingerprint):
    first = IdempotencyKey.objects.filter(caller=caller, key=key).first()
    if first is None or first.status is None:
        return _error(
            409,
            "idempotency_key_in_use",
            _("Một yêu cầu với cùng Idempotency-Key đang được xử lý. Hãy thử lại sau."),
        )
    if first.fingerprint != fingerprint:
        return _error(
            422,
            "idempotency_key_reused",
            _("Idempotency-Key này đã được dùng cho một yêu cầu khác. Mỗi yêu cầu mới cần một khoá mới."),
        )
    response = HttpResponse(bytes(first.body), status=first.status, content_type=first.content_type or None)
    response["Idempotent-Replayed"] = "true"
    return response


def _fingerprint(request) -> str:
    """What makes two requests the same: method, path, query and body. A multipart body is read
    as its fields and each file's name and SHA-256 (the raw body carries a random boundary)."""
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.get_full_path()}\n".encode())
    if request.content_type == "multipart/form-data":
        for name, values in sorted(request.POST.lists()):
            digest.update(f"{name}={values!r}\n".encode())
        for name, files in sorted(request.FILES.lists()):
            for uploaded in files:
                content = hashlib.sha256()
                for chunk in uploaded.chunks():
                    content.update(chunk)
                uploaded.seek(0)
                digest.update(f"{name}:{uploaded.name}:{content.hexdigest()}\n".encode())
    else:
        digest.update(request.body)
    return digest.hexdigest()


def prune(now=None) -> int:
    """Forget the expired keys (manage.py prune_idempotency_keys, daily)."""
    deleted, _rows = IdempotencyKey.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
