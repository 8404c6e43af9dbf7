"""The appraiser's review on the indicator, over the services the pages call: accept the
commune's value, change it with a comment, write (or withdraw) the explanation request on the
indicator that the next round carries (sent by `POST …/return`), take over a commune given to
another appraiser, and give communes to appraisers in bulk.

An indicator is reviewed once it is accepted or changed (ADR 22): accepting or changing is how
it is marked reviewed. Accepting a whole criterion at once is `copy-self-to-appraisal` with its
`criterion`; the whole commune at once is refused."""

from typing import Annotated

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema
from ninja.responses import Status as Reply

from friendlygov.accounts.models import User
from friendlygov.assessments import selectors, services
from friendlygov.assessments.models import IndicatorScore

from .assessments import (
    CODE,
    IF_MATCH,
    MAX_ID,
    STEP_ERRORS,
    WRITE_ERRORS,
    AssessmentDetail,
    ExplanationRequestOut,
    Id,
    ScoreValue,
    Text,
    _payload_error,
    detail,
    shows_appraisal,
    visible_assessment,
)
from .auth import AUTH
from .shapes import ScoreOut
from .sync import IfMatch, step

router = Router(tags=["appraisal"], auth=AUTH)

IndicatorCode = Annotated[str, Path(**CODE)]
Reason = Annotated[Text, Field(min_length=1)]


class ChangeIn(Schema):
    version: int = Field(ge=1, le=MAX_ID, description="The row's version as you read it")
    appraised_value: ScoreValue | None = Field(
        default=None, description="The appraiser's value; null with appraised_na true"
    )
    appraised_na: bool = Field(default=False, description="The appraiser marks the indicator not applicable")
    comment: Reason = Field(description="Why the commune's value is changed (required)")


class RequestIn(Schema):
    reason: Reason = Field(description="What the commune must explain or add, on this indicator")


class AppraiserAssignIn(Schema):
    assessment_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(min_length=1, max_length=500)
    appraiser: Annotated[str, Field(min_length=1, max_length=150)] | None = Field(
        description="The appraiser's username; null takes the communes back (anyone of the body may "
        "then receive them)"
    )


class UnitOutcomeOut(Schema):
    assessment_id: int
    unit_code: str
    done: bool
    reason: str = Field(description="Why it was refused; empty when done")


def _row(user, assessment_id: int, code: str) -> IndicatorScore:
    assessment = visible_assessment(user, assessment_id)
    row = (
        assessment.scores.select_related("indicator__criterion", "assessment")
        .filter(indicator__code=code)
        .first()
    )
    if row is None:
        raise Http404
    row.assessment = assessment
    return row


def _score_out(user, assessment_id: int, row_pk: int) -> ScoreOut:
    assessment = visible_assessment(user, assessment_id)
    row = selectors.score_row(assessment, row_pk)
    return ScoreOut.of(row, show_appraisal=shows_appraisal(user, assessment))


@router.post(
    "/{assessment_id}/scores/{indicator_code}/accept",
    response={200: ScoreOut, **STEP_ERRORS},
    summary="Accept the commune's value of one indicator (marks it reviewed)",
    description=IF_MATCH,
)
def accept_indicator(request, assessment_id: Id, indicator_code: IndicatorCode, if_match: IfMatch = None):
    row = _row(request.user, assessment_id, indicator_code)
    step(
        if_match,
        assessment_id,
        lambda: services.accept_indicators(row.assessment, score_ids=[row.pk], actor=request.user),
    )
    return _score_out(request.user, assessment_id, row.pk)


