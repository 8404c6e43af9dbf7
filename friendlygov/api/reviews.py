"""Review requests (kiến nghị về kết quả) over `friendlygov.reviews.services`: list and read what
the policy shows you; the commune chair files (and adds evidence), the head of the appraising body
assigns, the head or the assigned appraiser answers. A request the caller may not read answers 404."""

from datetime import date, datetime
from typing import Annotated, Literal

from django.db.models import DateTimeField, F, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema, UploadedFile
from ninja.responses import Status as Reply
from pydantic import AfterValidator

from friendlygov.accounts.models import User
from friendlygov.assessments.limits import TEXT_MAX
from friendlygov.reviews import selectors, services
from friendlygov.reviews.models import ReviewEvidence, ReviewRequest, ReviewState, Subject

from .assessments import CODE, MAX_ID, Id, _no_nul, _payload_error, _person, visible_assessment
from .auth import AUTH
from .pagination import Shown, paged
from .shapes import UNIT_ID, error_responses
from .sync import UpdatedSince

READ_ERRORS = error_responses(401, 404, 422)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 409, 422)

router = Router(tags=["reviews"], auth=AUTH)

Code = Annotated[str, Field(**CODE)]
Text = Annotated[str, Field(min_length=1, max_length=TEXT_MAX), AfterValidator(_no_nul)]


class ReviewEvidenceOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime


class ReviewOut(Schema):
    id: int
    assessment_id: int
    unit_id: str = Field(description=UNIT_ID, examples=["10804@2025-07-01"])
    unit_code: str
    unit_name: str
    cycle: int = Field(description="The cycle's year")
    subject: Subject = Field(description="What is disputed: the appraisal result, or the decision in force")
    disputed_decision: str | None = Field(description="The number of the decision disputed, if any")
    state: ReviewState
    state_label: str
    indicators: list[str] = Field(description="The codes of the indicators the request names")
    reasons: str
    filed_by: str
    filed_at: datetime
    answer_due: date = Field(description="The appraising body answers by this day (REVIEW_ANSWER_DAYS)")
    overdue: bool = Field(description="Unanswered after the due day, or answered after it")
    assigned_to: str | None
    answer: str
    answered_at: datetime | None
    answered_late: bool
    corrective_decision: str | None = Field(description="The number of the decision that settled it")
    updated_at: datetime = Field(
        description="Its last change: filed, evidence added, assigned, answered or resolved"
    )
    evidence: list[ReviewEvidenceOut]

    @staticmethod
    def of(request: ReviewRequest) -> "ReviewOut":
        assessment = request.assessment
        files = list(request.evidence.all())
        steps = (request.filed_at, request.assigned_at, request.answered_at, request.resolved_at)
        return ReviewOut(
            id=request.pk,
            assessment_id=assessment.pk,
            unit_id=assessment.unit_id,
            unit_code=assessment.unit.code,
            unit_name=assessment.unit.name,
            cycle=assessment.cycle.year,
            subject=request.subject,
            disputed_decision=request.disputed_decision.number if request.disputed_decision else None,
            state=request.state,
            state_label=str(request.get_state_display()),
            indicators=[i.code for i in sorted(request.indicators.all(), key=lambda i: i.order)],
            reasons=request.reasons,
            filed_by=_person(request.filed_by),
            filed_at=request.filed_at,
            answer_due=request.answer_due,
            overdue=selectors.timing(request).late,
            assigned_to=request.assigned_to.get_username() if request.assigned_to else None,
            answer=request.answer,
            answered_at=request.answered_at,
            answered_late=request.answered_late,
            corrective_decision=request.corrective_decision.number if request.corrective_decision else None,
            evidence=[
                ReviewEvidenceOut(
                    id=e.pk,
                    name=e.original_name,
                    content_type=e.content_type,
                    size=e.size,
                    sha256=e.sha256,
                    uploaded_at=e.uploaded_at,
                )
                for e in files
            ],
            # As `with_last_change` computes it in the database for `updated_since`.
            updated_at=max([t for t in steps if t is not None] + [e.uploaded_at for e in files]),
        )


class FileIn(Schema):
    assessment_id: Annotated[int, Field(ge=1, le=MAX_ID)]
    indicators: list[Code] = Field(
        min_length=1, max_length=100, description="Codes of the disputed indicators"
    )
    reasons: Annotated[Text, Field(description="Why the result is wrong")]


