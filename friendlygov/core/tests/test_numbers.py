"""Every way a number is typed, read once for forms and imports (core.numbers), in Vietnamese and
in English: what is read, and what is refused with the text as typed."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from friendlygov.core.numbers import NumberRefused, WholeNumberField, parse_decimal


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("9,5", Decimal("9.5")),
        ("9.5", Decimal("9.5")),
        (" 9,50 ", Decimal("9.5")),
        ("95", Decimal("95")),
        ("0,125", Decimal("0.125")),  # a leading zero: a decimal, never thousands
        ("12,5", Decimal("12.5")),
        ("12,3456", Decimal("12.3456")),
        (",5", Decimal("0.5")),
        ("5,", Decimal("5")),
        ("-1,5", Decimal("-1.5")),
        ("1\u00a0000", Decimal("1000")),  # a space inside, as a keypad or a paste leaves it
        ("", None),
        ("   ", None),
    ],
)
def test_it_reads_both_decimal_marks(language, typed, read):
    with translation.override(language):
        assert parse_decimal(typed) == read


@pytest.mark.parametrize(
    ("typed", "vi", "en"),
    [
        (
            "1.234",
            "có thể hiểu hai cách: hãy viết 1234 nếu là số hàng nghìn, hoặc 1,2340",
            "can be read two ways",
        ),
        ("12,500", "hãy viết 12500 nếu là số hàng nghìn", "can be read two ways"),
        ("1.234,5", "không có dấu phân cách hàng nghìn", "without a thousands separator"),
        ("1,234.5", "không có dấu phân cách hàng nghìn", "without a thousands separator"),
        ("1.234.567", "không phải là số", "is not a number"),
        ("9,5%", "không phải là số", "is not a number"),
        ("abc", "không phải là số", "is not a number"),
        (",", "không phải là số", "is not a number"),
        ("99999999", "không phải là số hợp lệ", "is not a valid number"),
    ],
)
def test_it_refuses_what_could_be_read_two_ways_or_is_no_number_quoting_it(typed, vi, en):
    for language, expected in (("vi", vi), ("en", en)):
        with translation.override(language), pytest.raises(NumberRefused) as refused:
            parse_decimal(typed)
        assert f"“{typed}”" in str(refused.value) and expected in str(refused.value)


def test_forms_and_spreadsheets_read_a_number_the_same_way():
    from django.core.exceptions import ValidationError

    from friendlygov.assessments.forms import decimal_from_form
    from friendlygov.core.spreadsheets import decimal_from_cell

    for typed in ("9,5", "9.5", "0,125", " 12,50 "):
        assert decimal_from_form(typed) == decimal_from_cell(typed) == parse_decimal(typed)
    for typed in ("1.234", "1.234,5", "x"):
        with pytest.raises(ValidationError):
            decimal_from_form(typed)
        with pytest.raises(ValueError):
            decimal_from_cell(typed)
    assert decimal_from_cell(9.5) == Decimal("9.5") and decimal_from_cell(12) == Decimal("12")


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(
    ("typed", "read"), [("1000", 1000), ("1 000", 1000), (" 57 ", 57), ("12,0", 12), ("", None)]
)
def test_a_count_in_a_form_reads_like_every_other_number(language, typed, read):
    with translation.override(language):
        assert WholeNumberField(min_value=1, required=False).clean(typed) == read


@pytest.mark.parametrize(
    ("typed", "vi", "en"),
    [
        (
            "1.000",
            "không có dấu phân cách hàng nghìn, ví dụ 1000",
            "without thousands separators, for example 1000",
        ),
        ("1,000,000", "ví dụ 1000000", "for example 1000000"),  # Django's own field read "1.000" as 1
        ("2,5", "hãy nhập một số nguyên", "enter a whole number"),
        ("0", "nhỏ nhất là 1", "the smallest allowed is 1"),
        ("2000000", "lớn nhất là 1000000", "the largest allowed is 1000000"),
        ("mười", "không phải là số", "is not a number"),
    ],
)
def test_a_count_in_a_form_refuses_what_it_cannot_read_quoting_it(typed, vi, en):
    for language, expected in (("vi", vi), ("en", en)):
        with translation.override(language), pytest.raises(ValidationError) as refused:
            WholeNumberField(min_value=1, max_value=1_000_000).clean(typed)
        message = " ".join(refused.value.messages)
        assert f"“{typed}”" in message and expected in message


def test_a_count_is_a_text_box_with_the_numeric_keypad():
    html = WholeNumberField(min_value=1).widget.render("n", 1000)
    assert 'type="text"' in html and 'inputmode="numeric"' in html and 'value="1000"' in html
