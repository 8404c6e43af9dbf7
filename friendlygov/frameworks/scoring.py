"""Scoring rules: points of one indicator from its method and input, and the total of a unit.

Pure functions over frozen dataclasses; no database, Decimal only. The Django models turn their
rows into these dataclasses (`Indicator.scoring_rule()`), the assessment workflow calls them.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

MANUAL = "manual"
YES_NO = "yes_no"
RATIO = "ratio"
DEDUCTION = "deduction"
SURVEY = "survey"
METHODS = (MANUAL, YES_NO, RATIO, DEDUCTION, SURVEY)

ZERO = Decimal("0")
HUNDRED = Decimal("100")
# Scores are shown and compared with two decimals; the level is taken from the rounded score so
# what an official reads is what decides the band.
SCORE_QUANTUM = Decimal("0.01")


class ScoringError(ValueError):
    """An input the rules cannot score (wrong type, out of range, off the step, N/A not allowed)."""


class InvalidPoints(ScoringError):
    """Manual points out of 0..max or not a multiple of the indicator's step."""


class InvalidMeasure(ScoringError):
    """A percentage outside 0–100 or a negative violation count."""


class NotApplicableRefused(ScoringError):
    """N/A given for an indicator that does not allow it."""


def quantize(value: Decimal) -> Decimal:
    return value.quantize(SCORE_QUANTUM, rounding=ROUND_HALF_UP)


