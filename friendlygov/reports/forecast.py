"""The forecast of a year not decided yet, as a range against each target (a pure rule).

Each unit of the cycle has an outlook: how settled its level is, and that level.
- decided: an issued decision gave the level;
- appraised: the appraisal is approved, the level (with its conditions) waits for the decision;
- claimed: only the commune's self score, with the conditions as it self-assessed them;
- unknown: nothing scored yet (it can reach no level the forecast would count).

The low bound of a target counts the units already at or above its level by a decision or an
approved appraisal; the high bound adds the units not yet appraised whose claim reaches it. Any
outcome in which an appraisal lowers a claim (never raises it) falls inside the range.
"""

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from .targets import LEVELS, TargetResult, TargetRule, attainment


class Standing(StrEnum):
    DECIDED = "decided"
    APPRAISED = "appraised"
    CLAIMED = "claimed"
    UNKNOWN = "unknown"


SETTLED = (Standing.DECIDED, Standing.APPRAISED)


@dataclass(frozen=True)
class Outlook:
    standing: Standing
    level: int  # 0–4; 0 for a unit with nothing scored yet


class Verdict(StrEnum):
    MET = "met"  # the low bound reaches the target: it is met whatever the appraisals still do
    POSSIBLE = "possible"  # only if the appraisals confirm enough of the claims
    OUT_OF_REACH = "out_of_reach"  # even every claim confirmed would not do


@dataclass(frozen=True)
class TargetForecast:
    rule: TargetRule
    units_total: int
    required_units: int
    low: int
    high: int

    @property
    def verdict(self) -> Verdict:
        if self.low >= self.required_units:
            return Verdict.MET
        if self.high >= self.required_units:
            return Verdict.POSSIBLE
        return Verdict.OUT_OF_REACH

    @property
    def short_of_low(self) -> int:
        """Units still needed beyond the settled ones."""
        return max(0, self.required_units - self.low)

    @property
    def short_of_high(self) -> int:
        """Units missing even if every claim is confirmed."""
        return max(0, self.required_units - self.high)


def forecast(
    year: int,
    outlooks: Iterable[Outlook],
    *,
    schedule: Mapping[int, tuple[TargetRule, ...]] | None = None,
    levels: Iterable[int] = LEVELS,
) -> list[TargetForecast]:
    """Each target of `year` as a range (low, high) over the units' `outlooks`; the denominator is
    every unit given, as for the targets themselves (targets.attainment)."""
    outlooks = list(outlooks)
    settled = Counter(o.level for o in outlooks if o.standing in SETTLED)
    hoped = settled + Counter(o.level for o in outlooks if o.standing == Standing.CLAIMED)
    total = len(outlooks)
    levels = tuple(levels)
    lows = attainment(year, _distribution(settled, levels), units_total=total, schedule=schedule)
    highs = attainment(year, _distribution(hoped, levels), units_total=total, schedule=schedule)
    return [_range(low, high) for low, high in zip(lows, highs, strict=True)]


def _distribution(counts: Counter, levels) -> dict[int, int]:
    return {level: counts.get(level, 0) for level in levels}


def _range(low: TargetResult, high: TargetResult) -> TargetForecast:
    return TargetForecast(
        rule=low.rule,
        units_total=low.units_total,
        required_units=low.required_units,
        low=low.actual_units,
        high=high.actual_units,
    )
