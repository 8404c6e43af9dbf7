""" "Explain my level": the smallest lift to the next level (a pure rule), and the reads behind the
commune page (its result by criterion against its group and the province, points lost, and its
history across years through lineage).

The pure part (`options_for`, `smallest_lift`, `next_target`) takes frozen dataclasses and
Decimals and never touches the database; the reads below it issue a fixed number of queries
whatever the number of units in the cycle.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from math import gcd

from django.db.models import Count, Q, Sum
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
from friendlygov.frameworks.levels import LEVEL_BANDS
from friendlygov.frameworks.scoring import HUNDRED, ZERO, LinearMapping, ThresholdMapping, quantize
from friendlygov.units.models import LineageLink, Share
from friendlygov.units.selectors import ancestry_of

from .models import ImportedResult
from .targets import attainment

CENT = Decimal("0.01")
# A linear ratio can gain any amount; the lift offers it in quarter points (and the exact rest).
LINEAR_STEP = Decimal("0.25")


# --- The pure rule -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    """One way an indicator can gain points: `gain` points, reached by a percentage of `percent`
    (ratio, survey) or by `fewer_violations` fewer violations (deduction)."""

    gain: Decimal
    percent: Decimal | None = None
    fewer_violations: int | None = None


@dataclass(frozen=True)
class LiftRow:
    """One applicable-or-not indicator in the layer being explained; `earned=None` is N/A (it
    stays N/A: the lift never proposes to change applicability)."""

    code: str
    criterion_code: str
    max_points: Decimal
    earned: Decimal | None
    options: tuple[Option, ...] = ()


@dataclass(frozen=True)
class Change:
    code: str
    criterion_code: str
    before: Decimal
    after: Decimal
    option: Option

    @property
    def gain(self) -> Decimal:
        return self.option.gain


@dataclass(frozen=True)
class Lift:
    """The smallest set of changes that lifts the total to `target_score` and every criterion to
    the gate. `reachable=False` when even every indicator at its best would not do it."""

    target_score: Decimal
    reachable: bool
    changes: tuple[Change, ...] = ()
    score_after: Decimal | None = None
    gated_criteria: tuple[str, ...] = ()  # criteria below the gate: lifting them is required first

    @property
    def total_gain(self) -> Decimal:
        return sum((c.gain for c in self.changes), ZERO)


def next_target(score: Decimal, *, gated: bool = False) -> Decimal | None:
    """The lower bound of the level above `score` (80/85/90/95), None at level 4. When a gate
    blocks recognition, the band the score already lies in is the target (never below 80)."""
    bounds = sorted(lowest for lowest, _level in LEVEL_BANDS)
    if gated:
        reached = [b for b in bounds if score >= b]
        return reached[-1] if reached else bounds[0]
    above = [b for b in bounds if score < b]
    return above[0] if above else None


def options_for(rule: scoring.IndicatorRule, earned: Decimal | None, value: Decimal | None) -> tuple:
    """What `rule` can still gain from `earned` points (given the method's input `value`):
    manual: every step up to the maximum; yes/no: all or nothing; ratio/survey with bands: each
    higher band; linear ratio: quarter points up to the maximum, with the percentage to reach;
    deduction: each violation fewer gives `per_violation` back."""
    if earned is None or earned >= rule.max_points:
        return ()
    room = rule.max_points - earned
    if rule.method == scoring.MANUAL:
        return _stepped(room, rule.step or CENT)
    if rule.method == scoring.YES_NO:
        return (Option(room),) if earned == ZERO else ()
    if rule.method == scoring.DEDUCTION:
        per = rule.per_violation
        violations = (
            int(value)
            if value is not None
            else int(((rule.max_points - earned) / per).to_integral_value(ROUND_CEILING))
        )
        options = []
        for fewer in range(1, violations + 1):
            points = max(rule.max_points - per * (violations - fewer), ZERO)
            if points > earned:
                options.append(Option(points - earned, fewer_violations=fewer))
        return tuple(options)
    if isinstance(rule.mapping, ThresholdMapping):
        return tuple(
            Option(min(t.points, rule.max_points) - earned, percent=t.min_percent)
            for t in sorted(rule.mapping.thresholds, key=lambda t: t.min_percent)
            if min(t.points, rule.max_points) > earned
        )
    if isinstance(rule.mapping, LinearMapping):
        return tuple(
            Option(option.gain, percent=_linear_percent(rule, earned + option.gain))
            for option in _stepped(room, LINEAR_STEP)
        )
    return ()


def _stepped(room: Decimal, step: Decimal) -> tuple[Option, ...]:
    count = int((room / step).to_integral_value(rounding=ROUND_CEILING))
    return tuple(Option(min(step * n, room)) for n in range(1, count + 1))


def _linear_percent(rule, points: Decimal) -> Decimal:
    """The smallest percentage (two decimals) that earns at least `points` on a linear ratio."""
    mapping = rule.mapping
    span = mapping.full_percent - mapping.floor_percent
    percent = (mapping.floor_percent + points / rule.max_points * span).quantize(CENT, ROUND_CEILING)
    while percent > mapping.floor_percent and mapping.points_for(percent - CENT, rule.max_points) >= points:
        percent -= CENT
    while mapping.points_for(percent, rule.max_points) < points and percent < mapping.full_percent:
        percent += CENT
    return min(percent, mapping.full_percent)


def _cents(value: Decimal) -> int:
    return int((value / CENT).to_integral_value())


def _needed(earned: int, maximum: int, bar: Decimal) -> int | None:
    """The fewest cents to add to `earned` (of `maximum`, both in cents) so that
    quantize(earned ÷ maximum × 100) ≥ bar; None when even the maximum does not reach it."""

    def reaches(cents: int) -> bool:
        return quantize(Decimal(cents) / Decimal(maximum) * HUNDRED) >= bar

    if not reaches(maximum):
        return None
    if reaches(earned):
        return 0
    low, high = earned, maximum  # reaches(high) holds, reaches(low) does not
    while high - low > 1:
        middle = (low + high) // 2
        if reaches(middle):
            high = middle
        else:
            low = middle
    return high - earned


def smallest_lift(
    rows: Sequence[LiftRow],
    *,
    target_score: Decimal,
    bonus: Decimal = ZERO,
    gate_percent: Decimal | None = None,
) -> Lift:
    """The fewest indicators (then the fewest points of change) whose gains bring the normalised
    total (earned ÷ applicable max × 100, two decimals, plus `bonus` already within its cap) to
    `target_score`, and every criterion to `gate_percent` of its applicable maximum.

    Exact: a dynamic programme over (indicators used, points gained) kept as bitsets, one block
    per criterion so a criterion's gate is enforced before the blocks are combined. Points are
    counted in a common quantum (the gcd of every gain), so ~20 indicators take milliseconds.
    """
    applicable = [row for row in rows if row.earned is not None]
    total_max = sum((row.max_points for row in applicable), ZERO)
    if total_max == ZERO:
        return Lift(target_score, reachable=False)
    earned = sum((row.earned for row in applicable), ZERO)
    by_criterion: dict[str, list[LiftRow]] = {}
    for row in applicable:
        by_criterion.setdefault(row.criterion_code, []).append(row)

    need_total = _needed(_cents(earned), _cents(total_max), target_score - bonus)
    gates, gated = {}, []
    for code, members in by_criterion.items():
        c_earned = sum((r.earned for r in members), ZERO)
        c_max = sum((r.max_points for r in members), ZERO)
        need = _needed(_cents(c_earned), _cents(c_max), gate_percent) if gate_percent is not None else 0
        if need is None or need_total is None:
            return Lift(target_score, reachable=False)
        gates[code] = need
        if need:
            gated.append(code)

    gains = [_cents(o.gain) for row in applicable for o in row.options]
    quantum = 0
    for cents in gains + [1] * (not gains):
        quantum = gcd(quantum, cents)
    blocks = [
        _Block(code, members, quantum, -(-gates[code] // quantum)) for code, members in by_criterion.items()
    ]
    plan = _combine(blocks, -(-need_total // quantum))
    if plan is None:
        return Lift(target_score, reachable=False, gated_criteria=tuple(gated))
    changes = tuple(
        Change(row.code, row.criterion_code, row.earned, row.earned + option.gain, option)
        for row, option in plan
    )
    new_earned = earned + sum((c.gain for c in changes), ZERO)
    score_after = quantize(new_earned / total_max * HUNDRED) + bonus
    return Lift(target_score, True, changes, min(score_after, HUNDRED), tuple(gated))


class _Block:
    """One criterion's indicators: masks[i][k] is a bitset of the gains (in quanta) reachable
    with k of the first i indicators."""

    def __init__(self, code, rows, quantum, floor):
        self.code, self.rows, self.floor = code, rows, floor
        self.steps = [[(_cents(o.gain) // quantum, o) for o in row.options] for row in rows]
        masks = [[1] + [0] * len(rows)]
        for steps in self.steps:
            previous = masks[-1]
            current = list(previous)
            for k in range(len(rows)):
                if previous[k]:
                    for size, _option in steps:
                        current[k + 1] |= previous[k] << size
            masks.append(current)
        self.masks = masks
        # The gate: only totals of at least `floor` quanta count for this criterion.
        self.final = [mask >> floor << floor for mask in masks[-1]]

    def pick(self, k: int, gain: int) -> list:
        chosen = []
        for index in range(len(self.rows), 0, -1):
            if self.masks[index - 1][k] >> gain & 1:
                continue
            for size, option in self.steps[index - 1]:
                if size <= gain and k and self.masks[index - 1][k - 1] >> (gain - size) & 1:
                    chosen.append((self.rows[index - 1], option))
                    k, gain = k - 1, gain - size
                    break
        return chosen[::-1]


def _combine(blocks: list[_Block], need: int):
    """Convolve the blocks; return the (row, option) pairs of the best plan, or None."""
    stages = [[1]]  # stages[j][k]: gains reachable with k indicators in the first j blocks
    for block in blocks:
        previous = stages[-1]
        current = [0] * (len(previous) + len(block.rows))
        for k1, mask in enumerate(previous):
            if not mask:
                continue
            for k2, local in enumerate(block.final):
                bits = local
                while bits:
                    low = bits & -bits
                    current[k1 + k2] |= mask << (low.bit_length() - 1)
                    bits ^= low
        stages.append(current)
    for k, mask in enumerate(stages[-1]):
        reaching = mask >> need
        if reaching:
            gain = need + (reaching & -reaching).bit_length() - 1
            return _trace(blocks, stages, k, gain)
    return None


def _trace(blocks, stages, k, gain):
    plan = []
    for j in range(len(blocks), 0, -1):
        block, previous = blocks[j - 1], stages[j - 1]
        for k2, local in enumerate(block.final):
            k1 = k - k2
            found = next(
                (
                    b
                    for b in range(min(gain, local.bit_length() - 1), -1, -1)
                    if 0 <= k1 < len(previous) and local >> b & 1 and previous[k1] >> (gain - b) & 1
                ),
                None,
            )
            if found is not None:
                plan = block.pick(k2, found) + plan
                k, gain = k1, gain - found
                break
    return plan


# --- The reads behind the commune page -----------------------------------------------------------

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

    @property
    def complete(self) -> bool:
        return self.scored == self.to_score


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
    gated = any(line.below_gate for line in criteria)
    target = next_target(score, gated=gated)
    lift, steps = None, ()
    if target is not None and not vetoed:
        lift_rows = [_lift_row(s, scoring_layer) for s in scores]
        lift = smallest_lift(
            lift_rows, target_score=target, bonus=result.total.bonus, gate_percent=gate_percent
        )
        by_code = {s.indicator.code: s for s in scores}
        steps = tuple(_step(by_code[c.code], c) for c in lift.changes)
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
    )


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


def _average(values) -> Decimal | None:
    return quantize(sum(values, ZERO) / len(values)) if len(values) >= MIN_UNITS_FOR_AVERAGE else None


def _averages(assessment, layer):
    """Per criterion, the average percentage of the group (same appraising body) and of the
    province (the whole cycle); and the average total. Two queries whatever the number of units."""
    prefix = "self" if layer == SELF else "appraised"
    comparable = Assessment.objects.filter(_comparable(layer), cycle=assessment.cycle)
    rows = (
        IndicatorScore.objects.filter(assessment__in=comparable)
        .values("assessment_id", "assessment__body_id", "indicator__criterion__code")
        .annotate(
            earned=Sum(f"{prefix}_points", filter=Q(**{f"{prefix}_na": False})),
            maximum=Sum("indicator__max_points", filter=Q(**{f"{prefix}_na": False})),
        )
        .order_by()
    )
    group, province = defaultdict(list), defaultdict(list)
    for row in rows:
        if not row["maximum"]:
            continue
        percent = quantize((row["earned"] or ZERO) / row["maximum"] * HUNDRED)
        code = row["indicator__criterion__code"]
        province[code].append(percent)
        if row["assessment__body_id"] == assessment.body_id:
            group[code].append(percent)
    per_criterion = {code: (_average(group[code]), _average(values)) for code, values in province.items()}
    field_name = {FINAL: "final_score", APPRAISED: "appraised_score", SELF: "self_score"}[layer]
    totals = list(
        comparable.filter(**{f"{field_name}__isnull": False}).values_list("body_id", field_name).order_by()
    )
    in_group = [value for body, value in totals if body == assessment.body_id]
    everyone = [value for _body, value in totals]
    return per_criterion, Averages(_average(in_group), len(in_group), _average(everyone), len(everyone))


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


# --- History through lineage --------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryEntry:
    year: int
    unit: object
    relation: str  # "self" or "predecessor"
    status: str
    status_label: str
    score: Decimal | None  # shown only once decided (public) or for this assessment itself
    level: int | None
    divided: bool  # the predecessor went to several units: its result covers more than this one
    partial: bool  # only part of the predecessor came to this unit
    current: bool
    via: object = None  # the intermediate unit it became before this one, if any
    # A past year's result imported from the province's own sheets (`ImportedResult`): the
    # decision it came from, since there is no assessment here to open.
    imported_decision: str = ""


@dataclass(frozen=True)
class HistoryYear:
    year: int
    entries: tuple[HistoryEntry, ...]


@dataclass(frozen=True)
class Formation:
    event: object
    units: tuple

    @property
    def names(self) -> str:
        return ", ".join(unit.name for unit in self.units)


@dataclass(frozen=True)
class History:
    years: tuple[HistoryYear, ...]
    formed_from: tuple[Formation, ...]  # the events that formed the unit, newest first


def history_of(assessment, explanation: Explanation | None = None) -> History:
    """The unit's results across cycles, and its predecessors' results through lineage (merged
    units show every predecessor; a divided predecessor is marked), with the results imported for
    years before this system. A handful of queries: one per lineage step, one for the assessments,
    one for the imported results, one for the divisions."""
    unit = assessment.unit
    steps = ancestry_of(unit)
    links = [link for step in steps for link in step]
    ancestors = {link.predecessor_id: link for link in links}
    divided = _divided({link.predecessor_id for link in links})
    # In no order: each year's entries, imported ones included, are sorted once below.
    found = Assessment.objects.filter(unit_id__in=[unit.pk, *ancestors]).select_related("cycle", "unit")
    by_year: dict[int, list[HistoryEntry]] = defaultdict(list)

    def entry(year, of_unit, **fields) -> HistoryEntry:
        link = ancestors.get(of_unit.pk)
        return HistoryEntry(
            year=year,
            unit=of_unit,
            relation="self" if of_unit.pk == unit.pk else "predecessor",
            status_label=Status(fields["status"]).label,
            divided=of_unit.pk in divided,
            partial=link is not None and link.share != Share.WHOLE,
            via=link.successor if link is not None and link.successor_id != unit.pk else None,
            **fields,
        )

    assessed = set()
    for other in found:
        assessed.add((other.cycle.year, other.unit_id))
        current = other.pk == assessment.pk
        score, level = None, None
        if current and explanation is not None:
            # Before the decision the level is only projected: the row shows the state instead.
            score = explanation.score
            level = explanation.level if explanation.layer == FINAL else None
        elif permissions.is_public(other):
            score, level = other.final_score, decided_level(other.status, other.final_level)
        by_year[other.cycle.year].append(
            entry(
                other.cycle.year, other.unit, status=other.status, score=score, level=level, current=current
            )
        )
    # Decided results of years before this system, as imported; an assessment of the same unit
    # and year, where there is one, is the record.
    for past in ImportedResult.objects.filter(unit_id__in=[unit.pk, *ancestors]).select_related("unit"):
        if (past.year, past.unit_id) in assessed:
            continue
        by_year[past.year].append(
            entry(
                past.year,
                past.unit,
                status=Status.RECOGNISED if past.level else Status.NOT_RECOGNISED,
                score=past.final_score,
                level=past.level,
                current=False,
                imported_decision=past.decision_number,
            )
        )
    formed_from = tuple(
        Formation(event_links[0].event, tuple(link.predecessor for link in event_links))
        for event_links in _by_event(list(steps[0]) if steps else [])
    )
    return History(
        years=tuple(
            HistoryYear(year, tuple(sorted(entries, key=_history_order)))
            for year, entries in sorted(by_year.items(), reverse=True)
        ),
        formed_from=formed_from,
    )


def _history_order(entry: HistoryEntry):
    return (entry.unit.search_name, entry.unit.code)


def _by_event(links):
    grouped: dict[str, list] = defaultdict(list)
    for link in links:
        grouped[link.event_id].append(link)
    return sorted(grouped.values(), key=lambda group: group[0].event.effective_date, reverse=True)


def _divided(unit_ids) -> set[str]:
    """Predecessors whose territory went to more than one successor in the same event."""
    if not unit_ids:
        return set()
    rows = (
        LineageLink.objects.filter(predecessor_id__in=unit_ids)
        .values("predecessor_id", "event_id")
        .annotate(successors=Count("successor_id", distinct=True))
        .filter(successors__gt=1)
        .order_by()
    )
    return {row["predecessor_id"] for row in rows}


# --- One cycle, for the printed report ----------------------------------------------------------


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
    by_level = dict.fromkeys(range(5), 0)
    for row in rows:
        if row.decided:
            by_level[row.level] += 1
    undecided = sum(1 for row in rows if not row.decided)
    targets = tuple(attainment(year, by_level, units_total=len(rows)))
    return CycleOverview(
        year=year,
        name=visible[0].cycle.name,
        rows=tuple(rows),
        by_level=by_level,
        undecided=undecided,
        targets=targets,
        cycle_total=Assessment.objects.filter(cycle__year=year).count(),
    )
