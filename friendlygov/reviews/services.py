"""Every write on review requests. Each function is atomic, checks the policy, changes the rows
and records its audit event in the same transaction (audit.services.record).

The re-appraisal itself and the corrective decision go through the assessment area's services
(`reopen_for_review`, `approve_appraisal`, `draft_decision`, `issue_decision`), so the workflow
table and the decisions register's supersede rules apply unchanged."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from friendlygov.assessments import evidence_files, public_results, register
from friendlygov.assessments import services as assessment_services
from friendlygov.assessments.models import Assessment, Decision
from friendlygov.assessments.uploads import check_quotas, check_upload, count_upload
from friendlygov.assessments.workflow import DECIDED, Status
from friendlygov.audit.services import record

from . import permissions, rules
from .models import OPEN, UNANSWERED, ReviewEvidence, ReviewRequest, ReviewState, Subject
from .signals import review_changed

# The states from which a result has been sent to the commune and may be disputed.
DISPUTABLE = (Status.APPRAISED, *DECIDED)
MAX_FILES = 10


def _require(user, action, request):
    if not permissions.may(user, action, request):
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này với kiến nghị này."))


def _announce(request):
    request_id = request.pk
    transaction.on_commit(lambda: review_changed.send(ReviewRequest, request_id=request_id))


# --- Filing -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filing:
    """What filing looks like today for one assessment: the subject, the decision disputed, the
    period, and why filing is refused ("" when it is not)."""

    subject: str
    decision: Decision | None
    window: rules.FilingWindow | None
    refusal: str

    @property
    def allowed(self) -> bool:
        return not self.refusal


def filing_for(assessment, today=None) -> Filing:
    today = today or timezone.localdate()
    if assessment.status not in DISPUTABLE or assessment.appraised_at is None:
        return Filing(Subject.APPRAISAL, None, None, rules.filing_refusal(None, today))
    decision = register.in_force(assessment)
    sent = decision.issued_at if decision is not None else assessment.appraised_at
    window = rules.filing_window(timezone.localdate(sent), settings.REVIEW_FILING_DAYS)
    subject = Subject.DECISION if decision is not None else Subject.APPRAISAL
    refusal = rules.filing_refusal(window, today)
    earlier = ReviewRequest.objects.filter(assessment=assessment)
    if not refusal and earlier.filter(state__in=OPEN).exists():
        refusal = _("Hồ sơ đang có một kiến nghị chưa giải quyết xong.")
    if not refusal and earlier.filter(subject=subject, disputed_decision=decision).exists():
        refusal = _("Kết quả này đã được kiến nghị một lần; mỗi kết quả chỉ kiến nghị một lần.")
    if not refusal and decision is not None and earlier.filter(corrective_decision=decision).exists():
        refusal = _("Quyết định này đã giải quyết kiến nghị của xã; không kiến nghị lại trên hệ thống.")
    return Filing(subject, decision, window, refusal)


@transaction.atomic
def file_request(assessment, *, indicators, reasons: str, files=(), actor) -> ReviewRequest:
    """The commune chair disputes the result sent to the commune (the appraisal result, or the
    decision in force) within the filing period, naming indicators, reasons and evidence."""
    assessment = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("cycle", "unit", "body")
        .get(pk=assessment.pk)
    )
    if not permissions.may_file(actor, assessment):
        raise PermissionDenied(_("Chỉ Chủ tịch UBND cấp xã được gửi kiến nghị về kết quả của xã."))
    filing = filing_for(assessment)
    if not filing.allowed:
        raise ValidationError(filing.refusal)
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError(_("Cần ghi lý do kiến nghị."))
    indicators = list(indicators)
    scored = set(assessment.scores.values_list("indicator_id", flat=True))
    if not indicators:
        raise ValidationError(_("Cần chọn ít nhất một chỉ tiêu được kiến nghị."))
    if any(indicator.pk not in scored for indicator in indicators):
        raise ValidationError(_("Chỉ tiêu được chọn không thuộc hồ sơ."))
    if len(files) > MAX_FILES:
        raise ValidationError(_("Mỗi kiến nghị kèm tối đa %(max)s tệp.") % {"max": MAX_FILES})
    for uploaded in files:  # every file is checked before any is written
        check_upload(uploaded)
    now = timezone.now()
    request = ReviewRequest.objects.create(
        assessment=assessment,
        subject=filing.subject,
        disputed_decision=filing.decision,
        reasons=reasons,
        filed_by=actor,
        filed_at=now,
        answer_due=rules.answer_due(timezone.localdate(now), settings.REVIEW_ANSWER_DAYS),
    )
    request.indicators.set(indicators)
    stored = [_store_evidence(request, uploaded, actor) for uploaded in files]
    record(
        actor,
        "review.filed",
        assessment,
        {
            "request": request.pk,
            "subject": request.subject,
            "decision": filing.decision.number if filing.decision else None,
            "indicators": sorted(indicator.code for indicator in indicators),
            "reasons": reasons,
            "evidence": [{"name": e.original_name, "sha256": e.sha256} for e in stored],
            "answer_due": request.answer_due,
        },
    )
    _announce(request)
    public_results.forget()  # the public page marks the unit "under review"
    return request


def _kept_bytes(assessment) -> int:
    review_bytes = sum(
        ReviewEvidence.objects.filter(request__assessment=assessment).values_list("size", flat=True)
    )
    return evidence_files.kept_bytes(assessment=assessment) + review_bytes


def _store_evidence(request, uploaded, actor) -> ReviewEvidence:
    """The same checks as the commune's evidence: by content, within the upload rate and quotas."""
    count_upload(actor)
    check_quotas(
        uploaded,
        assessment_bytes=_kept_bytes(request.assessment),
        person_bytes=evidence_files.kept_bytes(person=actor),
    )
    checked = check_upload(uploaded)
    evidence = ReviewEvidence(
        request=request,
        original_name=uploaded.name[:255],
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    evidence.file.save(f"upload{checked.suffix}", uploaded, save=False)
    try:
        evidence.save()
    except Exception:
        evidence.file.delete(save=False)
        raise
    return evidence


@transaction.atomic
def attach_evidence(request, uploaded, *, actor) -> ReviewEvidence:
    """One more file for a request not yet answered, by the chair who may file for the unit."""
    request = _locked(request.pk)
    if not permissions.may_file(actor, request.assessment):
        raise PermissionDenied(_("Chỉ Chủ tịch UBND cấp xã được bổ sung tài liệu cho kiến nghị."))
    if request.state not in UNANSWERED:
        raise ValidationError(_("Kiến nghị đã được trả lời; không bổ sung tài liệu được nữa."))
    if request.evidence.count() >= MAX_FILES:
        raise ValidationError(_("Mỗi kiến nghị kèm tối đa %(max)s tệp.") % {"max": MAX_FILES})
    evidence = _store_evidence(request, uploaded, actor)
    record(
        actor,
        "review.evidence_added",
        request.assessment,
        {"request": request.pk, "name": evidence.original_name, "sha256": evidence.sha256},
    )
    return evidence


def _locked(pk) -> ReviewRequest:
    return (
        ReviewRequest.objects.select_for_update(of=("self",))
        .select_related("assessment__cycle", "assessment__unit", "assessment__body", "assigned_to")
        .get(pk=pk)
    )


# --- Assigning and answering --------------------------------------------------------------------


@transaction.atomic
def assign_request(request, *, appraiser, actor) -> ReviewRequest:
    """The head of the appraising body gives the request to one of its appraisers."""
    request = _locked(request.pk)
    _require(actor, permissions.ASSIGN, request)
    if request.state not in UNANSWERED:
        raise ValidationError(_("Kiến nghị đã được trả lời; không phân công lại được."))
    if (
        appraiser is None
        or not permissions.appraisers_for(request.assessment).filter(pk=appraiser.pk).exists()
    ):
        raise ValidationError(_("Người được phân công phải là cán bộ thẩm định phụ trách đơn vị này."))
    old = request.assigned_to.get_username() if request.assigned_to else None
    request.assigned_to, request.assigned_at, request.state = appraiser, timezone.now(), ReviewState.ASSIGNED
    request.save(update_fields=["assigned_to", "assigned_at", "state"])
    record(
        actor,
        "review.assigned",
        request.assessment,
        {"request": request.pk, "assigned_to": {"old": old, "new": appraiser.get_username()}},
    )
    _announce(request)
    return request


def _answer(request, answer, actor, state) -> tuple[ReviewRequest, dict]:
    request = _locked(request.pk)
    _require(actor, permissions.ANSWER, request)
    if request.state not in UNANSWERED:
        raise ValidationError(_("Kiến nghị này đã được trả lời."))
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError(_("Cần ghi nội dung trả lời (lý do chấp nhận hoặc không chấp nhận)."))
    now = timezone.now()
    request.answer, request.answered_by, request.answered_at = answer, actor, now
    request.answered_late = rules.is_late(timezone.localdate(now), request.answer_due)
    request.state = state
    request.save(update_fields=["answer", "answered_by", "answered_at", "answered_late", "state"])
    public_results.forget()  # a rejected request no longer marks the unit on the public page
    data = {"request": request.pk, "answer": answer, "due": request.answer_due, "late": request.answered_late}
    return request, data


@transaction.atomic
def accept_request(request, *, answer: str, actor) -> ReviewRequest:
    """Accepted: the named indicators are appraised again (the assessment shows "đang xem xét
    lại"); after the new approval the head issues a corrective decision."""
    request, data = _answer(request, answer, actor, ReviewState.ACCEPTED)
    assessment_services.reopen_for_review(
        request.assessment,
        indicators=request.indicators.all(),
        actor=actor,
        appraiser=request.assigned_to,
        data={"request": request.pk},
    )
    record(actor, "review.accepted", request.assessment, data)
    _announce(request)
    return request


@transaction.atomic
def reject_request(request, *, answer: str, actor) -> ReviewRequest:
    """Rejected with reasons: the result stands."""
    request, data = _answer(request, answer, actor, ReviewState.REJECTED)
    record(actor, "review.rejected", request.assessment, data)
    _announce(request)
    return request


# --- The corrective decision --------------------------------------------------------------------


def correction_refusal(request) -> str:
    """Why the head cannot yet draft the corrective decision ("" when they can)."""
    if request.state != ReviewState.ACCEPTED:
        return _("Chỉ lập quyết định điều chỉnh cho kiến nghị đã được chấp nhận.")
    if request.assessment.status != Status.APPRAISED:
        return _("Cần duyệt lại kết quả thẩm định các chỉ tiêu được kiến nghị trước khi lập quyết định.")
    return ""


@transaction.atomic
def draft_correction(request, *, actor, **values) -> Decision:
    """The head's draft of the decision that follows an accepted request: a recognition that
    supersedes the decision in force for the unit (or, when none was issued yet, the unit's first
    decision). The register's rules are `draft_decision`'s and `issue_decision`'s."""
    request = _locked(request.pk)
    _require(actor, permissions.CORRECT, request)
    refusal = correction_refusal(request)
    if refusal:
        raise ValidationError(refusal)
    assessment = request.assessment
    decision = assessment_services.draft_decision(
        assessment.body,
        assessments=[assessment],
        supersedes=register.in_force(assessment),
        kind=Decision.Kind.RECOGNITION,
        actor=actor,
        **values,
    )
    record(actor, "review.correction_drafted", assessment, {"request": request.pk, "decision": decision.pk})
    return decision


@transaction.atomic
def settle_after_issue(decision_id, *, actor) -> list[ReviewRequest]:
    """A recognition was issued: the accepted requests of the units it now decides are resolved."""
    decision = Decision.objects.get(pk=decision_id)
    if decision.kind != Decision.Kind.RECOGNITION:
        return []
    settled = []
    for request in (
        ReviewRequest.objects.select_for_update(of=("self",))
        .filter(
            state=ReviewState.ACCEPTED,
            assessment__decision_items__decision=decision,
            assessment__status__in=DECIDED,
        )
        .select_related("assessment")
    ):
        request.state, request.corrective_decision, request.resolved_at = (
            ReviewState.RESOLVED,
            decision,
            timezone.now(),
        )
        request.save(update_fields=["state", "corrective_decision", "resolved_at"])
        record(
            actor, "review.resolved", request.assessment, {"request": request.pk, "decision": decision.number}
        )
        _announce(request)
        settled.append(request)
    return settled
