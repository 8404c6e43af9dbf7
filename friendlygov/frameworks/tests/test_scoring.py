from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from friendlygov.frameworks.gating import GatingRule, recognise
from friendlygov.frameworks.scoring import (
    DEDUCTION,
    MANUAL,
    RATIO,
    SURVEY,
    YES_NO,
    BonusCap,
    IndicatorRule,
    IndicatorScore,
    InvalidBonus,
    InvalidMeasure,
    InvalidPoints,
    LinearMapping,
    NotApplicableRefused,
    Threshold,
    ThresholdMapping,
    bonus_total,
    deduction_points,
    indicator_points,
    manual_points,
    percent_points,
    total_score,
    undecided_bonus,
    yes_no_points,
)

THRESHOLDS = ThresholdMapping(
    (Threshold(D("95"), D("4")), Threshold(D("80"), D("3")), Threshold(D("50"), D("1")))
)


def test_it_accepts_manual_points_on_the_step():
    assert manual_points(D("3.25"), max_points=D("5"), step=D("0.25")) == D("3.25")
    assert manual_points(D("0"), max_points=D("5"), step=D("0.5")) == D("0")
    assert manual_points(D("5"), max_points=D("5"), step=D("0.5")) == D("5")


@pytest.mark.parametrize("points", [D("3.3"), D("-0.5"), D("5.5"), D("0.25")])
def test_it_refuses_manual_points_off_the_step_or_out_of_range(points):
    with pytest.raises(InvalidPoints):
        manual_points(points, max_points=D("5"), step=D("0.5"))


def test_it_refuses_float_manual_points():
    with pytest.raises(ValueError):
        manual_points(2.5, max_points=D("5"), step=D("0.5"))


def test_it_gives_yes_no_all_or_nothing():
    assert yes_no_points(True, max_points=D("4")) == D("4")
    assert yes_no_points(False, max_points=D("4")) == D("0")


@pytest.mark.parametrize(
    ("percent", "points"),
    [("100", "4"), ("95", "4"), ("94.99", "3"), ("80", "3"), ("50", "1"), ("49.9", "0")],
)
def test_it_maps_a_ratio_by_thresholds(percent, points):
    assert percent_points(D(percent), max_points=D("4"), mapping=THRESHOLDS) == D(points)


@pytest.mark.parametrize(
    ("percent", "points"), [("50", "0"), ("40", "0"), ("75", "2"), ("100", "4"), ("90", "3.2")]
)
def test_it_maps_a_ratio_linearly(percent, points):
    mapping = LinearMapping(floor_percent=D("50"), full_percent=D("100"))
    assert percent_points(D(percent), max_points=D("4"), mapping=mapping) == D(points)


@pytest.mark.parametrize("percent", [D("-1"), D("100.01")])
def test_it_refuses_percentages_outside_0_to_100(percent):
    with pytest.raises(InvalidMeasure):
        percent_points(percent, max_points=D("4"), mapping=THRESHOLDS)


def test_it_deducts_per_violation_down_to_zero():
    assert deduction_points(0, max_points=D("4"), per_violation=D("0.5")) == D("4")
    assert deduction_points(3, max_points=D("4"), per_violation=D("0.5")) == D("2.5")
    assert deduction_points(20, max_points=D("4"), per_violation=D("0.5")) == D("0")
    with pytest.raises(InvalidMeasure):
        deduction_points(-1, max_points=D("4"), per_violation=D("0.5"))


def test_it_dispatches_on_the_method():
    assert indicator_points(IndicatorRule("a", MANUAL, D("5"), step=D("0.25")), D("1.75")) == D("1.75")
    assert indicator_points(IndicatorRule("b", YES_NO, D("2")), True) == D("2")
    assert indicator_points(IndicatorRule("c", RATIO, D("4"), mapping=THRESHOLDS), D("81")) == D("3")
    assert indicator_points(IndicatorRule("d", SURVEY, D("4"), mapping=THRESHOLDS), D("96")) == D("4")
    assert indicator_points(IndicatorRule("e", DEDUCTION, D("4"), per_violation=D("1")), 1) == D("3")


def score(code, criterion, maximum, earned, na_allowed=False):
    return IndicatorScore(code, criterion, D(maximum), None if earned is None else D(earned), na_allowed)


def test_it_normalises_over_applicable_indicators():
    total = total_score([score("1", "A", "50", "40"), score("2", "B", "50", None, na_allowed=True)])
    assert total.applicable_max == D("50")
    assert total.base_score == D("80.00")
    assert [(c.code, c.percent) for c in total.criteria] == [("A", D("80.00")), ("B", None)]


