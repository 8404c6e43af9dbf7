"""Every way a date is typed, read once for every form (core.dates), in Vietnamese and in English:
what is read, what is refused with the text as typed, and how a day is written back."""

from datetime import date

import pytest
from django.utils import translation

from friendlygov.core.dates import DayField, DayInput, DayRefused, parse_day, write_day


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("12/06/2026", date(2026, 6, 12)),  # day first: 12 June, in both languages
        ("1/6/2026", date(2026, 6, 1)),
        (" 01/06/2026 ", date(2026, 6, 1)),
        ("12-06-2026", date(2026, 6, 12)),
        ("12.06.2026", date(2026, 6, 12)),
        ("2026-06-12", date(2026, 6, 12)),  # ISO, as links and the API write it
        ("2026-6-1", date(2026, 6, 1)),
        ("29/02/2028", date(2028, 2, 29)),
        ("", None),
        ("  ", None),
    ],
)
def test_it_reads_day_first_and_iso(language, typed, read):
    with translation.override(language):
        assert parse_day(typed) == read


@pytest.mark.parametrize(
    ("typed", "vi", "en"),
    [
        ("06/13/2026", "không có tháng 13", "there is no month 13"),
        ("31/02/2026", "tháng 2 năm 2026 không có ngày 31", "month 2 of 2026 has no day 31"),
        ("29/02/2026", "tháng 2 năm 2026 không có ngày 29", "month 2 of 2026 has no day 29"),
        ("12/06/26", "năm đủ bốn chữ số", "four digits"),
        ("12/06-2026", "không phải là ngày", "is not a date"),
        ("12 tháng 6", "không phải là ngày", "is not a date"),
        ("2026-13-01", "không có tháng 13", "there is no month 13"),
        ("00/06/2026", "không có ngày 0", "has no day 0"),
        ("12/06/0026", "nằm ngoài khoảng", "out of range"),
    ],
)
def test_it_refuses_impossible_or_ambiguous_dates_quoting_them(typed, vi, en):
    for language, expected in (("vi", vi), ("en", en)):
        with translation.override(language), pytest.raises(DayRefused) as refused:
            parse_day(typed)
        assert f"“{typed}”" in str(refused.value)
        assert expected in str(refused.value)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_it_writes_a_day_day_first_in_both_languages(language):
    with translation.override(language):
        assert write_day(date(2026, 6, 1)) == "01/06/2026"
        assert 'value="01/06/2026"' in DayInput().render("d", date(2026, 6, 1))


def test_the_input_is_text_with_the_format_of_the_page_language():
    with translation.override("vi"):
        html = DayInput().render("d", None)
    assert 'type="text"' in html and 'placeholder="ngày/tháng/năm"' in html
    with translation.override("en"):
        assert 'placeholder="dd/mm/yyyy"' in DayInput().render("d", None)


def test_what_was_typed_stays_in_the_box_when_refused():
    assert 'value="31/02/2026"' in DayInput().render("d", "31/02/2026")


def test_the_field_refuses_with_the_parsers_message():
    field = DayField()
    with translation.override("vi"), pytest.raises(Exception) as refused:
        field.clean("06/13/2026")
    assert "“06/13/2026”" in str(refused.value)
    assert field.clean("2026-06-12") == date(2026, 6, 12)
