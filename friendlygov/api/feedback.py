"""Citizen satisfaction results over the feedback selectors and policy (friendlygov.feedback).

Signed-in only. Before a cycle's self-assessment deadline has passed, a commune's own users get
403 with the reason (the embargo) while the appraising body and the province read the numbers.
Comments are never in the API; the pages show them to the roles allowed to read them."""

from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema

from friendlygov.assessments import permissions as assessment_permissions
from friendlygov.assessments import selectors as assessment_selectors
from friendlygov.assessments.models import Cycle
from friendlygov.feedback import permissions, selectors

from .auth import AUTH
from .pagination import paged
from .results import YearPath
from .shapes import DecimalString, error_responses

router = Router(tags=["feedback"], auth=AUTH)
ERRORS = error_responses(401, 403, 404)
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


class RateOut(Schema):
    """Read from a `feedback.stats.Rate`: its fields and properties."""

    responses: int
    satisfied: int = Field(description="Answers 4 or 5 on the 5-point overall question")
    percent: DecimalString | None = Field(description="satisfied ÷ responses × 100; null without answers")
    margin_of_error: DecimalString | None = Field(description="95% confidence, in percentage points")
    population: int | None = Field(description="N entered for the unit and cycle")
    recommended: int | None = Field(description="n = N / (1 + N·e²), e = 5%")
    too_small: bool


class PointsOut(Schema):
    indicator: str
    question: str
    rate: RateOut
    survey_points: DecimalString | None = Field(description="The framework's mapping applied to the rate")
    claimed_points: DecimalString | None
    appraised_points: DecimalString | None = Field(description="Null until the caller may see the appraisal")


class UnitSurveyOut(Schema):
    assessment_id: int
    unit_code: str
    unit_name: str
    year: int
    overall: RateOut
    by_channel: dict[str, int]
    points: list[PointsOut]


class CycleLineOut(Schema):
    assessment_id: int
    unit_code: str
    unit_name: str
    overall: RateOut
    by_channel: dict[str, int]


def _embargoed(cycle):
    return PermissionDenied(
        _("Kết quả khảo sát của xã chỉ mở cho xã sau hạn tự đánh giá (%(day)s).")
        % {"day": cycle.self_assessment_closes.strftime("%d/%m/%Y")}
    )


@router.get(
    "/assessments/{id}",
    response={200: UnitSurveyOut, **ERRORS},
    summary="Survey results of one unit",
    operation_id="getUnitFeedback",
)
def unit_results(request, id: Id):
    assessment = assessment_selectors.assessment_for(request.user, id)
    if not permissions.may_see_results(request.user, assessment):
        raise _embargoed(assessment.cycle)
    survey = selectors.unit_survey(assessment)
    show_appraisal = assessment_permissions.may_see_appraisal(request.user, assessment)
    return {
        "assessment_id": assessment.pk,
        "unit_code": assessment.unit.code,
        "unit_name": assessment.unit.name,
        "year": assessment.cycle.year,
        "overall": survey.overall,
        "by_channel": {value: count for value, _label, count in survey.channels},
        "points": [
            {
                "indicator": line.indicator.code,
                "question": line.question.code,
                "rate": line.rate,
                "survey_points": line.points,
                "claimed_points": line.claimed,
                "appraised_points": line.appraised if show_appraisal else None,
            }
            for line in survey.points
        ],
    }


@router.get(
    "/cycles/{year}",
    response={200: list[CycleLineOut], **ERRORS},
    summary="Survey results of a cycle",
    operation_id="listCycleFeedback",
)
@paged
def cycle_results(request, year: YearPath):
    cycle = Cycle.objects.filter(year=year).order_by("pk").first()
    visible = assessment_permissions.visible(request.user)
    if cycle is None or not visible.filter(cycle=cycle).exists():
        raise Http404
    scope = permissions.results_scope(request.user, cycle)
    if not scope.exists():
        raise _embargoed(cycle)
    survey = selectors.cycle_survey(cycle, scope)
    return [
        {
            "assessment_id": line.assessment.pk,
            "unit_code": line.assessment.unit.code,
            "unit_name": line.assessment.unit.name,
            "overall": line.overall,
            "by_channel": {value: line.by_channel.get(value, 0) for value in ("qr", "paper", "other")},
        }
        for line in survey.lines
    ]
