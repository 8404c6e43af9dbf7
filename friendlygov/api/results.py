"""Results of a cycle: the level distribution against the year's targets, and one line per unit.

Mounted on /cycles next to the assessments' cycles router. A cycle that issued decisions have fully
settled is public; before that, only signed-in users read it, each within the assessments the
permission policy lets them see (401 when not signed in, 404 when they see nothing of it).
The numbers are those of `friendlygov.reports.selectors`, the same as the dashboard's."""

from dataclasses import asdict
from datetime import datetime
from typing import Annotated

from django.http import Http404, HttpResponse
from ninja import Field, Path, Router, Schema
from ninja.errors import AuthenticationError

from friendlygov.assessments import permissions
from friendlygov.assessments.models import Assessment, Cycle
from friendlygov.assessments.workflow import Status, decided_level_is
from friendlygov.programs.selectors import rules_for
from friendlygov.reports import selectors

from .auth import OPTIONAL_AUTH
from .filters import Group, Level, UnitCode
from .pagination import Shown, paged
from .shapes import UNIT_ID, DecimalString, announce_deprecation, error_responses
from .sync import UpdatedSince, assessments_with_updated_at

router = Router(tags=["results"])

# Any year in range that is not public answers 401 to an anonymous caller, like a private path.
ERRORS = error_responses(401, 404)
YearPath = Annotated[int, Path(ge=1, le=9999, description="The cycle's year")]


class TargetOut(Schema):
    rule: str = Field(description="Stable code of the rule, e.g. share_level_2_plus_50pct")
    description: str
    required: int = Field(description="Units needed at the rule's level or above")
    actual: int = Field(description="Units at the rule's level or above (decided levels only)")
    met: bool
    gap_units: int = Field(description="How many more units are needed (0 when met)")


class SummaryOut(Schema):
    year: int
    units_total: int = Field(description="Every assessment of the cycle in scope: the denominator")
    decided: int = Field(description="Units whose result an issued decision settled")
    undecided: int = Field(description="Units not decided yet: units_total − decided")
    by_decided_level: dict[str, int] = Field(
        description='Decided units by recognition level: "0" = decided as not recognised, "1"–"4" the '
        "levels. With `undecided` they add up to `units_total`",
        examples=[{"0": 2, "1": 3, "2": 4, "3": 1, "4": 0}],
    )
    by_level: dict[str, int] = Field(
        description='Deprecated (sunset 2027-07-01): "0" counts the units not recognised and the units '
        'not decided yet together; read `by_decided_level` and `undecided` instead. "1"–"4" as there',
        json_schema_extra={"deprecated": True},
    )
    targets: list[TargetOut]


class ResultOut(Schema):
    unit_id: str = Field(description=UNIT_ID, examples=["10804@2025-07-01"])
    unit_code: str
    unit_name: str
    final_score: DecimalString | None = Field(description="Once the appraisal is approved")
    level: int | None = Field(
        description="Recognition level decided (an integer within the program's bands), 0 = not "
        "qualified; null while undecided"
    )
    status: str
    decision_number: str | None
    updated_at: datetime | None = Field(
        description="The unit's assessment's last change (the newest audit event about it)"
    )
    reasons: list[str] = Field(
        description="Why a decided unit is not recognised: the conditions it failed, with their figures "
        "(e.g. “TC2 đạt 31,5% < 50%”), as stored with the result when the appraisal was approved; "
        "empty when none failed or while undecided"
    )


def _cycle_of(year: int) -> Cycle | None:
    return Cycle.objects.filter(year=year).order_by("pk").first()


def _scope(request, year: int):
    """The cycle and the assessments of it the caller may read (see the module docstring)."""
    cycle = _cycle_of(year)
    if cycle is not None and selectors.cycle_is_decided(cycle):
        return cycle, Assessment.objects.all()
    if not request.user.is_authenticated:
        raise AuthenticationError
    scope = permissions.visible(request.user)
    if cycle is None or not scope.filter(cycle=cycle).exists():
        raise Http404
    return cycle, scope