def _decimal(value, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise ScoringError(f"{what} must be a Decimal, not {type(value).__name__}")
    value = Decimal(value)
    if not value.is_finite():
        raise ScoringError(f"{what} must be a finite number")
    return value


# --- Percentage mappings (ratio and survey) -----------------------------------------------------


@dataclass(frozen=True)
class Threshold:
    min_percent: Decimal
    points: Decimal


@dataclass(frozen=True)
class ThresholdMapping:
    """At or above `min_percent` earns `points`; the highest band reached wins; below all: 0."""

    thresholds: tuple[Threshold, ...]

    def points_for(self, percent: Decimal, max_points: Decimal) -> Decimal:
        reached = [t.points for t in self.thresholds if percent >= t.min_percent]
        return min(max(reached, default=ZERO), max_points)


@dataclass(frozen=True)
class LinearMapping:
    """0 points at or below `floor_percent`, full points at or above `full_percent`, a line between."""

    floor_percent: Decimal
    full_percent: Decimal

    def points_for(self, percent: Decimal, max_points: Decimal) -> Decimal:
        if percent <= self.floor_percent:
            return ZERO
        if percent >= self.full_percent:
            return max_points
        share = (percent - self.floor_percent) / (self.full_percent - self.floor_percent)
        return quantize(max_points * share)


Mapping = ThresholdMapping | LinearMapping


# --- One indicator ------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorRule:
    """How one (leaf) indicator is scored. Only the fields of its method are used."""

    code: str
    method: str
    max_points: Decimal
    step: Decimal | None = None  # manual
    mapping: Mapping | None = None  # ratio, survey
    per_violation: Decimal | None = None  # deduction
    na_allowed: bool = False


def manual_points(points: Decimal, *, max_points: Decimal, step: Decimal) -> Decimal:
    points = _decimal(points, "points")
    if points < ZERO or points > max_points:
        raise InvalidPoints(f"points {points} are outside 0–{max_points}")
    if points % step != ZERO:
        raise InvalidPoints(f"points {points} are not a multiple of the step {step}")
    return points


def yes_no_points(answer: bool, *, max_points: Decimal) -> Decimal:
    if not isinstance(answer, bool):
        raise ScoringError(f"a yes/no answer must be True or False, not {answer!r}")
    return max_points if answer else ZERO


def percent_points(percent: Decimal, *, max_points: Decimal, mapping: Mapping) -> Decimal:
    """Ratio and survey: a measured percentage (0–100) mapped to points."""
    percent = _decimal(percent, "percent")
    if percent < ZERO or percent > HUNDRED:
        raise InvalidMeasure(f"percentage {percent} is outside 0–100")
    return mapping.points_for(percent, max_points)


def deduction_points(violations: int, *, max_points: Decimal, per_violation: Decimal) -> Decimal:
    if isinstance(violations, bool) or not isinstance(violations, int) or violations < 0:
        raise InvalidMeasure(f"the number of violations must be a whole number ≥ 0, not {violations!r}")
    return max(max_points - per_violation * violations, ZERO)


def indicator_points(rule: IndicatorRule, value) -> Decimal:
    """Points earned on `rule` for the method's input: points (manual), bool (yes/no),
    percentage (ratio, survey) or violation count (deduction)."""
    if rule.method == MANUAL:
        return manual_points(value, max_points=rule.max_points, step=rule.step or SCORE_QUANTUM)
    if rule.method == YES_NO:
        return yes_no_points(value, max_points=rule.max_points)
    if rule.method in (RATIO, SURVEY):
        return percent_points(value, max_points=rule.max_points, mapping=rule.mapping)
    if rule.method == DEDUCTION:
        return deduction_points(value, max_points=rule.max_points, per_violation=rule.per_violation)
    raise ScoringError(f"unknown scoring method {rule.method!r}")


# --- Totals -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorScore:
    """Points earned on one leaf indicator; `earned=None` means not applicable (N/A)."""

    code: str
    criterion_code: str
    max_points: Decimal
    earned: Decimal | None
    na_allowed: bool = False

    @property
    def applicable(self) -> bool:
        return self.earned is not None


@dataclass(frozen=True)
class CriterionSubtotal:
    code: str
    earned: Decimal
    max_points: Decimal  # of the applicable indicators only
    percent: Decimal | None  # earned ÷ applicable max × 100; None when nothing applies


@dataclass(frozen=True)
class ScoreTotal:
    earned: Decimal  # raw points on applicable indicators
    applicable_max: Decimal
    base_score: Decimal  # earned ÷ applicable max × 100, two decimals
    bonus: Decimal  # bonus actually counted (after the cap and the 100 ceiling)
    total: Decimal  # base_score + bonus, never above 100
    criteria: tuple[CriterionSubtotal, ...] = field(default=())


def _check_score(score: IndicatorScore) -> None:
    if score.earned is None:
        if not score.na_allowed:
            raise NotApplicableRefused(f"indicator {score.code} does not allow N/A")
        return
    earned = _decimal(score.earned, f"points of {score.code}")
    if earned < ZERO or earned > score.max_points:
        raise InvalidPoints(f"points {earned} of {score.code} are outside 0–{score.max_points}")


def criterion_subtotals(scores: Iterable[IndicatorScore]) -> tuple[CriterionSubtotal, ...]:
    """Per criterion, in order of first appearance."""
    sums: dict[str, list[Decimal]] = {}
    for score in scores:
        earned, maximum = sums.setdefault(score.criterion_code, [ZERO, ZERO])
        if score.applicable:
            sums[score.criterion_code] = [earned + score.earned, maximum + score.max_points]
    return tuple(
        CriterionSubtotal(
            code=code,
            earned=earned,
            max_points=maximum,
            percent=quantize(earned / maximum * HUNDRED) if maximum else None,
        )
        for code, (earned, maximum) in sums.items()
    )


def total_score(
    scores: Sequence[IndicatorScore], *, bonus: Decimal = ZERO, bonus_cap: Decimal = ZERO
) -> ScoreTotal:
    """Normalised total: earned ÷ applicable max × 100 (two decimals), plus bonus up to
    `bonus_cap`, never above 100. With every indicator applicable and full marks this is 100."""
    for score in scores:
        _check_score(score)
    bonus = _decimal(bonus, "bonus")
    bonus_cap = _decimal(bonus_cap, "bonus cap")
    if bonus < ZERO or bonus_cap < ZERO:
        raise ScoringError("bonus and bonus cap cannot be negative")
    applicable = [s for s in scores if s.applicable]
    earned = sum((s.earned for s in applicable), ZERO)
    applicable_max = sum((s.max_points for s in applicable), ZERO)
    base = quantize(earned / applicable_max * HUNDRED) if applicable_max else ZERO
    counted_bonus = min(bonus, bonus_cap, HUNDRED - base)
    return ScoreTotal(
        earned=earned,
        applicable_max=applicable_max,
        base_score=base,
        bonus=counted_bonus,
        total=base + counted_bonus,
        criteria=criterion_subtotals(scores),
    )


# --- Bonus, rule by rule ------------------------------------------------------------------------


class InvalidBonus(ScoringError):
    """Bonus points on a rule the framework does not have, negative, or above the rule's cap."""

    def __init__(self, message: str, *, code: str, cap: Decimal | None = None):
        self.code, self.cap = code, cap
        super().__init__(message)


@dataclass(frozen=True)
class BonusCap:
    """One bonus rule of a framework: its code and the most it can add."""

    code: str
    cap: Decimal


def bonus_total(points_by_rule: dict, rules: Sequence[BonusCap]) -> Decimal:
    """The bonus of one side, each rule checked against its own cap (TH2 ≤ 2) and the sum against
    the framework's total cap (the sum of the rules' caps; `total_score` then keeps the total
    within 100). `points_by_rule`: rule code → Decimal; a rule not named adds nothing."""
    caps = {rule.code: rule.cap for rule in rules}
    total = ZERO
    for code, points in points_by_rule.items():
        if code not in caps:
            raise InvalidBonus(f"no bonus rule {code} in the framework", code=code)
        points = _decimal(points, f"bonus of {code}")
        if points < ZERO or points > caps[code]:
            raise InvalidBonus(
                f"bonus {points} of {code} is outside 0–{caps[code]}", code=code, cap=caps[code]
            )
        total += points
    return min(total, sum(caps.values(), ZERO))


def undecided_bonus(claimed: dict, decided: dict) -> list[str]:
    """The rules the commune claimed points on (above 0) that the appraiser has not decided:
    approval waits for each of them, nothing is copied from the claim."""
    return [code for code, points in claimed.items() if Decimal(points) > ZERO and code not in decided]
