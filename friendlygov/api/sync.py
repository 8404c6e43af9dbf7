"""Incremental sync: a program pulls only what changed, and never acts on what it has not seen.

- **`updated_at` and `updated_since`**: a record's last change is the time of the newest audit
  event about it (every change of an assessment, its scores, evidence and workflow, and of a
  decision is recorded in the audit trail in the same transaction, audit/services.py), or its
  creation when nothing happened to it since. Lists take `updated_since` and return only the
  records changed at or after it.
- **ETag / If-None-Match** on every read of the API (Django's ConditionalGetMiddleware, for /api/
  only): an unchanged answer is `304 Not Modified` with no body.
- **If-Match** on every workflow step: the assessment's `version` as read (`If-Match: "7"`); a
  stale one answers `412 precondition_failed` and nothing is done. (The ETag of a read changes
  with any change of the answer, a score say; the version moves with each workflow step.)
"""

from datetime import datetime
from typing import Annotated

from django.db import transaction
from django.db.models import CharField, DateTimeField, OuterRef, Subquery
from django.db.models.functions import Cast, Coalesce
from django.middleware.http import ConditionalGetMiddleware
from django.utils.http import parse_etags
from django.utils.translation import gettext as _
from ninja import Header, Query

from friendlygov.assessments.models import Assessment
from friendlygov.audit.models import AuditEvent

from .middleware import API_PREFIX

UpdatedSince = Annotated[
    datetime | None,
    Query(
        description="Only records changed at or after this time (ISO 8601 with its offset, e.g. "
        "2025-01-15T08:30:00+07:00): pass the time of your last pull"
    ),
]


class ApiConditionalGetMiddleware(ConditionalGetMiddleware):
    """ETag (a hash of the answer) on the API's reads, and 304 for a matching If-None-Match."""

    def process_response(self, request, response):
        if not request.path.startswith(API_PREFIX):
            return response
        return super().process_response(request, response)


def last_change(model, created):
    """The time of the newest audit event about each row of `model`, else `created` (an
    expression for when the row came to be): annotate a queryset with it."""
    newest = (
        AuditEvent.objects.filter(
            target_type=model._meta.label_lower, target_id=Cast(OuterRef("pk"), CharField())
        )
        .order_by("-occurred_at")
        .values("occurred_at")[:1]
    )
    return Coalesce(Subquery(newest), created, output_field=DateTimeField())


def with_updated_at(queryset, created, since: datetime | None = None):
    """The queryset with `updated_at`, and only the rows changed at or after `since` if given."""
    queryset = queryset.annotate(updated_at=last_change(queryset.model, created))
    if since is not None:
        queryset = queryset.filter(updated_at__gte=since)
    return queryset


def updated_at_of(row, created: datetime | None) -> datetime | None:
    """`last_change` of one row already loaded."""
    newest = (
        AuditEvent.objects.for_target(row)
        .order_by("-occurred_at")
        .values_list("occurred_at", flat=True)
        .first()
    )
    return newest or created


def assessments_with_updated_at(queryset, since: datetime | None = None):
    """An assessment came to be when its cycle was opened."""
    return with_updated_at(queryset, "cycle__opened_at", since)


# --- If-Match -----------------------------------------------------------------------------------


class PreconditionFailed(Exception):
    """The If-Match the caller sent is not the assessment as it stands: nothing was done."""

    def __init__(self, version: int):
        self.version = version
        super().__init__(
            _(
                "Hồ sơ đã thay đổi từ khi bạn đọc (phiên bản hiện tại: %(version)s). Chưa có gì được "
                "thực hiện: hãy đọc lại rồi gửi lại với If-Match mới."
            )
            % {"version": version}
        )


def install(api) -> None:
    def precondition_failed(request, exc: PreconditionFailed):
        body = {
            "error": {
                "code": "precondition_failed",
                "message": str(exc),
                "details": {"version": exc.version, "etag": f'"{exc.version}"'},
            }
        }
        return api.create_response(request, body, status=412)

    api.add_exception_handler(PreconditionFailed, precondition_failed)


IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=200,
        description='The assessment\'s `version` as you read it, e.g. "7": 412 if it has moved on since',
    ),
]


def step(wanted: str | None, assessment_id: int, run):
    """Run a workflow step under the assessment's lock, once `wanted` (the If-Match header, if
    sent) holds: the assessment's `version` as the caller read it. The lock is held from the check
    to the end of the step, so nobody moves the assessment in between."""
    with transaction.atomic():
        version = (
            Assessment.objects.select_for_update().filter(pk=assessment_id).values_list("version", flat=True)
        )
        current = version.first()
        if wanted is not None and current is not None and not matches(wanted, current):
            raise PreconditionFailed(current)
        return run()


def matches(wanted: str, version: int) -> bool:
    """Does an If-Match header name this version? `*`, `"7"` and `W/"7"` name version 7."""
    tags = parse_etags(wanted)
    return "*" in tags or f'"{version}"' in {tag.removeprefix("W/") for tag in tags}
