"""Review request pages: the list, filing (the commune chair), and one request, where the head
assigns it, the appraiser or the head answers it, and the head drafts the corrective decision.
Thin: each parses a form, calls one service or selector, renders."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from friendlygov.assessments import decision_text
from friendlygov.assessments import selectors as assessment_selectors
from friendlygov.assessments.decision_forms import DecisionForm
from friendlygov.assessments.models import IssuedDecisionImmutable
from friendlygov.assessments.uploads import UploadRefused, served_name
from friendlygov.assessments.workflow import TransitionNotAllowed

from . import permissions, selectors, services
from .forms import AnswerForm, AssignForm, FileRequestForm
from .models import ReviewEvidence, ReviewState

app_name = "reviews"
REFUSALS = (ValidationError, UploadRefused, TransitionNotAllowed, IssuedDecisionImmutable)


def _messages_of(exc) -> list[str]:
    if isinstance(exc, ValidationError):
        return [str(m) for m in exc.messages]
    return [str(exc)]


def review_list(request):
    rows = list(selectors.requests_for(request.user))
    today = timezone.localdate()
    for row in rows:
        row.timing = selectors.timing(row, today)
    return render(request, "reviews/list.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
def review_file(request, assessment_pk):
    assessment = assessment_selectors.assessment_for(request.user, assessment_pk)
    if not permissions.may_file(request.user, assessment):
        raise PermissionDenied(_("Chỉ Chủ tịch UBND cấp xã được gửi kiến nghị về kết quả của xã."))
    filing = services.filing_for(assessment)
    indicators = assessment.cycle.framework.indicators.filter(
        pk__in=assessment.scores.values("indicator_id")
    ).order_by("order")
    form = FileRequestForm(request.POST or None, request.FILES or None, indicators=indicators)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            review = services.file_request(
                assessment,
                indicators=form.cleaned_data["indicators"],
                reasons=form.cleaned_data["reasons"],
                files=form.cleaned_data["files"],
                actor=request.user,
            )
        except REFUSALS as exc:
            errors = _messages_of(exc)
        else:
            messages.success(request, _("Đã gửi kiến nghị đến cơ quan thẩm định."))
            return redirect("reviews:detail", review.pk)
    context = {"assessment": assessment, "filing": filing, "form": form, "errors": errors}
    return render(request, "reviews/file.html", context, status=422 if errors or form.errors else 200)


def _detail_context(request, review, **extra):
    user = request.user
    can_assign = permissions.may(user, permissions.ASSIGN, review) and review.is_unanswered
    can_answer = permissions.may(user, permissions.ANSWER, review) and review.is_unanswered
    can_correct = permissions.may(user, permissions.CORRECT, review) and not services.correction_refusal(
        review
    )
    return {
        "review": review,
        "assessment": review.assessment,
        "indicators": list(review.indicators.order_by("order")),
        "evidence": list(review.evidence.all()),
        "timing": selectors.timing(review),
        "next_step": selectors.next_step(review),
        "assign_form": AssignForm(appraisers=permissions.appraisers_for(review.assessment))
        if can_assign
        else None,
        "answer_form": AnswerForm() if can_answer else None,
        "correction_form": DecisionForm(
            initial=_correction_initial(review, user), body=review.assessment.body
        )
        if can_correct
        else None,
        # Why the head cannot draft it yet, while the re-appraisal is under way.
        "correction_waits": services.correction_refusal(review)
        if permissions.may(user, permissions.CORRECT, review) and review.state == ReviewState.ACCEPTED
        else "",
        "errors": [],
        **extra,
    }


def _correction_initial(review, user) -> dict:
    """Document text, not interface text: the decision is written in Vietnamese. The legal bases
    are those in force on the signing date (decision_text), then the decision corrected and the
    review, before the proposing office's line."""
    disputed = review.disputed_decision
    today = timezone.localdate()
    *bases, proposal = decision_text.default_legal_bases(review.assessment.body, today).splitlines()
    if disputed is not None and disputed.number:
        bases.append(f"Căn cứ Quyết định số {disputed.number} ngày {disputed.signed_on:%d/%m/%Y};")
    bases.append(
        f"Căn cứ kết quả xem xét kiến nghị ngày {review.filed_at:%d/%m/%Y} của {review.assessment.unit.name};"
    )
    return {
        "signed_on": today,
        "signer_name": getattr(user, "full_name", "") or "",
        "legal_bases": "\n".join([*bases, proposal]),
    }


