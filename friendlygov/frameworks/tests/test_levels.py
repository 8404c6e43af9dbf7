from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from friendlygov.frameworks.levels import ScoreOutOfRange, level_for_score

scores = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)


@pytest.mark.parametrize(
    ("score", "level"),
    [
        ("0", 0),
        ("79.99", 0),
        ("80", 1),
        ("80.00", 1),
        ("84.99", 1),
        ("85", 2),
        ("89.99", 2),
        ("90", 3),
        ("94.99", 3),
        ("95", 4),
        ("100", 4),
    ],
)
def test_it_maps_scores_to_exact_bands(score, level):
    assert level_for_score(Decimal(score)) == level


@pytest.mark.parametrize("score", ["-0.01", "100.01", "NaN", "Infinity"])
def test_it_refuses_scores_outside_0_to_100(score):
    with pytest.raises(ScoreOutOfRange):
        level_for_score(Decimal(score))


def test_it_refuses_floats():
    with pytest.raises(TypeError):
        level_for_score(85.0)


@given(scores)
def test_it_puts_every_two_decimal_score_in_the_band_it_lies_in(score):
    expected = 4 if score >= 95 else 3 if score >= 90 else 2 if score >= 85 else 1 if score >= 80 else 0
    assert level_for_score(score) == expected


@given(scores, scores)
def test_it_never_gives_a_higher_score_a_lower_level(a, b):
    low, high = sorted((a, b))
    assert level_for_score(low) <= level_for_score(high)
