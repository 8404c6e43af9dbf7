""" "Explain my level": the reads behind the commune page — its result by criterion against its
group and the province, the points it lost, and the smallest lift to the next level (lift.py).
A fixed number of queries whatever the number of units in the cycle."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from friendlygov.assessments import permissions, results
from friendlygov.assessments.models import Assessment, IndicatorScore
from friendlygov.assessments.workflow import (
    APPRAISED,
    DECIDED,
    FINAL,
    SELF,
    Status,
    decided_level,
    shown_layer,
)
from friendlygov.frameworks import gating, scoring
from friendlygov.frameworks.describe import num
from friendlygov.frameworks.labels import level_label
from friendlygov.frameworks.levels import level_for_score
from friendlygov.frameworks.scoring import HUNDRED, ZERO, quantize
from friendlygov.programs.selectors import rules_for

from . import aggregates
from .lift import Change, Lift, LiftRow, next_target, options_for, smallest_lift

# Averages of fewer units than this are not shown: they would reveal a neighbour's numbers.
MIN_UNITS_FOR_AVERAGE = 3


def layer_label(layer: str) -> str:
    return {
        FINAL: _("Điểm cuối cùng (theo quyết định công nhận)"),
        APPRAISED: _("Điểm thẩm định (đã duyệt, chờ quyết định công nhận)"),
        SELF: _("Điểm tự chấm của xã (chưa thẩm định)"),
    }[layer]


@dataclass(frozen=True)
class CriterionLine:
    code: str
    name: str
    max_points: Decimal
    self_percent: Decimal | None
    appraised_percent: Decimal | None  # None when the user may not see it yet
    shown_points: Decimal
    shown_max: Decimal
    shown_percent: Decimal | None
    group_average: Decimal | None
    province_average: Decimal | None
    below_gate: bool


@dataclass(frozen=True)
class LostPoints:
    code: str
    name: str
    criterion_code: str
    max_points: Decimal
    earned: Decimal
    lost: Decimal
    comment: str


@dataclass(frozen=True)
class LiftStep:
    code: str
    name: str
    criterion_code: str
    before: Decimal
    after: Decimal
    gain: Decimal
    words: str


@dataclass(frozen=True)
class Advice:
    """One paragraph of the advice "to reach the next level", with the indicators to raise under
    it. The commune page and the printed report both say exactly these (one place)."""

    text: str
    steps: tuple[LiftStep, ...] = ()
    warning: bool = False  # a failed condition: shown apart on the page


@dataclass(frozen=True)
class Averages:
    group: Decimal | None
    group_units: int
    province: Decimal | None
    province_units: int


@dataclass(frozen=True)
class Explanation:
    assessment: object
    layer: str
    layer_label: str
    score: Decimal
    level: int
    score_level: int
    failures: tuple
    criteria: tuple[CriterionLine, ...]
    totals: Averages
    lost: tuple[LostPoints, ...]
    target: Decimal | None
    lift: Lift | None
    lift_steps: tuple[LiftStep, ...]
    vetoed: bool
    show_appraisal: bool
    blocking: tuple[str, ...] = ()  # failed gates other than a criterion's minimum, by name
    scored: int = 0
    to_score: int = 0
    next_lift: Lift | None = None  # after a failed condition: from today's result to the next band
    next_steps: tuple[LiftStep, ...] = ()
    gate_percent: Decimal | None = None  # each criterion's minimum, as the framework states it

    @property
    def complete(self) -> bool:
        return self.scored == self.to_score

    @property
    def provisional(self) -> str:
        """What an undecided result is, said beside it on the page and in the report ("" once
        decided): a score of an unfinished assessment is not a result."""
        if self.layer == FINAL:
            return ""
        if not self.complete:
            return _("tạm tính — chưa hoàn thành (%(done)s/%(total)s chỉ tiêu)") % {
                "done": self.scored,
                "total": self.to_score,
            }
        return _("tạm tính — chờ quyết định công nhận")

    @property
    def advice(self) -> tuple[Advice, ...]:
        return lift_advice(self)


def explain(user, assessment) -> Explanation:
    """Everything the commune page says about one assessment the user may see (constant queries)."""
    layer = shown_layer(assessment.status)
    scoring_layer = SELF if layer == SELF else APPRAISED
    scores = list(
        assessment.scores.select_related("indicator__criterion").order_by(
            "indicator__criterion__order", "indicator__order", "indicator_id"
        )
    )
    show_appraisal = permissions.may_see_appraisal(user, assessment)
    result = results.layer_result(assessment, scores, scoring_layer)
    self_result = result if scoring_layer == SELF else results.layer_result(assessment, scores, SELF)
    appraised_result = result if scoring_layer == APPRAISED else None
    if appraised_result is None and show_appraisal and assessment.appraised_score is not None:
        appraised_result = results.layer_result(assessment, scores, APPRAISED)
    recognition = result.recognition
    score, level = recognition.score, recognition.level
    if layer == FINAL and assessment.final_score is not None:
        score, level = assessment.final_score, decided_level(assessment.status, assessment.final_level)

    _bonus_cap, gating_rules = results.framework_rules(assessment.cycle.framework)
    gate_percent = max(
        (r.percent for r in gating_rules if r.kind == gating.MIN_CRITERION_PERCENT), default=None
    )
    averages, totals = _averages(assessment, layer)
    criteria = _criterion_lines(scores, result, self_result, appraised_result, averages, gate_percent)
    kinds = {r.code: r.kind for r in gating_rules}
    vetoed = any(kinds.get(f.code) == gating.VETO_FLAG for f in recognition.failures)
    blocking = tuple(
        dict.fromkeys(
            f.name for f in recognition.failures if kinds.get(f.code) != gating.MIN_CRITERION_PERCENT
        )
    )
    gated = any(line.below_gate for line in criteria) or bool(blocking)
    bands = rules_for(assessment.cycle).level_bands
    target = next_target(score, gated=gated, bands=bands)
    lift, steps, next_lift, next_steps = None, (), None, ()
    if target is not None and not vetoed:
        lift_rows = [_lift_row(s, scoring_layer) for s in scores]
        by_code = {s.indicator.code: s for s in scores}

        def lift_to(bound):
            found = smallest_lift(
                lift_rows, target_score=bound, bonus=result.total.bonus, gate_percent=gate_percent
            )
            return found, tuple(_step(by_code[c.code], c) for c in found.changes)

        lift, steps = lift_to(target)
        # A failed condition first, then the band above what lifting it leaves (the lift to that
        # band is counted from today's result: it includes lifting the condition).
        after = next_target(lift.score_after, gated=False, bands=bands) if gated and lift.reachable else None
        if after is not None:
            next_lift, next_steps = lift_to(after)
    return Explanation(
        assessment=assessment,
        layer=layer,
        layer_label=layer_label(layer),
        score=score,
        level=level,
        score_level=recognition.score_level,
        failures=recognition.failures,
        criteria=criteria,
        totals=totals,
        lost=_lost(scores, scoring_layer),
        target=target,
        lift=lift,
        lift_steps=steps,
        vetoed=vetoed,
        show_appraisal=show_appraisal,
        blocking=blocking,
        scored=result.scored,
        to_score=result.to_score,
        next_lift=next_lift,
        next_steps=next_steps,
        gate_percent=gate_percent,
    )


def band_text(target: Decimal, rules=None) -> str:
    """ "Mức 2 (từ 85 điểm)": the level a bound opens in the program's `rules` (default: the
    default program's), with the bound as the framework states it."""
    level = rules.level_for(target) if rules else level_for_score(target)
    return _("%(level)s (từ %(bound)s điểm)") % {
        "level": rules.label(level) if rules else level_label(level),
        "bound": num(target),
    }


