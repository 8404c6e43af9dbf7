"""One reading of a number a person typed, for every form and every spreadsheet import.

Officials write "9,5" (Vietnamese) or "9.5" (a phone's keypad, an English browser): either mark
is the decimal separator. What is refused, with the text as typed in the message, is what could
be read two ways or is not a number: both marks ("1.234,5": is "." grouping thousands?), a mark
used twice ("1.234.567"), and one mark followed by exactly three digits after a number that does
not start with 0 ("1.234", "12,500"), which in Vietnamese groups thousands and in English is a
decimal. No score, percentage or count here needs digits grouped.
"""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

LIMIT = Decimal("10000000")
_SHAPE = re.compile(r"^([+-]?)(\d*)(?:([.,])(\d*))?$")
_SPACES = re.compile(r"[\s\u00a0\u202f]")
_GROUPED = re.compile(r"^\d{1,3}([.,]\d{3})+$")


class NumberRefused(ValueError):
    """The text is not a number we read with certainty; the message says why, quoting it."""


def parse_decimal(text: str) -> Decimal | None:
    """The number in `text`, or None when it is empty."""
    raw = (text or "").strip()
    compact = _SPACES.sub("", raw)
    if not compact:
        return None
    if "," in compact and "." in compact:
        raise NumberRefused(
            _(
                "“%(raw)s”: hãy viết số không có dấu phân cách hàng nghìn, "
                "dùng một dấu phẩy cho phần thập phân."
            )
            % {"raw": raw}
        )
    shape = _SHAPE.match(compact)
    if shape is None:
        raise NumberRefused(_("“%(raw)s” không phải là số.") % {"raw": raw})
    sign, whole, mark, fraction = shape.groups()
    if not whole and not fraction:
        raise NumberRefused(_("“%(raw)s” không phải là số.") % {"raw": raw})
    if mark and len(fraction) == 3 and whole and whole.lstrip("0") and len(whole) <= 3:
        raise NumberRefused(
            _(
                "“%(raw)s” có thể hiểu hai cách: hãy viết %(thousands)s nếu là số hàng nghìn, "
                "hoặc %(padded)s nếu là số thập phân."
            )
            % {"raw": raw, "thousands": f"{whole}{fraction}", "padded": f"{whole},{fraction}0"}
        )
    try:
        value = Decimal(f"{sign}{whole or '0'}.{fraction or '0'}")
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only digits
        raise NumberRefused(_("“%(raw)s” không phải là số.") % {"raw": raw}) from exc
    if abs(value) >= LIMIT:
        raise NumberRefused(_("“%(raw)s” không phải là số hợp lệ.") % {"raw": raw})
    return value


class WholeNumberField(forms.IntegerField):
    """A count typed in a form (a population N, a year), read by `parse_decimal` like every other
    number, never by the browser: Django's own field read "1.000" (a thousand, as Vietnamese
    writes it) as 1. A fraction or a value out of range is refused quoting the text as typed."""

    widget = forms.TextInput

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "inputmode": "numeric", "autocomplete": "off"}

    def to_python(self, value):
        raw = "" if value is None else str(value).strip()
        try:
            number = parse_decimal(raw)
        except NumberRefused as refused:
            if _GROUPED.match(raw):  # "1.000", "1,000,000": a count has no decimals to mistake
                message = _("“%(raw)s”: hãy viết số không có dấu phân cách hàng nghìn, ví dụ %(digits)s.") % {
                    "raw": raw,
                    "digits": re.sub(r"\D", "", raw),
                }
                raise ValidationError(message, code="invalid") from None
            raise ValidationError(str(refused), code="invalid") from None
        if number is None:
            return None
        quoted = {"raw": raw, "min": self.min_value, "max": self.max_value}
        if number != number.to_integral_value():
            raise ValidationError(_("“%(raw)s”: hãy nhập một số nguyên.") % quoted, code="invalid")
        if self.min_value is not None and number < self.min_value:
            raise ValidationError(_("“%(raw)s”: nhỏ nhất là %(min)s.") % quoted, code="min_value")
        if self.max_value is not None and number > self.max_value:
            raise ValidationError(_("“%(raw)s”: lớn nhất là %(max)s.") % quoted, code="max_value")
        return int(number)
