"""The commune's pages: the list of assessments, one assessment, its self-assessment form,
evidence, explanations and history."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from friendlygov.core.paging import ByKey, page_of

from .. import history, permissions, selectors, services
from ..limits import checked_text
from ..models import Evidence
from ..uploads import UploadRefused, served_name
from ..workflow import Action, Status
from ._helpers import act, confirmed_action, detail_context, row_response, save_layer, workflow_action

INLINE_TYPES = {"application/pdf", "image/jpeg", "image/png"}
# What "changes since…" lists: the commune's and the appraiser's numbers, evidence, answers.
CHANGE_EVENTS = ("score.", "evidence.", "assessment.self_flags", "explanation.")


def assessment_list(request):
    """One cycle's assessments, 50 a page, filtered and counted by the database."""
    listing = selectors.assessment_list(
        request.user,
        year=request.GET.get("year"),
        status=request.GET.get("status"),
        group=request.GET.get("group"),
        level=request.GET.get("level"),
        q=request.GET.get("q"),
    )
    page = page_of(request, ByKey(listing.rows, count=listing.matching))
    page.object_list = selectors.mark_overdue(page.object_list)
    statuses = [(value, label, listing.by_status.get(value, 0)) for value, label in Status.choices]
    shown = [item.pk for item in page.object_list]
    bulk = selectors.bulk_choices(request.user, listing.cycle.year, shown) if shown else {}
    return render(
        request,
        "assessments/list.html",
        {
            "listing": listing,
            "page": page,
            "statuses": statuses,
            "bulk": bulk,
            "can_bulk": any(bulk.values()),
            "can_move": permissions.may_move_assessments(request.user),
        },
    )


def assessment_detail(request, pk):
    assessment = selectors.assessment_for(request.user, pk)
    return render(request, "assessments/detail.html", detail_context(request, assessment))


def assessment_summary(request, pk):
    """The sticky summary and the "còn thiếu" list again, after a save changed them (htmx)."""
    assessment = selectors.assessment_for(request.user, pk)
    return render(request, "assessments/partials/summary_response.html", detail_context(request, assessment))


def assessment_history(request, pk):
    """The history as sentences, newest first, filtered by indicator and person; the raw record
    only for administrators."""
    assessment = selectors.assessment_for(request.user, pk)
    since_key = request.GET.get("since")
    since = {
        "submitted": assessment.submitted_at,
        "appraised": assessment.appraised_at,
        "requested": selectors.latest_round_sent_at(assessment),
    }.get(since_key)
    events = selectors.history(request.user, assessment, since=since)
    if since_key in ("submitted", "appraised", "requested"):
        events = [e for e in events if e.event_type.startswith(CHANGE_EVENTS)]
    indicators = {
        i.code: i for i in assessment.cycle.framework.indicators.order_by("criterion__order", "order")
    }
    everything = history.lines(events, indicators)
    chosen = {"indicator": request.GET.get("indicator", ""), "who": request.GET.get("who", "")}
    shown = [
        line
        for line in everything
        if (not chosen["indicator"] or line.indicator == chosen["indicator"])
        and (not chosen["who"] or line.who == chosen["who"])
    ]
    return render(
        request,
        "assessments/history.html",
        {
            "assessment": assessment,
            "lines": shown,
            "codes": [code for code in indicators if code in {line.indicator for line in everything}],
            "people": sorted({line.who for line in everything}),
            "chosen": chosen,
            "raw": permissions.sees_everything(request.user),
            "since": since_key if since else None,
            "since_at": since,
        },
    )


@require_POST
def save_self(request, pk, score_pk):
    return save_layer(request, pk, score_pk, "self")


@require_POST
def upload(request, pk, score_pk):
    assessment = selectors.assessment_for(request.user, pk)
    score = selectors.score_row(assessment, score_pk)
    uploaded = request.FILES.get("file")
    error = None
    if uploaded is None:
        error = _("Hãy chọn một tệp để tải lên.")
    else:
        try:
            services.upload_evidence(assessment, score.indicator, uploaded, actor=request.user)
        except UploadRefused as exc:
            error = str(exc)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    return row_response(request, assessment, score, layer="self", upload_error=error, full=True)


