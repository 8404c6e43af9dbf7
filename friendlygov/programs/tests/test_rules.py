"""A program's rules as pure values: any number of levels, validation by field, targets."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from friendlygov.frameworks.levels import level_for_score
from friendlygov.programs.rules import Band, ProgramRules, check_rules, default_rules
from friendlygov.reports.targets import TargetRule, default_schedule

scores = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
floors = st.lists(st.decimals(min_value=0, max_value=100, places=2), min_size=1, max_size=7, unique=True)


def rules_with(lowest: list[Decimal]) -> ProgramRules:
    return ProgramRules(bands=tuple(Band(i + 1, low, f"Mức {i + 1}") for i, low in enumerate(sorted(lowest))))


def test_the_default_rules_are_the_schemes_bands_and_targets():
    rules = default_rules()
    assert [(b.level, b.lowest) for b in rules.bands] == [(1, 80), (2, 85), (3, 90), (4, 95)]
    assert rules.levels == (0, 1, 2, 3, 4)
    assert rules.schedule == default_schedule()


@given(scores)
def test_the_default_rules_give_the_level_the_constants_gave(score):
    assert default_rules().level_for(score) == level_for_score(score)


@given(floors, scores)
def test_a_score_gets_the_highest_band_it_reaches(lowest, score):
    rules = rules_with(lowest)
    reached = [i + 1 for i, low in enumerate(sorted(lowest)) if score >= low]
    assert rules.level_for(score) == (reached[-1] if reached else 0)
    assert check_rules(rules.bands, []) == []


def test_a_pass_fail_standard_has_one_level():
    rules = ProgramRules(bands=(Band(1, Decimal(80), "Đạt chuẩn", "Meets the standard"),))
    assert rules.levels == (0, 1)
    assert [rules.level_for(Decimal(s)) for s in ("79.99", "80", "100")] == [0, 1, 1]
    assert rules.label(1) == "Đạt chuẩn"
    assert rules.label(0) == "Không đạt chuẩn"


def test_it_names_each_problem_by_its_field():
    bands = [Band(1, Decimal(80), "Mức 1"), Band(3, Decimal(80), ""), Band(3, Decimal(101), "Mức 3")]
    targets = [
        (2027, TargetRule(kind="share", min_level=5, percent=Decimal(70))),
        (2027, TargetRule(kind="share", min_level=1, percent=Decimal(120))),
        (2027, TargetRule(kind="count", min_level=1, count=0)),
    ]
    fields = [p.field for p in check_rules(bands, targets)]
    assert fields == [
        "bands-1-level",
        "bands-1-lowest",
        "bands-1-name",
        "bands-2-lowest",
        "targets-0-min_level",
        "targets-1-percent",
        "targets-2-count",
    ]


def test_no_band_is_refused():
    assert [p.field for p in check_rules([], [])] == ["bands"]
