"""The deadlines of a review request, as pure functions of dates (no database)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


@dataclass(frozen=True)
class FilingWindow:
    """From the day the result was sent (approval or the decision in force) to the last day a
    request may be filed, both included."""

    opens: date
    closes: date

    def contains(self, day: date) -> bool:
        return self.opens <= day <= self.closes


def filing_window(result_sent_on: date, days: int) -> FilingWindow:
    return FilingWindow(result_sent_on, result_sent_on + timedelta(days=days))


def filing_refusal(window: FilingWindow | None, today: date) -> str:
    """Why a request cannot be filed today ("" when it can)."""
    if window is None:
        return _("Chỉ gửi kiến nghị được sau khi có kết quả thẩm định hoặc quyết định công nhận.")
    if today > window.closes:
        return _(
            "Đã hết thời hạn kiến nghị: kết quả được gửi ngày %(opens)s, hạn kiến nghị đến hết ngày "
            "%(closes)s."
        ) % {"opens": _day(window.opens), "closes": _day(window.closes)}
    return ""


def answer_due(filed_on: date, days: int) -> date:
    return filed_on + timedelta(days=days)


def is_late(answered_on: date, due: date) -> bool:
    return answered_on > due


def days_left(due: date, today: date) -> int:
    """Days until the answer is due (negative once late)."""
    return (due - today).days