@require_POST
def remove_upload(request, pk, evidence_pk):
    assessment = selectors.assessment_for(request.user, pk)
    evidence = get_object_or_404(
        assessment.evidence.select_related("indicator"), pk=evidence_pk, removed_at=None
    )
    services.remove_evidence(evidence, actor=request.user)
    score = assessment.scores.get(indicator=evidence.indicator)
    return row_response(request, assessment, score, layer="self", full=True)


def evidence_file(request, evidence_pk):
    """Evidence is served only to those who may see the assessment, never as a page."""
    evidence = get_object_or_404(Evidence.objects.select_related("assessment"), pk=evidence_pk)
    if not permissions.visible(request.user).filter(pk=evidence.assessment_id).exists():
        raise Http404(_("Không tìm thấy tài liệu."))
    if evidence.purged_at is not None:
        raise Http404(_("Tệp này đã được gỡ và đã xoá khi hết thời hạn lưu."))
    inline = evidence.content_type in INLINE_TYPES
    response = FileResponse(
        evidence.file.open("rb"),
        content_type=evidence.content_type,
        as_attachment=not inline,
        filename=served_name(evidence.original_name, evidence.content_type),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'; object-src 'self'"
    return response


submit = confirmed_action(
    services.submit_assessment, Action.SUBMIT, gettext_lazy("Đã gửi hồ sơ tự đánh giá để thẩm định.")
)
resubmit = workflow_action(services.resubmit_assessment, gettext_lazy("Đã gửi lại hồ sơ sau giải trình."))


@require_POST
def respond(request, pk, request_pk):
    assessment = selectors.assessment_for(request.user, pk)
    explanation = get_object_or_404(assessment.explanation_requests, pk=request_pk)
    response = request.POST.get("response", "").strip()
    if not response:
        messages.error(request, _("Hãy nhập nội dung giải trình."))
        return redirect("assessments:detail", assessment.pk)
    return act(
        request,
        assessment,
        lambda: services.respond_to_request(explanation, response=checked_text(response), actor=request.user),
        _("Đã lưu nội dung giải trình."),
    )


@require_POST
def save_flags(request, pk, layer):
    assessment = selectors.assessment_for(request.user, pk)
    if layer not in ("self", "appraised"):
        raise Http404
    rules = [r for r in assessment.cycle.framework.gating_rules_for_scoring() if r.flag]
    flags = {rule.flag: request.POST.get(f"flag_{rule.flag}") == "yes" for rule in rules}

    def do():
        from ..forms import decimal_from_form

        bonus = {
            rule.code: decimal_from_form(request.POST.get(f"bonus_{rule.code}", ""))
            for rule in assessment.cycle.framework.bonus_rules.all()
        }
        services.save_flags(assessment, flags=flags, bonus=bonus, actor=request.user, layer=layer)

    return act(request, assessment, do, _("Đã lưu điểm thưởng và các điều kiện."))


urlpatterns = [
    path("", assessment_list, name="list"),
    path("<int:pk>/", assessment_detail, name="detail"),
    path("<int:pk>/history/", assessment_history, name="history"),
    path("<int:pk>/summary/", assessment_summary, name="summary"),
    path("<int:pk>/scores/<int:score_pk>/self/", save_self, name="save_self"),
    path("<int:pk>/scores/<int:score_pk>/evidence/", upload, name="upload"),
    path("<int:pk>/evidence/<int:evidence_pk>/remove/", remove_upload, name="remove_upload"),
    path("evidence/<int:evidence_pk>/", evidence_file, name="evidence"),
    path("<int:pk>/submit/", submit, name="submit"),
    path("<int:pk>/resubmit/", resubmit, name="resubmit"),
    path("<int:pk>/explanations/<int:request_pk>/", respond, name="respond"),
    path("<int:pk>/flags/<str:layer>/", save_flags, name="save_flags"),
]
