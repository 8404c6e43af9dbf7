"""Turn an assessment's rows into the pure scoring rules' inputs, and back into results.

Two layers are computed the same way: the commune's ("self") and the appraiser's ("appraised").
An indicator not yet scored counts as 0 points, so the live total never flatters.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from friendlygov.frameworks import scoring
from friendlygov.frameworks.describe import num
from friendlygov.frameworks.gating import Recognition, recognise
from friendlygov.frameworks.models import FrameworkVersion
from friendlygov.frameworks.scoring import ScoreTotal
from friendlygov.programs.selectors import rules_for

from .workflow import SELF


class ValueRefused(ValueError):
    """A value the indicator's method cannot take; the message is for the official."""


def check_values(indicator, *, na: bool, value: Decimal | None) -> Decimal | None:
    """The points of one side's values on `indicator`, or ValueRefused with the reason: "not
    applicable" only where the indicator allows it, and a value its method can take. The save
    service and the offline template's import both ask this, so a file is refused for exactly
    what the form refuses."""
    if na and not indicator.na_allowed:
        raise ValueRefused(_("Chỉ tiêu này không được đánh dấu “không áp dụng”."))
    return None if na else points_for(indicator, value)


def points_for(indicator, value: Decimal | None) -> Decimal | None:
    """Points earned on `indicator` for the method's input, or None when there is no input."""
    if value is None:
        return None
    rule = indicator.scoring_rule()
    try:
        return scoring.indicator_points(rule, _method_input(rule.method, value))
    except scoring.ScoringError as exc:
        raise ValueRefused(_explain(rule, value)) from exc


def _method_input(method: str, value: Decimal):
    if method == scoring.YES_NO:
        if value not in (0, 1):
            raise scoring.ScoringError("yes/no takes 1 or 0")
        return value == 1
    if method == scoring.DEDUCTION:
        if value != value.to_integral_value():
            raise scoring.ScoringError("violations are counted in whole numbers")
        return int(value)
    return value


def _explain(rule, value) -> str:
    if rule.method == scoring.MANUAL:
        return _("Điểm %(value)s không hợp lệ: phải từ 0 đến %(max)s, theo bước %(step)s.") % {
            "value": num(value),
            "max": num(rule.max_points),
            "step": num(rule.step or scoring.SCORE_QUANTUM),
        }
    if rule.method in (scoring.RATIO, scoring.SURVEY):
        return _("Tỷ lệ %(value)s%% không hợp lệ: phải từ 0 đến 100.") % {"value": num(value)}
    if rule.method == scoring.DEDUCTION:
        return _("Số vi phạm phải là số nguyên không âm, không phải %(value)s.") % {"value": num(value)}
    return _("Chỉ chọn Có hoặc Không.")


def describe_failure(failure) -> str:
    """A failed condition in words, numbers as the page writes them."""
    if failure.criterion is not None:
        return _("%(criterion)s đạt %(value)s%%, cần từ %(limit)s%%") % {
            "criterion": failure.criterion,
            "value": num(failure.value),
            "limit": num(failure.limit),
        }
    if failure.value is not None:
        return _("tổng %(value)s điểm, cần từ %(limit)s") % {
            "value": num(failure.value),
            "limit": num(failure.limit),
        }
    return _("đã khai có")


@dataclass(frozen=True)
class LayerResult:
    total: ScoreTotal
    recognition: Recognition
    scored: int
    to_score: int
    unscored_criteria: frozenset = frozenset()  # codes of criteria with an indicator not yet scored

    @property
    def complete(self) -> bool:
        return self.scored == self.to_score

    @property
    def unscored(self) -> int:
        return self.to_score - self.scored

    @property
    def pending(self) -> tuple:
        """Conditions not met yet that unscored indicators may still meet: one on a criterion with
        an indicator not yet scored, or on the total while anything is unscored. The projected
        level still counts them (it is the level if nothing changes); they are shown as pending."""
        return tuple(f for f in self.recognition.failures if self._may_still_pass(f))

    @property
    def failed(self) -> tuple:
        """Conditions not met that no unscored indicator can change."""
        return tuple(f for f in self.recognition.failures if not self._may_still_pass(f))

    def _may_still_pass(self, failure) -> bool:
        if failure.criterion is not None:
            return failure.criterion in self.unscored_criteria
        return failure.value is not None and not self.complete