def lift_advice(x) -> tuple[Advice, ...]:
    """What to do to reach the next level, in words. A failed condition comes first: what lifts it
    (and with it recognition at the band the score already lies in), then the next band."""
    if x.vetoed:
        return (Advice(_("Đơn vị vướng điều kiện loại trừ nên không được công nhận dù đạt bao nhiêu điểm.")),)
    rules = rules_for(x.assessment.cycle)
    if x.target is None:
        return (Advice(_("Đơn vị đã ở mức cao nhất (%(level)s).") % {"level": rules.label(rules.top_level)}),)
    # What the result says failed (a recognised result has nothing failed, whatever a layer says).
    failed = () if x.level else tuple(dict.fromkeys(f.reason or f.name for f in x.failures))
    advice = []
    if failed:
        conditions = "; ".join(failed)
        advice.append(
            Advice(
                _("Chưa được công nhận vì chưa đạt điều kiện: %(conditions)s.") % {"conditions": conditions},
                warning=True,
            )
        )
    values = {"band": band_text(x.target, rules)}
    if x.lift is None or not x.lift.reachable:
        advice.append(
            Advice(_("Dù đạt tối đa mọi chỉ tiêu còn thiếu điểm, đơn vị vẫn chưa đạt %(band)s.") % values)
        )
        return tuple(advice)
    if not x.lift_steps:
        advice.append(Advice(_("Đã đủ điểm; không cần thay đổi chỉ tiêu nào.")))
        return tuple(advice)
    values |= {"count": len(x.lift_steps), "gain": num(x.lift.total_gain), "after": num(x.lift.score_after)}
    if failed:
        values["level_after"] = rules.label(rules.level_for(min(x.lift.score_after, Decimal(100))))
        text = _(
            "Trước hết, để đạt điều kiện và được công nhận: cải thiện %(count)s chỉ tiêu (thêm "
            "%(gain)s điểm); tổng điểm khi đó %(after)s — %(level_after)s."
        )
    else:
        text = _("Cách ngắn nhất để đạt %(band)s: cải thiện %(count)s chỉ tiêu (thêm %(gain)s điểm).")
    advice.append(Advice(text % values, x.lift_steps))
    if x.lift.gated_criteria and not failed and x.gate_percent is not None:
        text = _(
            "Các tiêu chí %(codes)s phải lên ít nhất %(percent)s%% số điểm tối đa; các thay đổi trên "
            "đã tính điều này."
        )
        advice.append(
            Advice(
                text % {"codes": ", ".join(x.lift.gated_criteria), "percent": num(x.gate_percent)},
                warning=True,
            )
        )
    if x.next_lift is not None and x.next_lift.reachable and x.next_steps:
        values = {
            "band": band_text(x.next_lift.target_score, rules),
            "count": len(x.next_steps),
            "gain": num(x.next_lift.total_gain),
        }
        text = _(
            "Sau đó, để đạt %(band)s, tính từ kết quả hiện nay: cải thiện %(count)s chỉ tiêu "
            "(thêm %(gain)s điểm)."
        )
        advice.append(Advice(text % values, x.next_steps))
    return tuple(advice)


