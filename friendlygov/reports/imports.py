"""Past cycles' decided results coming in, from the province's own Excel or CSV sheets.

All-or-nothing: the whole file is read and every cell checked first; any problem is reported with
its sheet, row, column (Excel letter) and reason, and nothing is written. Only a clean file is
saved, in one transaction. (The offline self-assessment template comes back through
`assessments/offline.py`.)

- Past results are stored as `reports.models.ImportedResult` (see that module for why), one row per
  unit and year; the level is always computed by `frameworks.levels.level_for_score`, and a level
  given in the file must agree with it. Re-importing the same rows changes nothing.

Uploaded files are checked by content (a real XLSX zip package without macros, or UTF-8 text for
CSV), capped in size, and only ever parsed as data.
"""

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from friendlygov.accounts import reach
from friendlygov.assessments import public_results
from friendlygov.assessments.models import Cycle
from friendlygov.assessments.register_rules import NumberRefused, parse_number
from friendlygov.audit.services import changes, record
from friendlygov.core import spreadsheets
from friendlygov.core.i18n import fold
from friendlygov.core.spreadsheets import (
    TWO_PLACES,
    Bounds,
    ImportRefused,
    ImportSummary,
    Problem,
    bounded_rows,
    cell_text,
    decimal_from_cell,
    file_problem,
    open_workbook,
    too_large,
    unreadable,
)
from friendlygov.frameworks.labels import LEVEL_LABELS
from friendlygov.frameworks.levels import ScoreOutOfRange, level_for_score
from friendlygov.units.models import Level, UnitVersion

from . import aggregates
from .models import ImportedResult

# --- Past cycles' decided results ---------------------------------------------------------------

# A national list of one year: 10,595 communes in 2024, with room for a header and notes. Such a
# sheet is 2–3 MB of XML; 16 MB leaves room for styles and notes, and bounds what openpyxl scans
# when it opens a sheet that does not state its dimensions.
RESULT_BOUNDS = Bounds(sheets=20, rows=20_000, unpacked_bytes=16 * 1024 * 1024)

RESULT_COLUMNS = {
    "unit_code": ("ma don vi", "unit code", "unit_code", "ma"),
    "final_score": ("diem cuoi cung", "diem", "final score", "final_score", "score"),
    "decision_number": ("so quyet dinh", "decision number", "decision_number"),
    "decision_date": ("ngay quyet dinh", "decision date", "decision_date"),
    "level": ("muc", "muc dat", "level"),
    "reasons": ("ly do", "ly do khong dat chuan", "reason", "reasons"),
}
REQUIRED_COLUMNS = ("unit_code", "final_score", "decision_number", "decision_date")


@dataclass
class ResultRow:
    row: int
    cells: dict  # field → (column letter, raw value)


def _header_key(text) -> str:
    return re.sub(r"\s+", " ", fold(cell_text(text)).replace("_", " ")).strip()


def read_result_rows(data: bytes, name: str) -> tuple[str, list[ResultRow], list[Problem]]:
    """(sheet name, rows, problems) from an .xlsx (first sheet) or a .csv file."""
    problems = []
    if data.startswith(b"PK\x03\x04"):
        book = open_workbook(data, name, bounds=RESULT_BOUNDS)
        sheet = book.worksheets[0]
        try:  # a read-only workbook parses the cells only now
            table = [list(values) for _number, values in bounded_rows(sheet, RESULT_BOUNDS, problems)]
        except Exception as error:  # as in open_workbook
            raise unreadable(name, error) from None
        finally:
            book.close()
        sheet_name = sheet.title
        if problems:
            return sheet_name, [], problems
    else:
        table, sheet_name = _csv_table(data, name), name
        if len(table) > RESULT_BOUNDS.rows:
            reason = _("Tệp có quá nhiều dòng (tối đa %(max)s).") % {"max": RESULT_BOUNDS.rows}
            return sheet_name, [], [Problem(sheet_name, None, None, reason)]
    if not table:
        return sheet_name, [], [Problem(sheet_name, None, None, _("Tệp không có dữ liệu."))]
    aliases = {_header_key(alias): key for key, names in RESULT_COLUMNS.items() for alias in names}
    columns = {}
    for index, title in enumerate(table[0]):
        key = aliases.get(_header_key(title))
        if key and key not in columns:
            columns[key] = index
    missing = [key for key in REQUIRED_COLUMNS if key not in columns]
    if missing:
        titles = ", ".join(RESULT_COLUMNS[key][0] for key in missing)
        problems.append(Problem(sheet_name, 1, None, _("Thiếu cột: %(columns)s.") % {"columns": titles}))
        return sheet_name, [], problems
    rows = []
    for number, values in enumerate(table[1:], start=2):
        if all(cell_text(v) == "" for v in values):
            continue
        values = list(values) + [None] * len(table[0])
        rows.append(ResultRow(number, {k: (get_column_letter(i + 1), values[i]) for k, i in columns.items()}))
    return sheet_name, rows, problems


