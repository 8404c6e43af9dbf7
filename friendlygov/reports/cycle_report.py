"""One cycle's results for the printed cycle report: every unit in the reader's scope, its decided
or approved points and level, the counts by level and the targets."""

from dataclasses import dataclass
from decimal import Decimal

from friendlygov.assessments import permissions
from friendlygov.assessments.models import Assessment
from friendlygov.assessments.workflow import (
    APPRAISED,
    FINAL,
    Status,
    decided_level,
    shown_layer,
)
from friendlygov.frameworks.scoring import ZERO
from friendlygov.programs.selectors import rules_for


@dataclass(frozen=True)
class CycleRow:
    unit: object
    body_name: str
    status: str
    status_label: str
    score: Decimal | None
    level: int | None
    decided: bool


@dataclass(frozen=True)
class CycleOverview:
    year: int
    name: str
    rows: tuple[CycleRow, ...]
    by_level: dict
    undecided: int
    targets: tuple
    cycle_total: int  # every assessment of the cycle, whatever the user's scope

    @property
    def units_total(self) -> int:
        return len(self.rows)

    @property
    def whole_cycle(self) -> bool:
        return self.units_total == self.cycle_total


def cycle_overview(user, year: int) -> CycleOverview | None:
    """The assessments of one cycle the user may see: levels (decided units only; the others
    count as not qualified, as the targets do), the targets and the table. Three queries."""
    visible = list(
        permissions.visible(user)
        .filter(cycle__year=year)
        .select_related("cycle", "unit", "body")
        .order_by("unit__search_name", "unit__code")
    )
    if not visible:
        return None
    rows = []
    for item in visible:
        level = decided_level(item.status, item.final_level)
        # The report lists decided and approved points; the commune's own claim is not reported.
        score = {FINAL: item.final_score, APPRAISED: item.appraised_score}.get(shown_layer(item.status))
        rows.append(
            CycleRow(
                unit=item.unit,
                body_name=item.body.name,
                status=item.status,
                status_label=Status(item.status).label,
                score=score,
                level=level,
                decided=level is not None,
            )
        )
    rows.sort(
        key=lambda r: (-(r.level if r.level is not None else -1), -(r.score or ZERO), r.unit.search_name)
    )
    rules = rules_for(visible[0].cycle)
    by_level = dict.fromkeys(rules.levels, 0)
    for row in rows:
        if row.decided:
            by_level[row.level] += 1
    undecided = sum(1 for row in rows if not row.decided)
    targets = tuple(rules.attainment(year, by_level, units_total=len(rows)))
    return CycleOverview(
        year=year,
        name=visible[0].cycle.name,
        rows=tuple(rows),
        by_level=by_level,
        undecided=undecided,
        targets=targets,
        cycle_total=Assessment.objects.filter(cycle__year=year).count(),
    )
