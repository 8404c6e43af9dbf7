"""The appraiser's actions on one assessment: review on the indicator (accept, change with a
comment, an explanation request written on it), the round of requests sent once, approval; and
on many: receive, assign, approve, one indicator across the communes of the queue."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from friendlygov.accounts.models import User

from .. import selectors, services
from ..confirmation import confirmation
from ..forms import decimal_from_form
from ..limits import checked_text
from ..workflow import Action, TransitionNotAllowed
from ._helpers import act, confirmed_action, is_htmx, rows_response, save_layer, workflow_action

REFUSALS = (ValidationError, TransitionNotAllowed, PermissionDenied, services.StaleVersion)


def _refusal(exc) -> str:
    return " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)


@require_POST
def accept(request, pk):
    """Accept the commune's values of the indicators sent (one row, or a criterion's rows as shown)."""
    assessment = selectors.assessment_for(request.user, pk)
    ids = [pk for pk in request.POST.getlist("ids") if pk.isdigit()]
    try:
        services.accept_indicators(assessment, score_ids=ids, actor=request.user)
    except REFUSALS as exc:
        error = _refusal(exc)
    else:
        error = None
    return rows_response(request, assessment, ids, error=error)


@require_POST
def draft_request(request, pk, score_pk):
    """Write (or withdraw, when empty) the explanation request on one indicator; sent with the round."""
    assessment = selectors.assessment_for(request.user, pk)
    score = selectors.score_row(assessment, score_pk)
    try:
        services.draft_explanation(
            score, reason=checked_text(request.POST.get("reason", "")), actor=request.user
        )
    except REFUSALS as exc:
        error = _refusal(exc)
    else:
        error = None
    return rows_response(request, assessment, [score.pk], error=error)


@require_POST
def save_appraised(request, pk, score_pk):
    return save_layer(request, pk, score_pk, "appraised")


start = workflow_action(services.start_appraisal, _("Đã bắt đầu thẩm định."))
take_over = workflow_action(
    services.take_over_appraisal, _("Hồ sơ đã được giao cho bạn; bạn thẩm định hồ sơ này từ bây giờ.")
)
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
def assign_many(request):
    """The head gives the chosen communes to one appraiser of the body; each unit's outcome is reported."""
    chosen = selectors.chosen_assessments(request.user, request.POST.getlist("ids"))
    wanted = request.POST.get("appraiser", "")
    appraiser = User.objects.filter(pk=int(wanted)).first() if wanted.isdigit() else None
    if appraiser is None and wanted != "none":
        messages.error(request, _("Hãy chọn người thẩm định để giao."))
        return redirect(reverse("home") + "?queue=all")
    outcomes = services.assign_many(chosen, appraiser=appraiser, actor=request.user)
    return render(request, "assessments/bulk_result.html", {"title": ASSIGNED_TITLE, "outcomes": outcomes})


def indicator_table(request):
    """One indicator across the communes of the queue: their values and evidence, accepted or
    changed row by row through the same services as on each commune's page."""
    table = selectors.indicator_table(request.user, request.GET.get("indicator"), request.GET.get("queue"))
    return render(request, "assessments/indicator_table.html", {"table": table})


@require_POST
def indicator_row(request, pk, score_pk):
    """One row of the indicator table: accept the commune's value, or change it with a comment."""
    assessment = selectors.assessment_for(request.user, pk)
    score = selectors.score_row(assessment, score_pk)
    error = None
    try:
        if request.POST.get("do") == "accept":
            services.accept_indicators(assessment, score_ids=[score.pk], actor=request.user)
        else:
            services.change_indicator(
                score,
                expected_version=int(request.POST.get("version") or 0),
                value=decimal_from_form(request.POST.get("appraised_value", "")),
                na=False,
                comment=checked_text(request.POST.get("appraisal_comment", "")),
                actor=request.user,
            )
    except REFUSALS as exc:
        error = _refusal(exc)
    if not is_htmx(request):
        if error:
            messages.error(request, error)
        return redirect(
            reverse("assessments:indicator_table") + f"?indicator={score.indicator.code}#table-row-{score.pk}"
        )
    row = selectors.indicator_table_row(request.user, assessment, score.pk)
    return render(request, "assessments/partials/indicator_table_row.html", {"item": row, "error": error})


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
ASSIGNED_TITLE = _("Kết quả giao hồ sơ cho người thẩm định")
APPROVED_TITLE = _("Kết quả duyệt hồ sơ")


def _expected(data, pk):
    try:
        return decimal_from_form(data.get(f"expected_{pk}", ""))
    except ValidationError:
        return None


urlpatterns = [
    path("bulk/receive/", receive_many, name="receive_many"),
    path("bulk/approve/", approve_many, name="approve_many"),
    path("bulk/assign/", assign_many, name="assign_many"),
    path("by-indicator/", indicator_table, name="indicator_table"),
    path("<int:pk>/by-indicator/<int:score_pk>/", indicator_row, name="indicator_row"),
    path("<int:pk>/accept/", accept, name="accept"),
    path("<int:pk>/scores/<int:score_pk>/request/", draft_request, name="draft_request"),
    path("<int:pk>/scores/<int:score_pk>/appraised/", save_appraised, name="save_appraised"),
    path("<int:pk>/start/", start, name="start_appraisal"),
    path("<int:pk>/take-over/", take_over, name="take_over"),
    path("<int:pk>/return/", return_for_explanation, name="return"),
    path("<int:pk>/approve/", approve, name="approve"),
]
