"""A one-line account of each cycle: assessments by state, levels, and the year's targets."""

from collections import Counter
from dataclasses import dataclass

from friendlygov.assessments.models import Assessment, Cycle
from friendlygov.programs.selectors import rules_for
from friendlygov.reports.targets import TargetResult


@dataclass(frozen=True)
class DemoSummary:
    year: int
    name: str
    by_status: dict[str, int]
    by_level: dict[int, int]  # final level of the assessments that have one (0 = not qualified)
    targets: list[TargetResult]

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    def line(self) -> str:
        states = ", ".join(f"{status} {count}" for status, count in sorted(self.by_status.items()))
        levels = " ".join(f"L{level}:{count}" for level, count in sorted(self.by_level.items()))
        goals = "; ".join(
            f"{t.rule.code} {'met' if t.met else 'not met'} ({t.actual_units}/{t.required_units})"
            for t in self.targets
        )
        return f"{self.name}: {self.total} ({states}) levels {levels or '-'} targets {goals or '-'}"


def cycle_summaries() -> list[DemoSummary]:
    rows = Assessment.objects.values_list("cycle_id", "status", "final_level")
    by_status, by_level = {}, {}
    for cycle_id, status, level in rows:
        by_status.setdefault(cycle_id, Counter())[status] += 1
        if level is not None:
            by_level.setdefault(cycle_id, Counter())[level] += 1
    summaries = []
    for cycle in Cycle.objects.order_by("year"):
        levels = dict(by_level.get(cycle.pk, {}))
        total = sum(by_status.get(cycle.pk, {}).values())
        summaries.append(
            DemoSummary(
                year=cycle.year,
                name=cycle.name,
                by_status=dict(by_status.get(cycle.pk, {})),
                by_level=levels,
                targets=rules_for(cycle).attainment(cycle.year, levels, units_total=total),
            )
        )
    return summaries
