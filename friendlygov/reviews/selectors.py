"""Reads of review requests, permission-scoped."""

from dataclasses import dataclass

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import permissions, rules
from .models import OPEN, ReviewRequest, ReviewState


def request_for(user, pk) -> ReviewRequest:
    """The request if the user may read it; 404 otherwise (outsiders learn nothing)."""
    try:
        request = ReviewRequest.objects.select_related(
            "assessment__cycle__framework",
            "assessment__unit",
            "assessment__body",
            "assigned_to",
            "filed_by",
            "answered_by",
            "disputed_decision",
            "corrective_decision",
        ).get(pk=pk)
    except (ReviewRequest.DoesNotExist, ValueError) as exc:
        raise Http404(_("Không tìm thấy kiến nghị.")) from exc
    if not permissions.may(user, permissions.VIEW, request):
        raise Http404(_("Không tìm thấy kiến nghị."))
    return request


def requests_for(user, *, only_open: bool = False):
    rows = permissions.visible(user).prefetch_related("indicators").order_by("answer_due", "pk")
    if only_open:
        rows = rows.filter(state__in=OPEN)
    return rows


def latest_for(assessment) -> ReviewRequest | None:
    return (
        ReviewRequest.objects.filter(assessment=assessment)
        .select_related("assigned_to", "corrective_decision")
        .order_by("-filed_at", "-pk")
        .first()
    )


def open_assessment_ids(cycle) -> set[int]:
    """The units of the cycle with a request not yet settled: one query."""
    return set(
        ReviewRequest.objects.filter(assessment__cycle=cycle, state__in=OPEN).values_list(
            "assessment_id", flat=True
        )
    )


@dataclass(frozen=True)
class Timing:
    due: object
    days_left: int
    late: bool


def timing(request, today=None) -> Timing:
    today = today or timezone.localdate()
    left = rules.days_left(request.answer_due, today)
    late = request.answered_late if request.answered_at else left < 0
    return Timing(request.answer_due, left, late)


NEXT_STEPS = {
    ReviewState.FILED: gettext_lazy("Chờ thủ trưởng cơ quan thẩm định phân công người xem xét."),
    ReviewState.ASSIGNED: gettext_lazy("Cán bộ thẩm định đang xem xét; cơ quan thẩm định trả lời trước hạn."),
    ReviewState.ACCEPTED: gettext_lazy(
        "Đang thẩm định lại các chỉ tiêu được kiến nghị; sau đó có quyết định điều chỉnh."
    ),
    ReviewState.REJECTED: gettext_lazy("Kiến nghị không được chấp nhận; kết quả giữ nguyên."),
    ReviewState.RESOLVED: gettext_lazy("Đã ban hành quyết định điều chỉnh theo kết quả thẩm định lại."),
}


def next_step(request) -> str:
    return str(NEXT_STEPS[request.state])
