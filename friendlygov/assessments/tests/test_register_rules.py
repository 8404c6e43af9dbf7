"""The register's pure rules: decision numbers in the national format, and signing dates."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from friendlygov.assessments.register_rules import (
    DatedFact,
    NumberRefused,
    authority_key,
    format_number,
    next_serial,
    parse_number,
    signing_date_problems,
)

SYMBOLS = ("QĐ-UBND", "QĐ-SNV", "QĐ-CT", "QĐ-UBND-NV")


@pytest.mark.parametrize(
    ("text", "serial", "symbol"),
    [("12/QĐ-UBND", 12, "QĐ-UBND"), ("05/QĐ-SNV", 5, "QĐ-SNV"), ("123/QĐ-UBND", 123, "QĐ-UBND")],
)
def test_it_reads_a_number_in_the_national_format(text, serial, symbol):
    parsed = parse_number(text)
    assert (parsed.serial, parsed.symbol) == (serial, symbol)
    assert str(parsed) == text


@pytest.mark.parametrize(
    "text",
    [
        *("abc", "5/QĐ-UBND", "005/QĐ-UBND", "00/QĐ-UBND", "012/QĐ-UBND", "12/qđ-ubnd", "12-QĐ-UBND"),
        *("12/QĐ UBND", "12/", "/QĐ-UBND", "12/QĐ", "XII/QĐ-UBND", "", "12/QĐ-UBND/x"),
    ],
)
def test_it_refuses_anything_else_with_a_reason(text):
    with pytest.raises(NumberRefused):
        parse_number(text)


def test_a_number_below_ten_is_told_to_take_its_leading_zero():
    with pytest.raises(NumberRefused, match="09"):
        parse_number("9/QĐ-UBND")


@given(st.integers(min_value=1, max_value=99_999), st.sampled_from(SYMBOLS))
def test_every_formatted_number_reads_back(serial, symbol):
    parsed = parse_number(format_number(serial, symbol))
    assert (parsed.serial, parsed.symbol) == (serial, symbol)


@given(st.lists(st.integers(min_value=1, max_value=999), max_size=20))
def test_the_next_serial_follows_the_highest_used(used):
    nxt = next_serial(used)
    assert nxt not in used
    assert nxt == (max(used) + 1 if used else 1)


def test_an_authority_keeps_one_register_whatever_its_spacing_or_case():
    assert authority_key(" Ủy ban nhân dân  huyện Kim Thành ") == "ỦY BAN NHÂN DÂN HUYỆN KIM THÀNH"


WINDOW = (date(2025, 1, 1), date(2025, 1, 31))
APPROVED = DatedFact(date(2024, 12, 20), "ngày duyệt kết quả thẩm định của Xã Đồng Cẩm")


def problems(signed_on, *, reason="", facts=(APPROVED,)):
    return signing_date_problems(
        signed_on, today=date(2026, 12, 6), not_before=facts, window=WINDOW, reason=reason
    )


def test_a_date_in_the_window_after_every_fact_is_accepted():
    assert problems(date(2025, 1, 15)) == []


def test_a_future_date_is_refused():
    (problem,) = problems(date(2026, 12, 7), reason="ký muộn")
    assert "tương lai" in problem


def test_a_date_before_a_units_approval_is_refused():
    (problem,) = problems(date(2024, 12, 19), reason="ký sớm")
    assert "Xã Đồng Cẩm" in problem and "20/12/2024" in problem


def test_a_date_before_the_superseded_decision_is_refused():
    old = DatedFact(date(2025, 3, 1), "ngày ký quyết định số 15/QĐ-UBND")
    (problem,) = problems(date(2025, 2, 27), reason="thu hồi", facts=(APPROVED, old))
    assert "15/QĐ-UBND" in problem


def test_a_date_outside_the_window_needs_a_reason():
    (problem,) = problems(date(2025, 2, 10))
    assert "cần ghi lý do" in problem
    assert problems(date(2025, 2, 10), reason="Chờ kết quả kiến nghị của xã.") == []


def test_absurd_dates_are_refused():
    assert problems(date(1, 1, 1))
    assert problems(date(9999, 12, 31), reason="x")


def test_a_failed_condition_reads_with_its_figures():
    from decimal import Decimal

    from friendlygov.frameworks.gating import MIN_CRITERION_PERCENT, MIN_TOTAL, GatingRule, failed_gates
    from friendlygov.frameworks.scoring import CriterionSubtotal, ScoreTotal

    criteria = (
        CriterionSubtotal("TC1", Decimal("18"), Decimal("20"), Decimal("90.00")),
        CriterionSubtotal("TC2", Decimal("6.3"), Decimal("20"), Decimal("31.50")),
    )
    total = ScoreTotal(
        earned=Decimal("24.3"),
        applicable_max=Decimal(40),
        base_score=Decimal("78.50"),
        bonus=Decimal(0),
        total=Decimal("78.50"),
        criteria=criteria,
    )
    rules = (
        GatingRule("G1", "Mỗi tiêu chí đạt tối thiểu 50%", MIN_CRITERION_PERCENT, percent=Decimal(50)),
        GatingRule("G2", "Tổng điểm tối thiểu", MIN_TOTAL, min_total=Decimal(80)),
    )
    assert [f.reason for f in failed_gates(rules, total)] == ["TC2 đạt 31,5% < 50%", "Tổng điểm 78,5 < 80"]
