"""Citizen satisfaction results over the feedback selectors and policy (friendlygov.feedback).

Signed-in only. Before a cycle's self-assessment deadline has passed, a commune's own users get
403 with the reason (the embargo) while the appraising body and the province read the numbers.
Comments are never in the API; the pages show them to the roles allowed to read them."""

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.db.models import CharField, Max
from django.db.models.functions import Cast
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema

from friendlygov.assessments import permissions as assessment_permissions
from friendlygov.assessments import selectors as assessment_selectors
from friendlygov.assessments.models import Assessment, Cycle
from friendlygov.audit.models import AuditEvent
from friendlygov.feedback import permissions, selectors
from friendlygov.feedback.models import SurveyResponse

from .auth import AUTH
from .pagination import Shown, paged
from .results import YearPath
from .shapes import UNIT_ID, DecimalString, announce_deprecation, error_responses
from .sync import UpdatedSince

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
    indicator_code: str
    indicator: str = Field(
        description="Deprecated (sunset 2027-07-01): the indicator's code, now `indicator_code` as "
        "everywhere else",
        json_schema_extra={"deprecated": True},
    )
    question: str
    rate: RateOut
    survey_points: DecimalString | None = Field(description="The framework's mapping applied to the rate")
    claimed_points: DecimalString | None
    appraised_points: DecimalString | None = Field(description="Null until the caller may see the appraisal")


UPDATED_AT = Field(
    description="The last change of the unit's survey results: an answer received (answers keep only "
    "their day, never the time, so an answer counts from the start of its day, Vietnam time), a paper "
    "form entered or the population N set; when its cycle opened if nothing yet"
)


class UnitSurveyOut(Schema):
    assessment_id: int
    unit_id: str = Field(description=UNIT_ID, examples=["10804@2025-07-01"])
    unit_code: str
    unit_name: str
    cycle: int = Field(description="The cycle's year")
    year: int = Field(
        description="Deprecated (sunset 2027-07-01): the cycle's year, now `cycle` as everywhere else",
        json_schema_extra={"deprecated": True},
    )
    overall: RateOut
    by_channel: dict[str, int]
    points: list[PointsOut]
    updated_at: datetime = UPDATED_AT


class CycleLineOut(Schema):
    assessment_id: int
    unit_id: str = Field(description=UNIT_ID, examples=["10804@2025-07-01"])
    unit_code: str
    unit_name: str
    overall: RateOut
    by_channel: dict[str, int]
    updated_at: datetime = UPDATED_AT


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
def unit_results(request, response: HttpResponse, id: Id):
    assessment = assessment_selectors.assessment_for(request.user, id)
    if not permissions.may_see_results(request.user, assessment):
        raise _embargoed(assessment.cycle)
    survey = selectors.unit_survey(assessment)
    show_appraisal = assessment_permissions.may_see_appraisal(request.user, assessment)
    announce_deprecation(response)
    return {
        "assessment_id": assessment.pk,
        "unit_id": assessment.unit_id,
        "unit_code": assessment.unit.code,
        "unit_name": assessment.unit.name,
        "cycle": assessment.cycle.year,
        "year": assessment.cycle.year,
        "overall": survey.overall,
        "by_channel": {value: count for value, _label, count in survey.channels},
        "updated_at": last_changes([assessment.pk], assessment.cycle)[assessment.pk].at,
        "points": [
            {
                "indicator_code": line.indicator.code,
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
def cycle_results(request, year: YearPath, updated_since: UpdatedSince = None):
    """`updated_since` keeps the units whose survey results changed at or after it (an answer
    counts from the start of the day it was received: you may get a line twice, never zero times)."""
    cycle = Cycle.objects.filter(year=year).order_by("pk").first()
    visible = assessment_permissions.visible(request.user)
    if cycle is None or not visible.filter(cycle=cycle).exists():
        raise Http404
    scope = permissions.results_scope(request.user, cycle)
    if not scope.exists():
        raise _embargoed(cycle)
    ids = selectors.survey_order(cycle, scope)
    if updated_since is not None:
        changed = last_changes(ids, cycle)
        ids = [pk for pk in ids if changed[pk].since(updated_since)]
    return SurveyLines(cycle, ids)


class SurveyLines(Shown):
    """The cycle's lines, counted by the database and built only for the page asked for (the
    rates of a page of units, never of the whole cycle)."""

    def __init__(self, cycle, ids):
        super().__init__(ids)
        self.cycle = cycle

    def page(self, offset: int, limit: int) -> list:
        ids = list(self.items[offset : offset + limit])
        survey = selectors.cycle_survey(self.cycle, None, page=ids, with_points=False)
        changed = last_changes(ids, self.cycle)
        return [
            {
                "assessment_id": line.assessment.pk,
                "unit_id": line.assessment.unit_id,
                "unit_code": line.assessment.unit_code,
                "unit_name": line.assessment.unit_name,
                "overall": line.overall,
                "by_channel": {value: line.by_channel.get(value, 0) for value in ("qr", "paper", "other")},
                "updated_at": changed[line.assessment.pk].at,
            }
            for line in survey.lines
        ]


@dataclass(frozen=True)
class SurveyChange:
    """When a unit's survey results last changed: `at` is its `updated_at`; `day` the day of its
    newest answer, which keeps no time (an answer received later that day is after `at`)."""

    at: datetime
    day: date | None

    def since(self, moment: datetime) -> bool:
        """Changed at or after `moment`, counting an answer for its whole day: a line may come twice,
        never zero times."""
        return self.at >= moment or (self.day is not None and self.day >= timezone.localdate(moment))


def last_changes(ids, cycle) -> dict[int, SurveyChange]:
    """The last change of the survey results of each of the cycle's assessments `ids` (a list, or
    a query of ids: the cycle's are aggregated over a join, not a list of every id) (UPDATED_AT),
    in three queries at most."""
    ids = list(ids) if isinstance(ids, list | tuple) else ids
    days = dict(
        SurveyResponse.objects.filter(assessment_id__in=ids)
        .values("assessment_id")
        .annotate(day=Max("received_on"))
        .values_list("assessment_id", "day")
    )
    written = dict(
        AuditEvent.objects.filter(
            target_type=Assessment._meta.label_lower,
            target_id__in=[str(pk) for pk in ids] if isinstance(ids, list) else _as_text(ids),
            event_type__startswith="feedback.",
        )
        .values("target_id")
        .annotate(at=Max("occurred_at"))
        .values_list("target_id", "at")
    )
    changed = {}
    for pk in ids:
        day = days.get(pk)
        times = [
            day and timezone.make_aware(datetime.combine(day, time.min)),
            written.get(str(pk)),
            cycle.opened_at,
        ]
        at = max([t for t in times if t is not None], default=cycle.updated_at)
        changed[pk] = SurveyChange(at, day)
    return changed


def _as_text(ids):
    """The audit log keeps target ids as text: the query's ids cast to compare with them."""
    return ids.annotate(text_id=Cast("pk", CharField())).values("text_id")
