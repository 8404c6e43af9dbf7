"""The register's rules as pure functions: a decision's number and its signing date.

Numbers as Decree 30/2020 writes them, `{số}/{ký hiệu}`.
The số is the issuing authority's running number for the calendar year, in Arabic numerals from
01 on 1 January, with a leading zero below 10 ("05/QĐ-SNV", "12/QĐ-UBND", "123/QĐ-UBND"); the
ký hiệu is the document type and the authority's abbreviation in capitals, joined by hyphens.
The clerk (văn thư) gives the number when the decision is issued.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

_NUMBER = re.compile(r"(?P<serial>\d+)/(?P<symbol>[A-ZĐ]+(?:-[A-ZĐ0-9]+)+)")
_SYMBOL = re.compile(r"[A-ZĐ]+(?:-[A-ZĐ0-9]+)+")
MAX_SERIAL = 99_999


class NumberRefused(ValueError):
    """The text is not a decision number in the national format; the message says why."""


@dataclass(frozen=True)
class DecisionNumber:
    serial: int
    symbol: str

    def __str__(self) -> str:
        return format_number(self.serial, self.symbol)


def format_number(serial: int, symbol: str) -> str:
    """12, "QĐ-UBND" → "12/QĐ-UBND"; 5 → "05/…"."""
    return f"{serial:02d}/{symbol}"


def parse_number(text: str) -> DecisionNumber:
    """ "05/QĐ-SNV" → DecisionNumber(5, "QĐ-SNV"); anything else raises NumberRefused."""
    text = (text or "").strip()
    match = _NUMBER.fullmatch(text)
    if match is None:
        raise NumberRefused(
            _("Số quyết định “%(text)s” không đúng dạng số/ký hiệu, ví dụ 12/QĐ-UBND hoặc 05/QĐ-SNV.")
            % {"text": text}
        )
    digits = match["serial"]
    serial = int(digits)
    if not 1 <= serial <= MAX_SERIAL:
        raise NumberRefused(_("Số thứ tự của quyết định phải từ 01 đến %(max)s.") % {"max": MAX_SERIAL})
    if digits != f"{serial:02d}":
        raise NumberRefused(
            _("Số “%(digits)s” viết chưa đúng: ghi %(expected)s (thêm số 0 phía trước nếu nhỏ hơn 10).")
            % {"digits": digits, "expected": f"{serial:02d}"}
        )
    return DecisionNumber(serial, match["symbol"])


def authority_key(issuing_authority: str) -> str:
    """The register an authority numbers in: its name in capitals with single spaces, so that
    its bodies of different cycles share it."""
    return " ".join((issuing_authority or "").upper().split())


def is_symbol(text: str) -> bool:
    return _SYMBOL.fullmatch(text or "") is not None


def next_serial(used: Iterable[int]) -> int:
    """The number after the highest the authority has used this year (01 for its first)."""
    return max(used, default=0) + 1


@dataclass(frozen=True)
class DatedFact:
    """A date the signing date may not precede, and what it is (for the message)."""

    day: date
    what: str


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def signing_date_problems(
    signed_on: date,
    *,
    today: date,
    not_before: Iterable[DatedFact],
    window: tuple[date, date],
    reason: str,
) -> list[str]:
    """Why a decision cannot be signed on `signed_on` (empty when it can): not in the future, not
    before any fact it rests on (its units' approvals, the decision it supersedes), and outside the
    cycle's decision window only with a reason."""
    problems = []
    if signed_on > today:
        problems.append(
            _("Ngày ký %(date)s ở tương lai (hôm nay là %(today)s).")
            % {"date": _day(signed_on), "today": _day(today)}
        )
    latest = max(not_before, key=lambda fact: fact.day, default=None)
    if latest is not None and signed_on < latest.day:
        problems.append(
            _("Ngày ký %(date)s trước %(what)s (%(day)s).")
            % {"date": _day(signed_on), "what": latest.what, "day": _day(latest.day)}
        )
    opens, closes = window
    if not opens <= signed_on <= closes and not (reason or "").strip():
        problems.append(
            _(
                "Ngày ký %(date)s nằm ngoài thời hạn ra quyết định của đợt đánh giá (%(opens)s – "
                "%(closes)s): cần ghi lý do ký ngoài thời hạn."
            )
            % {"date": _day(signed_on), "opens": _day(opens), "closes": _day(closes)}
        )
    return problems