def _scope_counts(request, year: int) -> dict:
    """`_scope` for the summary: the counts per (status, level) of the year's cycle in the caller's
    scope, reading the whole cycle's counts once for both the public check and a caller who sees
    everything. A decided cycle, the common case, costs that one query: its cycle is found inside
    it rather than read first."""
    everything, decided = selectors.decided_counts(_first_cycle_of(year))
    if decided:
        return everything
    cycle = _cycle_of(year)
    if cycle is None:
        if not request.user.is_authenticated:
            raise AuthenticationError
        raise Http404
    if not request.user.is_authenticated:
        raise AuthenticationError
    scope = permissions.visible(request.user)
    counts = (
        everything
        if permissions.sees_everything(request.user)
        else selectors.status_level_counts(cycle, scope)
    )
    if not counts:
        raise Http404
    return counts


def _first_cycle_of(year: int):
    """`_cycle_of(year)` as a subquery."""
    return Cycle.objects.filter(year=year).order_by("pk").values("pk")[:1]


@router.get(
    "/{year}/summary",
    response={200: SummaryOut, **ERRORS},
    auth=OPTIONAL_AUTH,
    summary="Levels and targets of a cycle",
    operation_id="getCycleSummary",
)
def cycle_summary(request, response: HttpResponse, year: YearPath):
    summary = selectors.summary_of_counts(year, _scope_counts(request, year), rules_for(_cycle_of(year)))
    by_level = {str(level): count for level, count in summary.by_level.items()}
    announce_deprecation(response)  # by_level, see the API changelog
    return {
        "year": summary.year,
        "units_total": summary.units_total,
        "decided": summary.decided,
        "undecided": summary.undecided,
        # The counted level puts undecided units at 0 (they count for no target); here they are apart.
        "by_decided_level": {**by_level, "0": by_level["0"] - summary.undecided},
        "by_level": by_level,
        "targets": [
            {
                "rule": t.rule.code,
                "description": t.rule.describe(),
                "required": t.required_units,
                "actual": t.actual_units,
                "met": t.met,
                "gap_units": t.gap_units,
            }
            for t in summary.targets
        ],
    }


@router.get(
    "/{year}/results",
    response={200: list[ResultOut], **ERRORS},
    auth=OPTIONAL_AUTH,
    summary="One line per unit of a cycle",
    operation_id="listResults",
)
@paged
def cycle_results(
    request,
    year: YearPath,
    unit: UnitCode = None,
    status: Status | None = None,
    level: Level = None,
    group: Group = None,
    updated_since: UpdatedSince = None,
):
    """Filters as on the assessment list; `group` is the appraising body's unit code;
    `updated_since` keeps the units whose assessment changed at or after it."""
    cycle, scope = _scope(request, year)
    if unit:
        scope = scope.filter(unit__code=unit)
    if status is not None:
        scope = scope.filter(status=status)
    if level is not None:
        scope = scope.filter(decided_level_is(level))
    if group:
        scope = scope.filter(body__unit__code=group)
    return Shown(ResultLines(cycle, scope.filter(cycle=cycle), updated_since))


class ResultLines:
    """The result lines of the assessments `scope`, as `Shown` pages them: counted and sliced by
    the database in the order of `selectors.snapshot`, and only the lines of the page built."""

    def __init__(self, cycle: Cycle, scope, updated_since: datetime | None):
        self.cycle = cycle
        self.chosen = scope if updated_since is None else assessments_with_updated_at(scope, updated_since)

    def count(self) -> int:
        return self.chosen.count()

    def __getitem__(self, shown: slice) -> list[dict]:
        pks = list(
            self.chosen.order_by("unit__search_name", "unit__code").values_list("pk", flat=True)[shown]
        )
        page = Assessment.objects.filter(pk__in=pks)
        stamps = dict(assessments_with_updated_at(page).values_list("unit_id", "updated_at"))
        lines = selectors.results(selectors.snapshot(self.cycle, page))
        return [{**asdict(line), "updated_at": stamps.get(line.unit_id)} for line in lines]