def review_detail(request, pk):
    review = selectors.request_for(request.user, pk)
    return render(request, "reviews/detail.html", _detail_context(request, review))


def _refused(request, review, exc, **forms):
    context = _detail_context(request, review, errors=_messages_of(exc), **forms)
    return render(request, "reviews/detail.html", context, status=422)


@require_POST
def review_assign(request, pk):
    review = selectors.request_for(request.user, pk)
    form = AssignForm(request.POST, appraisers=permissions.appraisers_for(review.assessment))
    if not form.is_valid():
        return _refused(
            request, review, ValidationError(list(form.errors.get("appraiser", []))), assign_form=form
        )
    try:
        services.assign_request(review, appraiser=form.cleaned_data["appraiser"], actor=request.user)
    except REFUSALS as exc:
        return _refused(request, review, exc)
    messages.success(request, _("Đã phân công người xem xét kiến nghị."))
    return redirect("reviews:detail", review.pk)


@require_POST
def review_answer(request, pk):
    review = selectors.request_for(request.user, pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        problems = [str(e) for errors in form.errors.values() for e in errors]
        return _refused(request, review, ValidationError(problems), answer_form=form)
    accept = form.cleaned_data["outcome"] == AnswerForm.ACCEPT
    answer = services.accept_request if accept else services.reject_request
    try:
        answered = answer(review, answer=form.cleaned_data["answer"], actor=request.user)
    except REFUSALS as exc:
        return _refused(request, review, exc, answer_form=form)
    if accept:
        messages.success(
            request, _("Đã chấp nhận kiến nghị; hồ sơ chuyển sang thẩm định lại các chỉ tiêu được kiến nghị.")
        )
    else:
        messages.success(request, _("Đã trả lời: không chấp nhận kiến nghị."))
    if answered.answered_late:
        messages.warning(
            request, _("Kiến nghị được trả lời sau hạn %(due)s.") % {"due": f"{answered.answer_due:%d/%m/%Y}"}
        )
    return redirect("reviews:detail", review.pk)


@require_POST
def review_correct(request, pk):
    review = selectors.request_for(request.user, pk)
    form = DecisionForm(request.POST, body=review.assessment.body)
    if not form.is_valid():
        problems = [str(e) for errors in form.errors.values() for e in errors]
        return _refused(request, review, ValidationError(problems), correction_form=form)
    try:
        decision = services.draft_correction(review, actor=request.user, **form.cleaned_data)
    except REFUSALS as exc:
        return _refused(request, review, exc, correction_form=form)
    messages.success(request, _("Đã lập dự thảo quyết định điều chỉnh; hãy kiểm tra rồi ban hành."))
    return redirect(reverse("assessments:decision_detail", args=[decision.pk]))


def review_evidence(request, pk, evidence_pk):
    """Served only to those who may read the request, never as a page."""
    review = selectors.request_for(request.user, pk)
    evidence = get_object_or_404(ReviewEvidence, pk=evidence_pk, request=review)
    if not evidence.file:
        raise Http404(_("Không tìm thấy tài liệu."))
    response = FileResponse(
        evidence.file.open("rb"),
        content_type=evidence.content_type,
        as_attachment=True,
        filename=served_name(evidence.original_name, evidence.content_type),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


urlpatterns = [
    path("", review_list, name="list"),
    path("file/<int:assessment_pk>/", review_file, name="file"),
    path("<int:pk>/", review_detail, name="detail"),
    path("<int:pk>/assign/", review_assign, name="assign"),
    path("<int:pk>/answer/", review_answer, name="answer"),
    path("<int:pk>/correct/", review_correct, name="correct"),
    path("<int:pk>/evidence/<int:evidence_pk>/", review_evidence, name="evidence"),
]