def _csv_table(data: bytes, name: str) -> list[list]:
    if len(data) > spreadsheets.MAX_BYTES:
        raise ImportRefused([file_problem(name, too_large())])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused([file_problem(name, _("Tệp CSV phải được lưu với bảng mã UTF-8."))]) from None
    if "\x00" in text:
        raise ImportRefused([file_problem(name, _("Tệp không phải là tệp CSV hoặc .xlsx."))])
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def parse_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value)
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError


def parse_level(value) -> int | None:
    text = fold(cell_text(value))
    if not text:
        return None
    if text.startswith("khong"):
        return 0
    digits = re.fullmatch(r"(?:muc\s*)?([0-4])(?:\.0+)?", text)
    if digits is None:
        raise ValueError
    return int(digits.group(1))


@dataclass
class CheckedResult:
    row: int
    unit: UnitVersion
    final_score: Decimal
    level: int
    decision_number: str
    decision_date: date
    reasons: list


def condition_names() -> set[str]:
    """What a reason may name as the failed condition: the criteria and gating rules of every
    framework version (codes and names, folded), e.g. "tc2" or a rule's name."""
    from friendlygov.frameworks.models import Criterion, GatingRule

    names = set()
    for model in (Criterion, GatingRule):
        for code, name in model.objects.values_list("code", "name"):
            names |= {fold(code), fold(name)}
    return {name for name in names if name}


def names_a_condition(reason: str, names: set[str]) -> bool:
    """ "TC2 đạt 31,5% < 50%" names criterion TC2; a text naming nothing known does not."""
    folded = fold(reason)
    words = set(re.findall(r"[a-z0-9]+", folded))
    return any(name in words or (" " in name and name in folded) for name in names)


def check_results(rows, sheet, year) -> tuple[list[CheckedResult], list[Problem]]:
    problems = []
    if Cycle.objects.filter(year=year, assessments__isnull=False).exists():
        problems.append(
            Problem(
                sheet,
                None,
                None,
                _(
                    "Năm %(year)s đã có đợt đánh giá trong hệ thống; chỉ nhập kết quả của các năm "
                    "chưa có đợt đánh giá."
                )
                % {"year": year},
            )
        )
    scope_day = date(year, 12, 31)
    # Every commune-level unit rather than `code__in` the file's codes: a national file has ten
    # thousand codes, and binding that many parameters costs more than reading the whole list.
    communes = UnitVersion.objects.filter(level=Level.COMMUNE)
    known = set(communes.values_list("code", flat=True))
    valid = {u.code: u for u in communes.valid_on(scope_day)}
    checked, seen = [], {}
    conditions = None  # read once, when a row needs it
    for r in rows:
        row_problems = []

        def refuse(key, reason, r=r, row_problems=row_problems):
            row_problems.append(Problem(sheet, r.row, r.cells[key][0] if key in r.cells else None, reason))

        code = cell_text(r.cells["unit_code"][1])
        unit = valid.get(code)
        if not code:
            refuse("unit_code", _("Thiếu mã đơn vị."))
        elif code not in known:
            refuse(
                "unit_code",
                _("Mã đơn vị “%(code)s” không có trong danh mục đơn vị hành chính cấp xã.") % {"code": code},
            )
        elif unit is None:
            refuse(
                "unit_code",
                _("Mã đơn vị “%(code)s” không còn hiệu lực ngày %(day)s.")
                % {"code": code, "day": scope_day.strftime("%d/%m/%Y")},
            )
        elif code in seen:
            refuse(
                "unit_code",
                _("Mã đơn vị “%(code)s” đã có ở dòng %(row)s.") % {"code": code, "row": seen[code]},
            )
        seen.setdefault(code, r.row)
        score = level = None
        try:
            score = decimal_from_cell(r.cells["final_score"][1])
            if score is None:
                raise ValueError
            if score != score.quantize(TWO_PLACES):
                raise ValueError
            level = level_for_score(score.quantize(TWO_PLACES))
        except (ValueError, ScoreOutOfRange):
            refuse(
                "final_score",
                _("Điểm “%(value)s” không hợp lệ: cần một số từ 0 đến 100, tối đa hai chữ số thập phân.")
                % {"value": cell_text(r.cells["final_score"][1])},
            )
        number = cell_text(r.cells["decision_number"][1])
        if not number:
            refuse("decision_number", _("Thiếu số quyết định."))
        else:
            try:  # the national format, as for the decisions issued here
                number = str(parse_number(number))
            except NumberRefused as exc:
                refuse("decision_number", str(exc))
        decided_on = None
        try:
            decided_on = parse_date(r.cells["decision_date"][1])
        except ValueError:
            refuse(
                "decision_date",
                _("Ngày quyết định “%(value)s” không hợp lệ (dd/mm/yyyy).")
                % {"value": cell_text(r.cells["decision_date"][1])},
            )
        reason = cell_text(r.cells["reasons"][1]) if "reasons" in r.cells else ""
        reasons = [part.strip() for part in reason.split(";") if part.strip()]
        if "level" in r.cells:
            try:
                given = parse_level(r.cells["level"][1])
            except ValueError:
                refuse(
                    "level",
                    _("Mức “%(value)s” không hợp lệ (0–4 hoặc “Không đạt chuẩn”).")
                    % {"value": cell_text(r.cells["level"][1])},
                )
            else:
                if given is not None and level is not None and given > level:
                    refuse(
                        "level",
                        _("Mức ghi trong tệp (%(given)s) cao hơn mức theo điểm %(score)s (%(level)s).")
                        % {"given": LEVEL_LABELS[given], "score": score, "level": LEVEL_LABELS[level]},
                    )
                elif given is not None and level is not None and given < level:
                    # Below the band only for a failed condition the file names, with its figures.
                    if conditions is None:
                        conditions = condition_names()
                    if reasons and all(names_a_condition(part, conditions) for part in reasons):
                        level = given
                    else:
                        refuse(
                            "reasons" if "reasons" in r.cells else "level",
                            _(
                                "Mức ghi trong tệp (%(given)s) thấp hơn mức theo điểm %(score)s "
                                "(%(level)s): cột “Lý do” phải nêu điều kiện không đạt, ví dụ "
                                "“TC2 đạt 31,5%% < 50%%”."
                            )
                            % {"given": LEVEL_LABELS[given], "score": score, "level": LEVEL_LABELS[level]},
                        )
        problems += row_problems
        if not row_problems:
            checked.append(
                CheckedResult(r.row, unit, score.quantize(TWO_PLACES), level, number, decided_on, reasons)
            )
    return checked, problems