class AssignIn(Schema):
    appraiser: Annotated[str, Field(min_length=1, max_length=150, description="The appraiser's username")]


class AnswerIn(Schema):
    outcome: Literal["accept", "reject"] = Field(
        description="accept: the named indicators are re-appraised, then a corrective decision follows; "
        "reject: the result stands"
    )
    answer: Annotated[Text, Field(description="The reasons, read by the commune")]


@router.get("", response={200: list[ReviewOut], **READ_ERRORS}, summary="Review requests you can see")
@paged
def list_reviews(request, open: bool = False, updated_since: UpdatedSince = None):
    """`open=true`: not yet settled; `updated_since`: changed at or after it."""
    rows = with_last_change(selectors.requests_for(request.user, only_open=open)).select_related(
        "disputed_decision", "corrective_decision"
    )
    if updated_since is not None:
        rows = rows.filter(updated_at__gte=updated_since)
    return Shown(rows.prefetch_related("evidence").order_by("-filed_at", "pk"), ReviewOut.of)


def with_last_change(requests):
    """Each request with `updated_at`: the latest of its steps' times and its evidence's uploads
    (each step is a column of the request; the audit events of reviews are about the assessment)."""
    filed = F("filed_at")
    newest_file = (
        ReviewEvidence.objects.filter(request=OuterRef("pk"))
        .order_by("-uploaded_at")
        .values("uploaded_at")[:1]
    )
    steps = [Coalesce(step, filed) for step in ("assigned_at", "answered_at", "resolved_at")]
    steps.append(Coalesce(Subquery(newest_file), filed))
    return requests.annotate(updated_at=Greatest(filed, *steps, output_field=DateTimeField()))


@router.get("/{review_id}", response={200: ReviewOut, **READ_ERRORS}, summary="One review request")
def get_review(request, review_id: Id):
    return ReviewOut.of(selectors.request_for(request.user, review_id))


@router.post(
    "",
    response={201: ReviewOut, **WRITE_ERRORS},
    summary="File a review request (the commune chair, within REVIEW_FILING_DAYS of the result)",
)
def file_review(request, payload: FileIn):
    assessment = visible_assessment(request.user, payload.assessment_id)
    by_code = {i.code: i for i in assessment.cycle.framework.indicators.filter(code__in=payload.indicators)}
    unknown = sorted(set(payload.indicators) - set(by_code))
    if unknown:
        raise _payload_error(
            "indicators", _("Hồ sơ không có các chỉ tiêu: %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    review = services.file_request(
        assessment,
        indicators=[by_code[code] for code in dict.fromkeys(payload.indicators)],
        reasons=payload.reasons,
        actor=request.user,
    )
    return Reply(201, ReviewOut.of(selectors.request_for(request.user, review.pk)))


@router.post(
    "/{review_id}/evidence",
    response={201: ReviewOut, **WRITE_ERRORS},
    summary="Add an evidence file to a request not yet answered (PDF, JPEG, PNG, DOCX, XLSX)",
)
def add_review_evidence(request, review_id: Id, file: File[UploadedFile]):
    review = selectors.request_for(request.user, review_id)
    if "\x00" in file.name:
        raise _payload_error("file", _("Tên tệp không được chứa ký tự NUL."), source="file")
    services.attach_evidence(review, file, actor=request.user)
    return Reply(201, ReviewOut.of(selectors.request_for(request.user, review_id)))


@router.post(
    "/{review_id}/assign",
    response={200: ReviewOut, **WRITE_ERRORS},
    summary="Assign a request to an appraiser (the head of the appraising body)",
)
def assign_review(request, review_id: Id, payload: AssignIn):
    review = selectors.request_for(request.user, review_id)
    appraiser = User.objects.filter(username=payload.appraiser, is_active=True).first()
    services.assign_request(review, appraiser=appraiser, actor=request.user)
    return ReviewOut.of(selectors.request_for(request.user, review_id))


@router.post(
    "/{review_id}/answer",
    response={200: ReviewOut, **WRITE_ERRORS},
    summary="Accept or reject a request (the head, or the appraiser it is assigned to)",
)
def answer_review(request, review_id: Id, payload: AnswerIn):
    review = selectors.request_for(request.user, review_id)
    answer = services.accept_request if payload.outcome == "accept" else services.reject_request
    answer(review, answer=payload.answer, actor=request.user)
    return ReviewOut.of(selectors.request_for(request.user, review_id))