def _layer_values(score, layer):
    if layer == SELF:
        return score.self_na, score.self_points, score.self_value
    return score.appraised_na, score.appraised_points, score.appraised_value


def _lift_row(score, layer) -> LiftRow:
    na, points, value = _layer_values(score, layer)
    indicator = score.indicator
    earned = None if na else (points if points is not None else ZERO)
    options = options_for(indicator.scoring_rule(), earned, value if points is not None else None)
    return LiftRow(indicator.code, indicator.criterion.code, indicator.max_points, earned, options)


def _criterion_lines(scores, result, self_result, appraised_result, averages, gate_percent):
    names = {}
    maxima = {}
    for score in scores:
        criterion = score.indicator.criterion
        names[criterion.code] = criterion.localised_name()
        maxima[criterion.code] = criterion.max_points
    by_code = {c.code: c for c in result.total.criteria}
    self_by_code = {c.code: c for c in self_result.total.criteria}
    appraised_by_code = {c.code: c for c in appraised_result.total.criteria} if appraised_result else {}
    lines = []
    for code, name in names.items():
        shown = by_code[code]
        group, province = averages.get(code, (None, None))
        lines.append(
            CriterionLine(
                code=code,
                name=name,
                max_points=maxima[code],
                self_percent=self_by_code[code].percent,
                appraised_percent=appraised_by_code[code].percent if code in appraised_by_code else None,
                shown_points=shown.earned,
                shown_max=shown.max_points,
                shown_percent=shown.percent,
                group_average=group,
                province_average=province,
                below_gate=gate_percent is not None
                and shown.percent is not None
                and shown.percent < gate_percent,
            )
        )
    return tuple(lines)