@router.post(
    "/{assessment_id}/scores/{indicator_code}/change",
    response={200: ScoreOut, **STEP_ERRORS},
    summary="Change the commune's value of one indicator, with the comment that says why (marks it reviewed)",
    description=IF_MATCH + " A stale row `version` answers 409 `stale_version` with the row as saved now.",
)
def change_indicator(
    request, assessment_id: Id, indicator_code: IndicatorCode, payload: ChangeIn, if_match: IfMatch = None
):
    if payload.appraised_value is None and not payload.appraised_na:
        raise _payload_error("appraised_value", _("Hãy nhập điểm thẩm định, hoặc đánh dấu không áp dụng."))
    row = _row(request.user, assessment_id, indicator_code)
    step(
        if_match,
        assessment_id,
        lambda: services.change_indicator(
            row,
            expected_version=payload.version,
            value=payload.appraised_value,
            na=payload.appraised_na,
            comment=payload.comment,
            actor=request.user,
        ),
    )
    return _score_out(request.user, assessment_id, row.pk)


@router.put(
    "/{assessment_id}/scores/{indicator_code}/explanation-request",
    response={200: ExplanationRequestOut, **STEP_ERRORS},
    summary="Write the explanation request on one indicator (a draft, sent with the next round)",
    description=IF_MATCH + " Nothing reaches the commune until `POST …/return` sends the round.",
)
def write_explanation_request(
    request, assessment_id: Id, indicator_code: IndicatorCode, payload: RequestIn, if_match: IfMatch = None
):
    row = _row(request.user, assessment_id, indicator_code)
    written = step(
        if_match,
        assessment_id,
        lambda: services.draft_explanation(row, reason=payload.reason, actor=request.user),
    )
    written.indicator = row.indicator
    return ExplanationRequestOut.of(written)


@router.delete(
    "/{assessment_id}/scores/{indicator_code}/explanation-request",
    response={204: None, **STEP_ERRORS},
    summary="Withdraw the draft explanation request of one indicator",
    description=IF_MATCH,
)
def withdraw_explanation_request(
    request, assessment_id: Id, indicator_code: IndicatorCode, if_match: IfMatch = None
):
    row = _row(request.user, assessment_id, indicator_code)
    if not row.assessment.explanation_requests.filter(draft=True, indicator_id=row.indicator_id).exists():
        raise Http404
    step(if_match, assessment_id, lambda: services.draft_explanation(row, reason="", actor=request.user))
    return Reply(204, None)


@router.post(
    "/{assessment_id}/take-over",
    response={200: AssessmentDetail, **STEP_ERRORS},
    summary="The head of the body takes over a commune given to another appraiser, to appraise it",
    description=IF_MATCH,
)
def take_over_appraisal(request, assessment_id: Id, if_match: IfMatch = None):
    assessment = visible_assessment(request.user, assessment_id)
    step(if_match, assessment_id, lambda: services.take_over_appraisal(assessment, actor=request.user))
    return detail(request.user, assessment_id)


@router.post(
    "/assign",
    response={200: list[UnitOutcomeOut], **WRITE_ERRORS},
    summary="The head gives communes to one appraiser of the body (or takes them back), unit by unit",
    description="Each commune goes through the same service as on the queue page; a refusal is "
    "reported for its unit, with the reason, and does not stop the others.",
)
def assign_appraiser(request, payload: AppraiserAssignIn):
    appraiser = None
    if payload.appraiser is not None:
        appraiser = User.objects.filter(username=payload.appraiser, is_active=True).first()
        if appraiser is None:
            raise _payload_error("appraiser", _("Không có người dùng nào mang tên đăng nhập này."))
    chosen = selectors.chosen_assessments(request.user, payload.assessment_ids)
    unseen = sorted(set(payload.assessment_ids) - {a.pk for a in chosen})
    if unseen:
        raise _payload_error(
            "assessment_ids",
            _("Không tìm thấy hồ sơ, hoặc bạn không có quyền xem: %(ids)s.")
            % {"ids": ", ".join(map(str, unseen))},
        )
    outcomes = services.assign_many(chosen, appraiser=appraiser, actor=request.user)
    return [
        UnitOutcomeOut(
            assessment_id=o.assessment.pk, unit_code=o.assessment.unit.code, done=o.done, reason=o.reason
        )
        for o in outcomes
    ]
