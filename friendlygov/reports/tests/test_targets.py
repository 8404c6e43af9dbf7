from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from friendlygov.reports.targets import TargetScheduleError, attainment, load_schedule


def results_by_code(year, by_level, **kwargs):
    return {result.rule.code: result for result in attainment(year, by_level, **kwargs)}


def test_it_requires_a_fifth_at_level_1_or_above_in_2024():
    # 235 units: 20% is exactly 47 units.
    (result,) = attainment(2024, {0: 189, 1: 30, 2: 10, 3: 5, 4: 1})
    assert (result.required_units, result.actual_units, result.met, result.gap_units) == (47, 46, False, 1)
    assert result.actual_percent == Decimal("19.57")
    (result,) = attainment(2024, {0: 188, 1: 31, 2: 10, 3: 5, 4: 1})
    assert result.met and result.gap_units == 0


def test_it_counts_only_level_2_and_above_in_2025():
    # 207 units: 20% is 41.4, so 42 units are needed; level 1 does not count.
    (result,) = attainment(2025, {0: 100, 1: 66, 2: 30, 3: 10, 4: 1})
    assert result.rule.min_level == 2
    assert (result.required_units, result.actual_units, result.gap_units) == (42, 41, 1)


def test_it_requires_half_above_level_1_and_one_unit_at_level_4_in_2026():
    results = attainment(2026, {0: 10, 1: 22, 2: 20, 3: 12, 4: 0})
    share, level_4 = results
    assert (share.required_units, share.actual_units, share.met, share.gap_units) == (32, 32, True, 0)
    assert (level_4.required_units, level_4.actual_units, level_4.met, level_4.gap_units) == (1, 0, False, 1)


def test_it_rounds_the_required_units_up():
    # 50% of 235 is 117.5 units: 117 is not enough.
    (share, _level_4) = attainment(2026, {0: 118, 2: 117})
    assert share.required_units == 118
    assert share.gap_units == 1


@pytest.mark.parametrize("year", [2027, 2028, 2029, 2030])
def test_it_applies_three_targets_each_year_from_2027_to_2030(year):
    # 64 units: 90% → 58 at level ≥ 1, 70% → 45 at level ≥ 2, and one at level 4.
    results = attainment(year, {0: 7, 1: 13, 2: 30, 3: 13, 4: 1})
    summary = [(r.rule.min_level, r.required_units, r.actual_units, r.met, r.gap_units) for r in results]
    assert summary == [(1, 58, 57, False, 1), (2, 45, 44, False, 1), (4, 1, 1, True, 0)]


def test_it_has_no_targets_outside_2024_to_2030():
    assert attainment(2023, {1: 5}) == []
    assert attainment(2031, {1: 5}) == []


def test_it_counts_units_without_a_level_as_not_qualified():
    (result,) = attainment(2024, {1: 20, 2: 27}, units_total=235)
    assert result.units_total == 235
    assert (result.required_units, result.actual_units, result.met) == (47, 47, True)


def test_it_refuses_a_total_smaller_than_the_distribution():
    with pytest.raises(TargetScheduleError, match="units_total=10"):
        attainment(2024, {1: 20}, units_total=10)


@pytest.mark.parametrize("by_level", [{-1: 1}, {"1": 1}, {1: -1}, {1: 1.5}])
def test_it_refuses_a_bad_distribution(by_level):
    with pytest.raises(TargetScheduleError):
        attainment(2024, by_level)


def test_it_names_the_place_of_a_bad_schedule_rule():
    with pytest.raises(TargetScheduleError, match=r"schedule\.2024\[0\]: percent"):
        load_schedule(
            "schedule:\n  2024:\n    - {kind: share, min_level: 1, percent: 120}\n", source="t.yaml"
        )
    with pytest.raises(TargetScheduleError, match="min_level"):
        load_schedule("schedule:\n  2024:\n    - {kind: count, min_level: 7, count: 1}\n")
    with pytest.raises(TargetScheduleError, match="not valid YAML"):
        load_schedule("schedule: [\n")


def test_it_describes_each_rule_in_words():
    share, level_4 = attainment(2026, {2: 1})
    assert share.rule.describe() == "Ít nhất 50% số đơn vị đạt mức 2 trở lên"
    assert level_4.rule.describe() == "Ít nhất 1 đơn vị đạt mức 4 trở lên"


distributions = st.fixed_dictionaries({level: st.integers(0, 400) for level in range(5)})


@given(distributions, st.sampled_from(range(2024, 2031)))
def test_gap_is_exactly_what_closes_the_target(by_level, year):
    for result in attainment(year, by_level):
        assert result.met == (result.gap_units == 0)
        assert result.actual_units + result.gap_units >= result.required_units
        if result.rule.kind == "share" and result.units_total:
            enough = Decimal(result.required_units) * 100 >= result.rule.percent * result.units_total
            one_fewer = Decimal(result.required_units - 1) * 100 >= result.rule.percent * result.units_total
            assert enough and not one_fewer
