"""The appraiser's actions on one assessment: scores with comments, explanation requests, approval."""

from django.core.exceptions import ValidationError
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..forms import parse_score_post
from ._helpers import act, is_htmx, row_response


@require_POST
def save_appraised(request, pk, score_pk):
    assessment = selectors.assessment_for(request.user, pk)
    score = selectors.score_row(assessment, score_pk)
    only = request.headers.get("HX-Trigger-Name") if is_htmx(request) else None
    attempted = dict(request.POST.items())
    try:
        values, version = parse_score_post(request.POST, "appraised", only=only)
        services.save_appraised_score(score, expected_version=version, actor=request.user, **values)
    except services.StaleVersion as exc:
        return row_response(
            request, assessment, score, layer="appraised", error=str(exc), attempted=attempted, conflict=True
        )
    except ValidationError as exc:
        return row_response(
            request, assessment, score, layer="appraised", error=" ".join(exc.messages), attempted=attempted
        )
    return row_response(request, assessment, score, layer="appraised")


@require_POST
def start(request, pk):
    assessment = selectors.assessment_for(request.user, pk)
    return act(
        request,
        assessment,
        lambda: services.start_appraisal(assessment, actor=request.user),
        _("Đã bắt đầu thẩm định."),
    )


@require_POST
def copy_self(request, pk):
    assessment = selectors.assessment_for(request.user, pk)
    return act(
        request,
        assessment,
        lambda: services.copy_self_to_appraisal(assessment, actor=request.user),
        _("Đã chép điểm tự chấm sang cột thẩm định; hãy sửa những chỉ tiêu khác biệt."),
    )


@require_POST
def return_for_explanation(request, pk):
    assessment = selectors.assessment_for(request.user, pk)
    reasons = {
        key.removeprefix("reason_"): value
        for key, value in request.POST.items()
        if key.startswith("reason_") and request.POST.get("pick_" + key.removeprefix("reason_"))
    }
    return act(
        request,
        assessment,
        lambda: services.return_for_explanation(assessment, reasons=reasons, actor=request.user),
        _("Đã gửi yêu cầu giải trình cho xã."),
    )


@require_POST
def approve(request, pk):
    assessment = selectors.assessment_for(request.user, pk)
    return act(
        request,
        assessment,
        lambda: services.approve_appraisal(assessment, actor=request.user),
        _("Đã duyệt kết quả thẩm định."),
    )


urlpatterns = [
    path("<int:pk>/scores/<int:score_pk>/appraised/", save_appraised, name="save_appraised"),
    path("<int:pk>/start/", start, name="start_appraisal"),
    path("<int:pk>/copy-self/", copy_self, name="copy_self"),
    path("<int:pk>/return/", return_for_explanation, name="return"),
    path("<int:pk>/approve/", approve, name="approve"),
]