def _lost(scores, layer) -> tuple[LostPoints, ...]:
    lost = []
    for score in scores:
        na, points, _value = _layer_values(score, layer)
        if na:
            continue
        indicator = score.indicator
        earned = points if points is not None else ZERO
        if earned < indicator.max_points:
            lost.append(
                LostPoints(
                    code=indicator.code,
                    name=indicator.localised_name(),
                    criterion_code=indicator.criterion.code,
                    max_points=indicator.max_points,
                    earned=earned,
                    lost=indicator.max_points - earned,
                    comment=score.appraisal_comment if layer != SELF else "",
                )
            )
    return tuple(sorted(lost, key=lambda item: (-item.lost, item.code)))


def _comparable(layer):
    """The assessments whose same layer can be averaged with this one."""
    if layer == FINAL:
        return Q(status__in=DECIDED)
    if layer == APPRAISED:
        return Q(status__in=(Status.APPRAISED, *DECIDED))
    return ~Q(status=Status.DRAFT)


def _average(total: Decimal, count: int) -> Decimal | None:
    return quantize(total / count) if count >= MIN_UNITS_FOR_AVERAGE else None


def _averages(assessment, layer):
    """Per criterion, the average percentage of the group (same appraising body) and of the
    province (the whole cycle); and the average total. Read from the cycle's sums per body, which
    a decided cycle computes once (aggregates.py) and an open one on each request."""
    sums = aggregates.once(
        assessment.cycle, None, "criterion-sums", lambda: _cycle_sums(assessment.cycle, layer), layer
    )
    body = assessment.body_id
    per_criterion = {
        code: (_average(*by_body.get(body, (ZERO, 0))), _average(*_add(by_body.values())))
        for code, by_body in sums["criteria"].items()
    }
    in_group = sums["totals"].get(body, (ZERO, 0))
    everyone = _add(sums["totals"].values())
    return per_criterion, Averages(_average(*in_group), in_group[1], _average(*everyone), everyone[1])


def _add(pairs) -> tuple[Decimal, int]:
    total, count = ZERO, 0
    for value, n in pairs:
        total, count = total + value, count + n
    return total, count


def _cycle_sums(cycle, layer) -> dict:
    """For each criterion and appraising body, (sum, count) of the units' percentages on `layer`,
    and (sum, count) of their totals: two queries whatever the number of units."""
    prefix = "self" if layer == SELF else "appraised"
    comparable = Assessment.objects.filter(_comparable(layer), cycle=cycle)
    rows = (
        IndicatorScore.objects.filter(assessment__in=comparable)
        .values("assessment_id", "assessment__body_id", "indicator__criterion__code")
        .annotate(
            earned=Sum(f"{prefix}_points", filter=Q(**{f"{prefix}_na": False})),
            maximum=Sum("indicator__max_points", filter=Q(**{f"{prefix}_na": False})),
        )
        .order_by()
    )
    criteria = defaultdict(lambda: defaultdict(lambda: (ZERO, 0)))
    for row in rows:
        if not row["maximum"]:
            continue
        percent = quantize((row["earned"] or ZERO) / row["maximum"] * HUNDRED)
        total, count = criteria[row["indicator__criterion__code"]][row["assessment__body_id"]]
        criteria[row["indicator__criterion__code"]][row["assessment__body_id"]] = (total + percent, count + 1)
    field_name = {FINAL: "final_score", APPRAISED: "appraised_score", SELF: "self_score"}[layer]
    totals = defaultdict(lambda: (ZERO, 0))
    for body, value in (
        comparable.filter(**{f"{field_name}__isnull": False}).values_list("body_id", field_name).order_by()
    ):
        total, count = totals[body]
        totals[body] = (total + value, count + 1)
    return {
        "criteria": {code: dict(by_body) for code, by_body in criteria.items()},
        "totals": dict(totals),
    }


