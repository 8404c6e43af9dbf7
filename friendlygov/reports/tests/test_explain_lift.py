"""The smallest lift to the next level: examples, and properties checked against brute force."""

from decimal import Decimal as D
from itertools import combinations, product

from hypothesis import given, settings
from hypothesis import strategies as st

from friendlygov.frameworks import gating, scoring
from friendlygov.frameworks.scoring import IndicatorRule, LinearMapping, Threshold, ThresholdMapping
from friendlygov.reports.lift import LiftRow, Option, next_target, options_for, smallest_lift

GATE = gating.GatingRule("DK1", "≥ 50% mỗi tiêu chí", gating.MIN_CRITERION_PERCENT, percent=D(50))


def row(code, criterion, max_points, earned, *gains):
    return LiftRow(
        code,
        criterion,
        D(max_points),
        None if earned is None else D(earned),
        tuple(Option(D(g)) for g in gains),
    )


def score_after(rows, changes, bonus=D(0)):
    gained = {c.code: c.gain for c in changes}
    scores = [
        scoring.IndicatorScore(
            r.code,
            r.criterion_code,
            r.max_points,
            None if r.earned is None else r.earned + gained.get(r.code, 0),
            True,
        )
        for r in rows
    ]
    total = scoring.total_score(scores, bonus=bonus, bonus_cap=bonus)
    return gating.recognise(total, [GATE])


def test_it_picks_one_big_yes_no_rather_than_two_small_steps():
    rows = [
        row("A", "TC1", 10, 8, "0.5", "1", "1.5", "2"),
        row("B", "TC1", 10, 0, "10"),
        row("C", "TC2", 10, 9, "0.5", "1"),
    ]
    lift = smallest_lift(rows, target_score=D(80))  # 17/30 = 56.67; B alone gives 27/30 = 90
    assert [c.code for c in lift.changes] == ["B"]
    assert lift.score_after == D("90.00")


def test_it_says_when_no_lift_can_reach_the_target():
    rows = [row("A", "TC1", 10, 8, "1", "2"), row("C", "TC2", 10, 9, "1"), row("N", "TC2", 10, 0)]
    lift = smallest_lift(rows, target_score=D(80))  # at best 20/30 = 66.67
    assert not lift.reachable
    assert lift.changes == ()


def test_it_prefers_the_fewest_points_among_equally_small_sets():
    rows = [
        row("A", "TC1", 5, 3, "1", "2"),
        row("B", "TC1", 5, 3, "0.5", "1", "1.5", "2"),
        row("C", "TC2", 10, 8, "2"),
    ]
    # 14/20 = 70; 75 needs 15 → +1: A+1 or B+1 (one indicator, one point).
    lift = smallest_lift(rows, target_score=D(75))
    assert len(lift.changes) == 1
    assert lift.total_gain == D(1)
    assert lift.score_after == D("75.00")


def test_it_respects_not_applicable_indicators():
    rows = [row("A", "TC1", 10, 7, "1", "2", "3"), row("N", "TC1", 10, None, "10")]
    lift = smallest_lift(rows, target_score=D(90))  # 7 of 10 applicable → needs 9
    assert [(c.code, c.gain) for c in lift.changes] == [("A", D(2))]
    assert lift.score_after == D("90.00")


def test_it_lifts_a_criterion_below_the_gate_first():
    rows = [
        row("A", "TC1", 10, 2, "1", "2", "3", "8"),  # TC1 at 20%: below the 50% gate
        row("B", "TC2", 10, 10),
        row("C", "TC3", 10, 10),
        row("D", "TC4", 10, 6, "4"),
    ]
    # 28/40 = 70 already reaches the target, but TC1 must first reach 5 of its 10 points.
    lift = smallest_lift(rows, target_score=D(70), gate_percent=D(50))
    assert lift.gated_criteria == ("TC1",)
    assert [(c.code, c.gain) for c in lift.changes] == [("A", D(3))]


def test_it_reaches_the_total_and_the_gate_together():
    rows = [row("A", "TC1", 10, 2, "1", "2", "3", "8"), row("B", "TC2", 10, 10), row("D", "TC2", 10, 6, "4")]
    lift = smallest_lift(rows, target_score=D(80), gate_percent=D(50))  # 18/30 = 60, TC1 at 20%
    assert [c.code for c in lift.changes] == ["A"]
    assert lift.changes[0].gain == D(8)  # 26/30 = 86.67 in one indicator
    assert score_after(rows, lift.changes).level >= 1


def test_it_counts_the_bonus_within_its_cap():
    rows = [row("A", "TC1", 10, 7, "1", "2", "3")]
    lift = smallest_lift(rows, target_score=D(80), bonus=D(2))  # 70 + 2 → needs 78 base → +1
    assert lift.total_gain == D(1)


def test_it_says_nothing_is_needed_at_the_target():
    lift = smallest_lift([row("A", "TC1", 10, 9, "1")], target_score=D(85))
    assert lift.reachable
    assert lift.changes == ()


def test_it_names_the_next_level_bound():
    assert next_target(D("79.99")) == D(80)
    assert next_target(D("84.99")) == D(85)
    assert next_target(D(85)) == D(90)
    assert next_target(D(95)) is None
    assert next_target(D(86), gated=True) == D(85)
    assert next_target(D(60), gated=True) == D(80)


