"""One reading and one writing of a date a person types, and the one date input of every form.

Pages write dates day first, dd/mm/yyyy, in Vietnamese and in English alike (en-GB style, as
every page and document of the product already prints them; docs/adr/0019). The browser's own
`<input type="date">` is not used: it shows the order of the browser's locale (12/06/2026 is
June 12 in an English browser), whatever the page's language.

Read: dd/mm/yyyy and d/m/yyyy (also with "-" or "." between), and ISO yyyy-mm-dd, which links
and the API write. Refused, with the text as typed in the message: a two-digit year (1926 or
2026?), a month above 12 (the typist probably put the month first), a day the month does not have,
and anything else that is not a date.
"""

import re
from datetime import date, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# How each language of the pages writes a day; the placeholder says it in the page's language.
WRITTEN = {"vi": "%d/%m/%Y", "en": "%d/%m/%Y"}
PLACEHOLDER = gettext_lazy("ngày/tháng/năm")

_DAY_FIRST = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d+)$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_SPACES = re.compile(r"\s+")


class DayRefused(ValueError):
    """The text is not a date we read with certainty; the message says why, quoting it."""


def parse_day(text: str) -> date | None:
    """The day in `text`, or None when it is empty."""
    raw = (text or "").strip()
    compact = _SPACES.sub("", raw)
    if not compact:
        return None
    iso = _ISO.match(compact)
    if iso:
        year, month, day = (int(part) for part in iso.groups())
        return _checked(raw, year, month, day)
    shape = _DAY_FIRST.match(compact)
    if shape is None:
        raise DayRefused(
            _("“%(raw)s” không phải là ngày; hãy viết theo dạng ngày/tháng/năm, ví dụ %(example)s.")
            % {"raw": raw, "example": write_day(date(2026, 6, 12))}
        )
    day, _mark, month, year = shape.groups()
    if len(year) != 4:
        raise DayRefused(
            _("“%(raw)s”: hãy viết năm đủ bốn chữ số, ví dụ %(example)s.")
            % {"raw": raw, "example": write_day(date(2026, 6, 12))}
        )
    return _checked(raw, int(year), int(month), int(day))


def _checked(raw: str, year: int, month: int, day: int) -> date:
    if not 1 <= month <= 12:
        raise DayRefused(
            _("“%(raw)s”: không có tháng %(month)s; hãy viết ngày trước, tháng sau (ngày/tháng/năm).")
            % {"raw": raw, "month": month}
        )
    if year < 1900 or year > 2999:
        raise DayRefused(_("“%(raw)s”: năm %(year)s nằm ngoài khoảng cho phép.") % {"raw": raw, "year": year})
    try:
        return date(year, month, day)
    except ValueError:
        raise DayRefused(
            _("“%(raw)s”: tháng %(month)s năm %(year)s không có ngày %(day)s.")
            % {"raw": raw, "month": month, "year": year, "day": day}
        ) from None


def write_day(day: date) -> str:
    """The day as the active language writes it."""
    language = (translation.get_language() or "vi").split("-")[0]
    return day.strftime(WRITTEN.get(language, WRITTEN["vi"]))


class DayInput(forms.TextInput):
    """A text box showing the page's date format; never the browser's date widget."""

    def __init__(self, attrs=None):
        super().__init__({"placeholder": PLACEHOLDER, "autocomplete": "off", "size": 10, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, date):
            return write_day(value)
        return super().format_value(value)


class DayField(forms.DateField):
    """A date typed as the page writes it (or ISO); a refusal quotes the text as typed."""

    widget = DayInput

    def prepare_value(self, value):
        """A date typed in any accepted way is shown back as the page writes it (what was
        understood); a refused text stays as typed, to be corrected."""
        if isinstance(value, str):
            try:
                return parse_day(value) or value
            except DayRefused:
                return value
        return value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return parse_day(str(value))
        except DayRefused as error:
            raise ValidationError(str(error), code="invalid") from None
