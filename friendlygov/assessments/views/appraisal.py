"""The appraiser's actions on one assessment: scores with comments, explanation requests, approval."""

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..confirmation import confirmation
from ..forms import decimal_from_form
from ..limits import checked_text
from ..workflow import Action
from ._helpers import act, confirmed_action, save_layer, workflow_action


@require_POST
def save_appraised(request, pk, score_pk):
    return save_layer(request, pk, score_pk, "appraised")


start = workflow_action(services.start_appraisal, _("Đã bắt đầu thẩm định."))
COPIED = _("Đã chép điểm tự chấm sang cột thẩm định; hãy sửa những chỉ tiêu khác biệt.")
copy_self = workflow_action(services.copy_self_to_appraisal, COPIED)
approve = confirmed_action(services.approve_appraisal, Action.APPROVE, _("Đã duyệt kết quả thẩm định."))


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
        lambda: services.return_for_explanation(
            assessment,
            reasons={code: checked_text(text) for code, text in reasons.items()},
            actor=request.user,
        ),
        str(_("Đã gửi yêu cầu giải trình cho xã.")),
    )


@require_POST
def receive_many(request):
    """Receive the chosen submitted assessments; each unit's outcome is reported."""
    chosen = selectors.chosen_assessments(request.user, request.POST.getlist("ids"))
    outcomes = services.receive_many(chosen, actor=request.user)
    return render(request, "assessments/bulk_result.html", {"title": RECEIVED_TITLE, "outcomes": outcomes})


@require_POST
def approve_many(request):
    """First the summary table of the chosen assessments (what each approval records, or what
    stops it); the POST from that table, confirmed, approves each unit at the score it showed."""
    chosen = selectors.chosen_assessments(request.user, request.POST.getlist("ids"))
    if request.POST.get("confirmed") != "1":
        rows = [(a, confirmation(a, Action.APPROVE)) for a in chosen]
        return render(request, "assessments/bulk_approve.html", {"rows": rows})
    expected = {a.pk: _expected(request.POST, a.pk) for a in chosen}
    confirmed = [a for a in chosen if expected[a.pk] is not None]
    outcomes = services.approve_many(confirmed, expected_scores=expected, actor=request.user)
    return render(request, "assessments/bulk_result.html", {"title": APPROVED_TITLE, "outcomes": outcomes})


RECEIVED_TITLE = _("Kết quả tiếp nhận hồ sơ")
APPROVED_TITLE = _("Kết quả duyệt hồ sơ")


def _expected(data, pk):
    try:
        return decimal_from_form(data.get(f"expected_{pk}", ""))
    except ValidationError:
        return None


urlpatterns = [
    path("bulk/receive/", receive_many, name="receive_many"),
    path("bulk/approve/", approve_many, name="approve_many"),
    path("<int:pk>/scores/<int:score_pk>/appraised/", save_appraised, name="save_appraised"),
    path("<int:pk>/start/", start, name="start_appraisal"),
    path("<int:pk>/copy-self/", copy_self, name="copy_self"),
    path("<int:pk>/return/", return_for_explanation, name="return"),
    path("<int:pk>/approve/", approve, name="approve"),
]