def test_it_turns_each_method_into_options():
    manual = IndicatorRule("M", scoring.MANUAL, D(2), step=D("0.5"))
    assert [o.gain for o in options_for(manual, D(1), D(1))] == [D("0.5"), D(1)]
    yes_no = IndicatorRule("Y", scoring.YES_NO, D(4))
    assert [o.gain for o in options_for(yes_no, D(0), D(0))] == [D(4)]
    assert options_for(yes_no, D(4), D(1)) == ()
    bands = ThresholdMapping((Threshold(D(98), D(5)), Threshold(D(95), D(4)), Threshold(D(90), D(3))))
    ratio = IndicatorRule("R", scoring.RATIO, D(5), mapping=bands)
    assert [(o.gain, o.percent) for o in options_for(ratio, D(3), D(92))] == [(D(1), D(95)), (D(2), D(98))]
    deduction = IndicatorRule("D", scoring.DEDUCTION, D(4), per_violation=D(1))
    assert [(o.gain, o.fewer_violations) for o in options_for(deduction, D(1), D(3))] == [
        (D(1), 1),
        (D(2), 2),
        (D(3), 3),
    ]
    # Six violations of one point on a 4-point indicator: the first two fewer change nothing.
    assert [o.fewer_violations for o in options_for(deduction, D(0), D(6))] == [3, 4, 5, 6]
    linear = IndicatorRule("L", scoring.RATIO, D(6), mapping=LinearMapping(D(50), D(100)))
    options = options_for(linear, D(3), D(75))
    assert options[0].gain == D("0.25")
    assert options[-1].gain == D(3)
    assert D(99) < options[-1].percent <= D(100)  # rounding to two decimals gives 6.00 a little early
    for option in options:
        assert linear.mapping.points_for(option.percent, D(6)) >= D(3) + option.gain


# --- Properties against brute force ----------------------------------------------------------


@st.composite
def small_cases(draw):
    rows = []
    for index in range(draw(st.integers(1, 5))):
        max_points = D(draw(st.integers(2, 10)))
        if draw(st.integers(0, 5)) == 0:
            rows.append(LiftRow(f"I{index}", f"TC{index % 2}", max_points, None, ()))
            continue
        earned = D(draw(st.integers(0, int(max_points * 4)))) / 4
        room = max_points - earned
        gains = sorted(set(draw(st.lists(st.integers(1, int(room * 4) or 1), max_size=3))))
        options = tuple(Option(D(g) / 4) for g in gains if D(g) / 4 <= room)
        rows.append(LiftRow(f"I{index}", f"TC{index % 2}", max_points, earned, options))
    target = D(draw(st.sampled_from([50, 60, 70, 80, 85, 90, 95])))
    gate = draw(st.sampled_from([None, D(50)]))
    bonus = D(draw(st.integers(0, 4))) / 2
    return rows, target, gate, bonus


def reaches(rows, gains, target, gate, bonus):
    scores = [
        scoring.IndicatorScore(
            r.code,
            r.criterion_code,
            r.max_points,
            None if r.earned is None else r.earned + gains.get(r.code, 0),
            True,
        )
        for r in rows
    ]
    total = scoring.total_score(scores, bonus=bonus, bonus_cap=bonus)
    if total.applicable_max == 0 or min(total.total, D(100)) < target:
        return False
    return gate is None or all(c.percent is None or c.percent >= gate for c in total.criteria)


def brute_force(rows, target, gate, bonus):
    """The best (count, gain) over every subset and every option choice."""
    candidates = [r for r in rows if r.earned is not None and r.options]
    for size in range(len(candidates) + 1):
        best = None
        for subset in combinations(candidates, size):
            for choice in product(*(r.options for r in subset)):
                gains = {r.code: o.gain for r, o in zip(subset, choice, strict=True)}
                if reaches(rows, gains, target, gate, bonus):
                    gain = sum(gains.values(), D(0))
                    best = gain if best is None else min(best, gain)
        if best is not None:
            return size, best
    return None


@settings(max_examples=300, deadline=None)
@given(small_cases())
def test_it_finds_a_lift_that_works_and_no_smaller_one_exists(case):
    rows, target, gate, bonus = case
    lift = smallest_lift(rows, target_score=target, bonus=bonus, gate_percent=gate)
    expected = brute_force(rows, target, gate, bonus)
    if expected is None:
        assert not lift.reachable
        return
    assert lift.reachable
    gains = {c.code: c.gain for c in lift.changes}
    assert len(gains) == len(lift.changes), "one change per indicator"
    for change in lift.changes:
        source = next(r for r in rows if r.code == change.code)
        assert change.option in source.options
    assert reaches(rows, gains, target, gate, bonus)
    assert (len(lift.changes), lift.total_gain) == expected


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**20))
def test_it_solves_a_full_framework(seed):
    """Twenty indicators of every method, one of them below the gate: a lift found reaches the
    target. (How long it takes is not a unit test's business: a timed assertion failed on a loaded
    machine.)"""
    import random

    rng = random.Random(seed)
    rows = []
    for index in range(20):
        max_points = D(rng.choice([4, 5, 6, 8]))
        earned = D(rng.randint(0, int(max_points * 100))) / 100
        rule = IndicatorRule(f"I{index}", scoring.RATIO, max_points, mapping=LinearMapping(D(20), D(100)))
        if index % 3 == 0:
            rule = IndicatorRule(f"I{index}", scoring.MANUAL, max_points, step=D("0.25"))
            earned = (earned * 4).to_integral_value() / 4
        rows.append(
            LiftRow(f"I{index}", f"TC{index // 4}", max_points, earned, options_for(rule, earned, None))
        )
    lift = smallest_lift(rows, target_score=D(95), gate_percent=D(50))
    if lift.reachable:
        assert reaches(rows, {c.code: c.gain for c in lift.changes}, D(95), D(50), D(0))
    else:  # not even every indicator at its best gets there
        best = {row.code: max(o.gain for o in row.options) for row in rows if row.options}
        assert not reaches(rows, best, D(95), D(50), D(0))