def _step(score, change: Change) -> LiftStep:
    indicator = score.indicator
    return LiftStep(
        code=indicator.code,
        name=indicator.localised_name(),
        criterion_code=indicator.criterion.code,
        before=change.before,
        after=change.after,
        gain=change.gain,
        words=change_words(indicator.method, change),
    )


def change_words(method: str, change: Change) -> str:
    """The change an official has to make, in words."""
    values = {
        "before": num(change.before),
        "after": num(change.after),
        "gain": num(change.gain),
    }
    option = change.option
    if method == scoring.YES_NO:
        return _("Đáp ứng yêu cầu của chỉ tiêu: được thêm %(gain)s điểm.") % values
    if method == scoring.DEDUCTION and option.fewer_violations:
        return _("Bớt %(fewer)s vi phạm: từ %(before)s lên %(after)s điểm (thêm %(gain)s điểm).") % {
            **values,
            "fewer": option.fewer_violations,
        }
    if method == scoring.SURVEY and option.percent is not None:
        return _(
            "Tỷ lệ hài lòng đạt từ %(percent)s%% trở lên: từ %(before)s lên %(after)s điểm "
            "(thêm %(gain)s điểm)."
        ) % {**values, "percent": num(option.percent)}
    if method == scoring.RATIO and option.percent is not None:
        return _(
            "Tỷ lệ đạt từ %(percent)s%% trở lên: từ %(before)s lên %(after)s điểm (thêm %(gain)s điểm)."
        ) % {**values, "percent": num(option.percent)}
    return _("Nâng điểm từ %(before)s lên %(after)s (thêm %(gain)s điểm).") % values


@dataclass(frozen=True)
class BandLift:
    """What would lift one unit to a band: the smallest change on the layer it stands on."""

    assessment_pk: int
    target: Decimal
    lift: Lift | None  # None when a veto holds it whatever the points
    steps: tuple[LiftStep, ...]


def lift_to_band(assessment_pk: int, target: Decimal) -> BandLift:
    """The smallest lift of one assessment (approved appraisal, or else its self score) to
    `target` points and every criterion's gate (2 queries)."""
    assessment = Assessment.objects.select_related("cycle__framework").get(pk=assessment_pk)
    layer = APPRAISED if shown_layer(assessment.status) != SELF else SELF
    scores = list(
        assessment.scores.select_related("indicator__criterion").order_by(
            "indicator__criterion__order", "indicator__order", "indicator_id"
        )
    )
    result = results.layer_result(assessment, scores, layer)
    _bonus_cap, gating_rules = results.framework_rules(assessment.cycle.framework)
    kinds = {r.code: r.kind for r in gating_rules}
    if any(kinds.get(f.code) == gating.VETO_FLAG for f in result.recognition.failures):
        return BandLift(assessment_pk, target, None, ())
    gate_percent = max(
        (r.percent for r in gating_rules if r.kind == gating.MIN_CRITERION_PERCENT), default=None
    )
    lift = smallest_lift(
        [_lift_row(s, layer) for s in scores],
        target_score=target,
        bonus=result.total.bonus,
        gate_percent=gate_percent,
    )
    by_code = {s.indicator.code: s for s in scores}
    return BandLift(assessment_pk, target, lift, tuple(_step(by_code[c.code], c) for c in lift.changes))
