"""The smallest lift to the next level: which indicators to raise, and by how much, for the fewest
points (a pure rule). It takes frozen dataclasses and Decimals and never touches the database."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from math import gcd

from friendlygov.frameworks import scoring
from friendlygov.frameworks.levels import LEVEL_BANDS, Bands
from friendlygov.frameworks.scoring import HUNDRED, ZERO, LinearMapping, ThresholdMapping, quantize

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


def next_target(score: Decimal, *, gated: bool = False, bands: Bands = LEVEL_BANDS) -> Decimal | None:
    """The lower bound of the level above `score` (80/85/90/95 with the default bands), None at the
    top level. When a gate blocks recognition, the band the score already lies in is the target
    (never below the lowest band). `bands` are the cycle's program's (`rules_for(cycle)`)."""
    bounds = sorted(lowest for lowest, _level in bands)
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
    """The percentage (two decimals) on the framework's line that earns `points` on a linear
    ratio: full points at the framework's own full percentage (100%, not the 99,96% that rounding
    of points would also accept), so that a threshold prints as the framework states it."""
    mapping = rule.mapping
    span = mapping.full_percent - mapping.floor_percent
    percent = (mapping.floor_percent + points / rule.max_points * span).quantize(CENT, ROUND_CEILING)
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
