from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from friendlygov.feedback.stats import Rate, margin_of_error, recommended_sample


def test_it_recommends_the_yamane_sample_rounded_up():
    assert recommended_sample(1000) == 286  # 1000 / 3.5 = 285.7
    assert recommended_sample(100) == 80
    assert recommended_sample(1) == 1


@given(st.integers(min_value=1, max_value=10_000_000))
def test_it_never_recommends_more_than_the_population_or_than_400(population):
    n = recommended_sample(population)
    assert 1 <= n <= population
    assert n <= 400


@pytest.mark.parametrize("bad", [0, -5, True, 3.5])
def test_it_refuses_a_population_that_is_not_a_positive_whole_number(bad):
    with pytest.raises(ValueError, match="population"):
        recommended_sample(bad)


def test_it_gives_the_95_percent_margin_of_a_proportion():
    assert margin_of_error(50, 100) == Decimal("9.80")  # 1.96·√(0.25/100)
    assert margin_of_error(100, 100) == Decimal("0.00")
    assert margin_of_error(0, 0) is None


def test_it_narrows_the_margin_for_a_small_known_population():
    assert margin_of_error(50, 100, population=200) < margin_of_error(50, 100)
    assert margin_of_error(50, 100, population=100) == Decimal("0.00")


def test_it_flags_a_sample_below_the_recommended_size_or_below_30_without_n():
    assert Rate(79, 70, population=100).too_small
    assert not Rate(80, 70, population=100).too_small
    assert Rate(29, 20).too_small
    assert not Rate(30, 20).too_small


def test_it_counts_answers_of_4_or_5_as_satisfied_in_the_percent():
    assert Rate(8, 6).percent == Decimal("75.00")
    assert Rate(0, 0).percent is None
