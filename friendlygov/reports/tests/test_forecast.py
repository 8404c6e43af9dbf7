"""The forecast of an undecided year: the range is exactly the fewest and the most units that can
reach each target, over every way the appraisals still to come may lower the claims."""

from decimal import Decimal
from itertools import product

from hypothesis import given, settings
from hypothesis import strategies as st

from friendlygov.reports.forecast import Outlook, Standing, Verdict, forecast
from friendlygov.reports.targets import TargetRule

SCHEDULE = {
    2026: (
        TargetRule(kind="share", min_level=2, percent=Decimal(50)),
        TargetRule(kind="count", min_level=4, count=1),
    ),
    2027: (
        TargetRule(kind="share", min_level=1, percent=Decimal(90)),
        TargetRule(kind="share", min_level=2, percent=Decimal(70)),
        TargetRule(kind="count", min_level=4, count=1),
    ),
}

levels = st.integers(min_value=0, max_value=4)
settled = st.builds(Outlook, st.sampled_from([Standing.DECIDED, Standing.APPRAISED]), levels)
claimed = st.builds(Outlook, st.just(Standing.CLAIMED), levels)
unknown = st.builds(Outlook, st.just(Standing.UNKNOWN), st.just(0))


def brute_force(outlooks, rule):
    """(fewest, most) units at or above the rule's level over every outcome: a settled unit keeps
    its level, a claimed one ends anywhere from 0 to its claim, an unknown one at 0."""
    choices = [
        [o.level] if o.standing in (Standing.DECIDED, Standing.APPRAISED) else range(o.level + 1)
        for o in outlooks
        if o.standing != Standing.UNKNOWN
    ]
    counts = [sum(1 for level in outcome if level >= rule.min_level) for outcome in product(*choices)]
    return min(counts), max(counts)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(settled, max_size=6),
    st.lists(claimed, max_size=4),
    st.lists(unknown, max_size=2),
    st.sampled_from([2026, 2027]),
)
def test_the_range_is_the_fewest_and_the_most_units_any_appraisal_can_leave(settled, claimed, unknown, year):
    outlooks = settled + claimed + unknown
    for result in forecast(year, outlooks, schedule=SCHEDULE):
        assert (result.low, result.high) == brute_force(outlooks, result.rule)
        assert result.units_total == len(outlooks)
        reachable = [result.low <= n <= result.high for n in range(result.required_units, len(outlooks) + 1)]
        if result.verdict == Verdict.MET:
            assert result.low >= result.required_units and result.short_of_low == 0
        elif result.verdict == Verdict.POSSIBLE:
            assert result.low < result.required_units <= result.high and any(reachable)
        else:
            assert result.high < result.required_units and not any(reachable)


def test_it_reads_like_the_leaders_question():
    # 64 units; 50% at level ≥ 2 needs 32: 20 settled at level 2+, 14 more claim it.
    outlooks = (
        [Outlook(Standing.DECIDED, 3)] * 12
        + [Outlook(Standing.APPRAISED, 2)] * 8
        + [Outlook(Standing.APPRAISED, 1)] * 6
        + [Outlook(Standing.CLAIMED, 2)] * 14
        + [Outlook(Standing.CLAIMED, 1)] * 10
        + [Outlook(Standing.UNKNOWN, 0)] * 14
    )
    above, level_4 = forecast(2026, outlooks, schedule=SCHEDULE)
    assert (above.required_units, above.low, above.high, above.verdict) == (32, 20, 34, Verdict.POSSIBLE)
    assert above.short_of_low == 12 and above.short_of_high == 0
    assert (level_4.required_units, level_4.low, level_4.high, level_4.verdict) == (
        1,
        0,
        0,
        Verdict.OUT_OF_REACH,
    )


def test_an_undecided_unit_never_counts_against_the_low_bound_twice():
    # A claim below the target's level adds nothing, above it only to the high bound.
    (above, _level_4) = forecast(
        2026, [Outlook(Standing.CLAIMED, 4), Outlook(Standing.DECIDED, 0)], schedule=SCHEDULE
    )
    assert (above.low, above.high, above.required_units) == (0, 1, 1)