def layer_result(assessment, scores, layer: str) -> LayerResult:
    """Total, projected level and failed gates of one layer, from the assessment's score rows
    (with `indicator__criterion` loaded)."""
    bonus_cap, gating_rules = framework_rules(assessment.cycle.framework)
    rows = [_row(score, layer) for score in scores]
    bonus = assessment.self_bonus if layer == SELF else (assessment.appraised_bonus or Decimal(0))
    flags = assessment.self_flags if layer == SELF else assessment.appraised_flags
    total = scoring.total_score([row for row, _ in rows], bonus=bonus, bonus_cap=bonus_cap)
    recognition = recognise(total, gating_rules, flags, bands=rules_for(assessment.cycle).level_bands)
    unscored = frozenset(row.criterion_code for row, scored in rows if not scored)
    return LayerResult(total, recognition, sum(1 for _, scored in rows if scored), len(rows), unscored)


_published_rules: dict[tuple, tuple] = {}


def framework_rules(framework) -> tuple[Decimal, list]:
    """Bonus cap and gating rules of a framework version; kept in memory once it is published,
    since a published version never changes."""
    key = (framework.pk, framework.published_at)
    if framework.is_published and key in _published_rules:
        return _published_rules[key]
    rules = (framework.bonus_cap, framework.gating_rules_for_scoring())
    if framework.is_published:
        _published_rules[key] = rules
    return rules


def bonus_caps(framework) -> list[scoring.BonusCap]:
    """The framework's bonus rules as the pure rules take them, in their order."""
    return [scoring.BonusCap(rule.code, rule.cap) for rule in framework.bonus_rules.all()]


def bonus_points(points_by_rule: dict, framework) -> Decimal:
    """One side's bonus, every rule within its cap (scoring.bonus_total), or ValueRefused."""
    lines = {code: Decimal(str(points)) for code, points in points_by_rule.items()}
    try:
        return scoring.bonus_total(lines, bonus_caps(framework))
    except scoring.InvalidBonus as exc:
        if exc.cap is None:
            raise ValueRefused(
                _("Bộ tiêu chí không có nội dung thưởng %(code)s.") % {"code": exc.code}
            ) from exc
        raise ValueRefused(
            _("%(code)s: điểm thưởng phải từ 0 đến %(cap)s.") % {"code": exc.code, "cap": num(exc.cap)}
        ) from exc


def undecided_bonus(assessment) -> list[str]:
    """The bonus rules the commune claimed that the appraiser has not decided yet."""
    return scoring.undecided_bonus(assessment.self_bonus_by_rule, assessment.appraised_bonus_by_rule)


@dataclass(frozen=True)
class BonusLine:
    """One bonus rule of the framework on one assessment: the commune's claim and the decision."""

    rule: object  # frameworks.BonusRule
    claimed: Decimal | None
    decided: Decimal | None

    @property
    def undecided(self) -> bool:
        return bool(self.claimed) and self.decided is None

    @property
    def differs(self) -> bool:
        return self.decided is not None and self.decided != (self.claimed or Decimal(0))


def bonus_lines(assessment) -> list[BonusLine]:
    def points(lines, code):
        return Decimal(lines[code]) if code in lines else None

    return [
        BonusLine(
            rule,
            points(assessment.self_bonus_by_rule, rule.code),
            points(assessment.appraised_bonus_by_rule, rule.code),
        )
        for rule in assessment.cycle.framework.bonus_rules.all()
    ]


_published_frameworks: dict[int, object] = {}


def published_framework(framework_id: int):
    """The framework version, kept in memory once it is published (it never changes then); None
    while it is a draft (read by whoever needs it, as usual)."""
    if framework_id not in _published_frameworks:
        framework = FrameworkVersion.objects.get(pk=framework_id)
        if not framework.is_published:
            return None
        _published_frameworks[framework_id] = framework
    return _published_frameworks[framework_id]


_published_indicators: dict[tuple, dict] = {}


def published_indicators(framework) -> dict | None:
    """A published framework version's indicators, with their criteria, by id; kept in memory as
    `framework_rules` are, since a published version never changes. None for a draft."""
    if not framework.is_published:
        return None
    key = (framework.pk, framework.published_at)
    if key not in _published_indicators:
        indicators = framework.indicators.select_related("criterion")
        _published_indicators[key] = {indicator.pk: indicator for indicator in indicators}
    return _published_indicators[key]


def _row(score, layer: str) -> tuple[scoring.IndicatorScore, bool]:
    na = score.self_na if layer == SELF else score.appraised_na
    points = score.self_points if layer == SELF else score.appraised_points
    indicator = score.indicator
    return (
        scoring.IndicatorScore(
            code=indicator.code,
            criterion_code=indicator.criterion.code,
            max_points=indicator.max_points,
            earned=None if na else (points if points is not None else Decimal(0)),
            na_allowed=indicator.na_allowed,
        ),
        na or points is not None,
    )