def test_it_refuses_na_where_the_indicator_does_not_allow_it():
    with pytest.raises(NotApplicableRefused):
        total_score([score("1", "A", "50", None)])


def test_it_caps_the_bonus_and_never_passes_100():
    scores = [score("1", "A", "100", "90")]
    assert total_score(scores, bonus=D("8"), bonus_cap=D("5")).total == D("95.00")
    assert total_score([score("1", "A", "100", "98")], bonus=D("5"), bonus_cap=D("5")).total == D("100.00")


GATES = (
    GatingRule("G1", "Mỗi tiêu chí ≥ 50%", "min_criterion_percent", percent=D("50")),
    GatingRule("G2", "Tổng ≥ 80", "min_total", min_total=D("80")),
    GatingRule("G3", "Người đứng đầu bị kỷ luật", "veto_flag", flag="leader_disciplined"),
)


def test_it_recognises_the_band_when_every_gate_passes():
    total = total_score([score("1", "A", "50", "45"), score("2", "B", "50", "46")])
    result = recognise(total, GATES, {"leader_disciplined": False})
    assert (result.score, result.level, result.failures) == (D("91.00"), 3, ())


def test_it_lists_each_failed_gate_and_recognises_nothing():
    total = total_score([score("1", "A", "50", "50"), score("2", "B", "50", "20")])
    result = recognise(total, GATES, {"leader_disciplined": True})
    assert result.score_level == 0
    assert result.level == 0
    assert [f.code for f in result.failures] == ["G1", "G2", "G3"]


def test_it_blocks_a_high_score_on_a_veto():
    total = total_score([score("1", "A", "100", "99")])
    result = recognise(total, GATES, {"leader_disciplined": True})
    assert (result.score_level, result.level) == (4, 0)
    assert [f.name for f in result.failures] == ["Người đứng đầu bị kỷ luật"]


quarters = st.integers(min_value=0, max_value=400).map(lambda n: D(n) / 4)


@st.composite
def score_sets(draw):
    rows = []
    for i in range(draw(st.integers(min_value=1, max_value=8))):
        maximum = draw(st.integers(min_value=1, max_value=30).map(D))
        na = draw(st.booleans())
        earned = None if na else min(draw(quarters), maximum)
        rows.append(IndicatorScore(f"i{i}", f"c{i % 3}", maximum, earned, na_allowed=True))
    return rows


@given(score_sets(), quarters, quarters)
def test_it_keeps_totals_between_0_and_100_and_respects_the_bonus_cap(scores, bonus, cap):
    total = total_score(scores, bonus=bonus, bonus_cap=cap)
    assert D(0) <= total.total <= D(100)
    assert total.bonus <= cap
    assert total.bonus <= bonus


@given(score_sets())
def test_it_gives_full_marks_100_whatever_is_not_applicable(scores):
    full = [
        IndicatorScore(
            s.code, s.criterion_code, s.max_points, None if s.earned is None else s.max_points, True
        )
        for s in scores
    ]
    total = total_score(full)
    if total.applicable_max:
        assert total.total == D(100)
    else:
        assert total.total == D(0)


BONUS_RULES = (BonusCap("TH1", D("3")), BonusCap("TH2", D("2")))


def test_it_adds_the_bonus_rule_by_rule():
    assert bonus_total({"TH1": D("1.5"), "TH2": D("2")}, BONUS_RULES) == D("3.5")
    assert bonus_total({}, BONUS_RULES) == D("0")


@pytest.mark.parametrize("points", [D("2.01"), D("-0.5")])
def test_it_holds_each_bonus_rule_to_its_own_cap(points):
    with pytest.raises(InvalidBonus) as refused:
        bonus_total({"TH1": D("1"), "TH2": points}, BONUS_RULES)
    assert (refused.value.code, refused.value.cap) == ("TH2", D("2"))


def test_it_refuses_bonus_on_a_rule_the_framework_does_not_have():
    with pytest.raises(InvalidBonus) as refused:
        bonus_total({"TH9": D("1")}, BONUS_RULES)
    assert refused.value.code == "TH9" and refused.value.cap is None


@given(st.integers(0, 6), st.integers(0, 4))
def test_a_bonus_within_every_rule_cap_stays_within_the_total_cap(th1_halves, th2_halves):
    total = bonus_total({"TH1": D(th1_halves) / 2, "TH2": D(th2_halves) / 2}, BONUS_RULES)
    assert D(0) <= total <= D("5")


def test_a_claim_not_decided_is_undecided_and_nothing_is_copied():
    assert undecided_bonus({"TH1": "1.5", "TH2": "0"}, {}) == ["TH1"]
    assert undecided_bonus({"TH1": "1.5"}, {"TH1": "0"}) == []