def import_results(data: bytes, name: str, *, year: int, actor) -> ImportSummary:
    """Validate a past cycle's results file, then store it; nothing is stored if any row is wrong."""
    if actor is not None and not may_import_results(actor):
        raise PermissionDenied(_("Chỉ quản trị viên cấp tỉnh được nhập kết quả các năm trước."))
    sheet, rows, problems = read_result_rows(data, name)
    if problems:
        raise ImportRefused(problems)
    if not rows:
        raise ImportRefused([Problem(sheet, None, None, _("Tệp không có dòng dữ liệu nào."))])
    checked, problems = check_results(rows, sheet, year)
    if problems:
        raise ImportRefused(problems)
    summary = _store_results(checked, year, name, hashlib.sha256(data).hexdigest(), actor)
    public_results.forget()
    return summary


def may_import_results(user) -> bool:
    return reach.is_province_admin(user)


FIELDS = ("final_score", "level", "decision_number", "decision_date", "reasons")


@transaction.atomic
def _store_results(checked, year, name, sha256, actor) -> ImportSummary:
    summary = ImportSummary()
    existing = {r.unit_id: r for r in ImportedResult.objects.select_for_update().filter(year=year)}
    source = {"source_name": name[:255], "source_sha256": sha256, "imported_by": actor}
    changed, new_rows, updated_rows = {}, [], []
    for result in checked:
        values = {f: getattr(result, f) for f in FIELDS}
        current = existing.get(result.unit.pk)
        if current is not None:
            before = {f: getattr(current, f) for f in FIELDS}
            if before == values:
                summary.unchanged += 1
                continue
            changed[result.unit.code] = changes(before, values)
            for field_name, value in {**values, **source}.items():
                setattr(current, field_name, value)
            updated_rows.append(current)
        else:
            new_rows.append(ImportedResult(year=year, unit=result.unit, **values, **source))
        summary.saved += 1
        summary.units.append(result.unit.name)
    # In bulk: a national file has over ten thousand rows, and one statement per row took minutes.
    ImportedResult.objects.bulk_create(new_rows, batch_size=2000)
    now = timezone.now()
    for row in updated_rows:
        row.imported_at = now  # bulk_update skips auto_now
    ImportedResult.objects.bulk_update(updated_rows, [*FIELDS, *source, "imported_at"], batch_size=1000)
    if summary.saved:
        aggregates.results_changed()  # the trend of every later decided cycle reads these
    cycle_target = Cycle.objects.filter(year=year).first() or _YearTarget(year)
    record(
        actor,
        "results.imported",
        cycle_target,
        {
            "year": year,
            "file": name,
            "sha256": sha256,
            "saved": summary.saved,
            "unchanged": summary.unchanged,
            "changed": changed,
        },
    )
    return summary


class _YearTarget:
    """An audit target for a year that has no cycle in the system."""

    class _meta:
        label_lower = "reports.importedresult"

    def __init__(self, year):
        self.pk = year
