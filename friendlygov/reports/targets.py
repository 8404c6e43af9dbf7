"""Yearly target attainment: pure functions over a level distribution (no database).

The schedule is a program's data (friendlygov/programs: `rules_for(cycle).schedule`, versioned and
edited by the provincial administrator). `data/targets.yaml` holds Hải Dương's 2024–2030 targets:
the default program was seeded from it, and `attainment` falls back on it for a caller that holds
no cycle. Levels: 0 = not qualified, 1 and up = recognised level. The denominator is every
commune-level unit in the year's cycle, so units not (yet) recognised count as level 0.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from pathlib import Path

import yaml
from django.utils.translation import gettext as _

LEVELS = (0, 1, 2, 3, 4)
SCHEDULE_FILE = Path(__file__).with_name("data") / "targets.yaml"


class TargetScheduleError(ValueError):
    """The schedule file or a distribution given to it is not usable."""


@dataclass(frozen=True)
class TargetRule:
    kind: str  # "share" or "count"
    min_level: int
    percent: Decimal | None = None
    count: int | None = None

    @property
    def code(self) -> str:
        if self.kind == "share":
            return f"share_level_{self.min_level}_plus_{self.percent.normalize():f}pct"
        return f"count_level_{self.min_level}_plus_{self.count}"

    def describe(self) -> str:
        if self.kind == "share":
            return _("Ít nhất %(percent)s%% số đơn vị đạt mức %(level)s trở lên") % {
                "percent": f"{self.percent.normalize():f}",
                "level": self.min_level,
            }
        return _("Ít nhất %(count)s đơn vị đạt mức %(level)s trở lên") % {
            "count": self.count,
            "level": self.min_level,
        }


@dataclass(frozen=True)
class TargetResult:
    rule: TargetRule
    units_total: int
    required_units: int
    actual_units: int

    @property
    def met(self) -> bool:
        return self.actual_units >= self.required_units

    @property
    def gap_units(self) -> int:
        """How many more units must reach the level for the target to be met."""
        return max(0, self.required_units - self.actual_units)

    @property
    def actual_percent(self) -> Decimal:
        return percent_of(self.actual_units, self.units_total)

    @property
    def required_percent(self) -> Decimal:
        if self.rule.kind == "share":
            return self.rule.percent
        return percent_of(self.required_units, self.units_total)


def percent_of(part: int, whole: int) -> Decimal:
    if whole == 0:
        return Decimal("0.00")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def units_at_or_above(by_level: Mapping[int, int], min_level: int) -> int:
    return sum(count for level, count in by_level.items() if level >= min_level)


def required_units(rule: TargetRule, units_total: int) -> int:
    """Smallest whole number of units that satisfies the rule: 50% of 235 needs 118 units."""
    if rule.kind == "count":
        return rule.count
    exact = rule.percent * units_total / 100
    return int(exact.to_integral_value(rounding=ROUND_CEILING))


def attainment(
    year: int,
    by_level: Mapping[int, int],
    *,
    units_total: int | None = None,
    schedule: Mapping[int, tuple[TargetRule, ...]] | None = None,
) -> list[TargetResult]:
    """Each target of `year` against a distribution {level: number of units}.

    `units_total` defaults to the sum of the distribution; pass it when some units of the cycle
    have no level yet (they count as not qualified).
    """
    _check_distribution(by_level)
    counted = sum(by_level.values())
    total = counted if units_total is None else units_total
    if total < counted:
        raise TargetScheduleError(
            f"units_total={total} is smaller than the {counted} units in the distribution."
        )
    rules = (schedule if schedule is not None else default_schedule()).get(year, ())
    return [
        TargetResult(
            rule=rule,
            units_total=total,
            required_units=required_units(rule, total),
            actual_units=units_at_or_above(by_level, rule.min_level),
        )
        for rule in rules
    ]


def _check_distribution(by_level: Mapping[int, int]) -> None:
    for level, count in by_level.items():
        if not isinstance(level, int) or level < 0:
            raise TargetScheduleError(f"Level {level!r} is not a whole number ≥ 0.")
        if not isinstance(count, int) or count < 0:
            raise TargetScheduleError(
                f"The count for level {level} must be a whole number ≥ 0, not {count!r}."
            )


@cache
def default_schedule() -> dict[int, tuple[TargetRule, ...]]:
    return load_schedule(SCHEDULE_FILE.read_text(encoding="utf-8"), source=SCHEDULE_FILE.name)


def load_schedule(text: str, *, source: str = "<schedule>") -> dict[int, tuple[TargetRule, ...]]:
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise TargetScheduleError(f"{source}: not valid YAML: {exc}") from exc
    if not isinstance(document, dict) or not isinstance(document.get("schedule"), dict):
        raise TargetScheduleError(f"{source}: expected a mapping with a 'schedule' key.")
    return {
        int(year): tuple(
            _parse_rule(raw, source=f"{source}: schedule.{year}[{index}]") for index, raw in enumerate(rules)
        )
        for year, rules in document["schedule"].items()
    }


def _parse_rule(raw: dict, *, source: str) -> TargetRule:
    kind = raw.get("kind") if isinstance(raw, dict) else None
    if kind not in ("share", "count"):
        raise TargetScheduleError(f"{source}: kind must be 'share' or 'count', not {kind!r}.")
    min_level = raw.get("min_level")
    if min_level not in LEVELS[1:]:
        raise TargetScheduleError(f"{source}: min_level must be 1, 2, 3 or 4, not {min_level!r}.")
    if kind == "share":
        try:
            percent = Decimal(str(raw.get("percent")))
        except InvalidOperation:
            percent = None
        if percent is None or not percent.is_finite() or not Decimal(0) < percent <= Decimal(100):
            raise TargetScheduleError(
                f"{source}: percent must be above 0 and at most 100, not {raw.get('percent')!r}."
            )
        return TargetRule(kind=kind, min_level=min_level, percent=percent)
    count = raw.get("count")
    if not isinstance(count, int) or count < 1:
        raise TargetScheduleError(f"{source}: count must be a whole number ≥ 1, not {count!r}.")
    return TargetRule(kind=kind, min_level=min_level, count=count)
