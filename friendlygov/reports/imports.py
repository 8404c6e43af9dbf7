"""Excel and CSV coming back in: the offline self-assessment template, and past cycles' results.

Both imports are all-or-nothing. The whole file is read and every cell checked first; any problem
is reported with its sheet, row, column (Excel letter) and reason, and nothing is written. Only a
clean file is saved, in one transaction.

- A filled self-assessment template is saved value by value through
  `assessments.services.save_self_score`, so permissions, optimistic row versions, points and the
  audit trail are exactly those of the web form.
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
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from friendlygov.accounts import reach
from friendlygov.assessments import permissions
from friendlygov.assessments.models import Assessment, Cycle, IndicatorScore
from friendlygov.assessments.results import ValueRefused, points_for
from friendlygov.assessments.services import StaleVersion, save_self_score
from friendlygov.assessments.workflow import SELF_EDITABLE
from friendlygov.audit.services import changes, record
from friendlygov.core.i18n import fold
from friendlygov.frameworks import scoring
from friendlygov.frameworks.labels import LEVEL_LABELS
from friendlygov.frameworks.levels import ScoreOutOfRange, level_for_score
from friendlygov.units.models import Level, UnitVersion

from . import exports as layout
from .models import ImportedResult

MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int | None
    column: str | None
    reason: str

    def __str__(self):
        if self.row is None:
            return f"{self.sheet}: {self.reason}"
        return _("Trang “%(sheet)s”, dòng %(row)s, cột %(column)s: %(reason)s") % {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column or "-",
            "reason": self.reason,
        }


class ImportRefused(Exception):
    """The file was not imported; `problems` lists every reason, cell by cell."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass
class ImportSummary:
    saved: int = 0
    unchanged: int = 0
    units: list = field(default_factory=list)


# --- Reading files ------------------------------------------------------------------------------


def read_upload(uploaded) -> tuple[bytes, str]:
    """The bytes of an uploaded file and its name, refusing what is too large."""
    if uploaded.size > MAX_BYTES:
        raise ImportRefused([_file_problem(uploaded.name, _too_large())])
    return uploaded.read(), uploaded.name


def _too_large() -> str:
    return _("Tệp quá lớn; tối đa %(limit)s MB.") % {"limit": MAX_BYTES // 1_048_576}


def _file_problem(name, reason) -> Problem:
    return Problem(name or _("Tệp"), None, None, reason)


def open_workbook(data: bytes, name: str, *, read_only: bool = False):
    """A workbook read as plain values (cached results of formulas, no code run); `read_only`
    streams the cells (several times faster on a large sheet, but no random access to cells)."""
    if len(data) > MAX_BYTES:
        raise ImportRefused([_file_problem(name, _too_large())])
    if not data.startswith(b"PK\x03\x04"):
        raise ImportRefused(
            [_file_problem(name, _("Tệp không phải là tệp Excel .xlsx (kiểm tra theo nội dung)."))]
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            infos = package.infolist()
    except zipfile.BadZipFile:
        infos = None
    names = {info.filename for info in infos or ()}
    if infos is None or "xl/workbook.xml" not in names:
        raise ImportRefused([_file_problem(name, _("Tệp không phải là tệp Excel .xlsx hợp lệ."))])
    if any(n.endswith("vbaProject.bin") for n in names):
        raise ImportRefused(
            [_file_problem(name, _("Tệp có chứa macro; hãy lưu lại dưới dạng .xlsx thường."))]
        )
    if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
        raise ImportRefused([_file_problem(name, _too_large())])
    try:
        return load_workbook(io.BytesIO(data), data_only=True, read_only=read_only)
    except Exception as error:  # openpyxl raises many kinds on a damaged package
        raise _unreadable(name, error) from None


def _unreadable(name, error) -> ImportRefused:
    return ImportRefused([_file_problem(name, _("Không đọc được tệp Excel: %(error)s") % {"error": error})])


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def decimal_from_cell(value) -> Decimal | None:
    """A number from a cell: a number, or text with a decimal comma or point. None when empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError from None
    if not number.is_finite():
        raise ValueError
    return number


# --- Self-assessment template -------------------------------------------------------------------


@dataclass
class TemplateRow:
    sheet: str
    row: int
    assessment_id: int
    code: str
    value: object
    na: object
    explanation: str
    version: object


def import_self_assessment(data: bytes, name: str, *, actor) -> ImportSummary:
    """Validate the whole filled template, then save every changed row through the services."""
    book = open_workbook(data, name)
    problems: list[Problem] = []
    rows = _template_rows(book, problems)
    assessments = _template_assessments(rows)
    plan = _check_template_rows(rows, assessments, actor, problems)
    if problems:
        raise ImportRefused(problems)
    return _save_plan(plan, assessments, name, actor)


def _template_rows(book, problems) -> list[TemplateRow]:
    rows = []
    for sheet in book.worksheets:
        if sheet.title == layout.INSTRUCTIONS_SHEET:
            continue
        header = _find_header(sheet)
        if header is None:
            problems.append(
                Problem(
                    sheet.title,
                    None,
                    None,
                    _("Trang tính không đúng mẫu tự đánh giá (không thấy dòng tiêu đề)."),
                )
            )
            continue
        for number, cells in enumerate(
            sheet.iter_rows(min_row=header + 1, values_only=True), start=header + 1
        ):
            cells = (*cells, *([None] * layout.COL_VERSION))[: layout.COL_VERSION]
            if all(c is None or _text(c) == "" for c in cells):
                continue
            rows.append(
                TemplateRow(
                    sheet=sheet.title,
                    row=number,
                    assessment_id=cells[layout.COL_ASSESSMENT - 1],
                    code=_text(cells[layout.COL_CODE - 1]),
                    value=cells[layout.COL_VALUE - 1],
                    na=cells[layout.COL_NA - 1],
                    explanation=_text(cells[layout.COL_EXPLANATION - 1]),
                    version=cells[layout.COL_VERSION - 1],
                )
            )
    return rows


def _find_header(sheet) -> int | None:
    for number, (first,) in enumerate(
        sheet.iter_rows(min_row=1, max_row=20, max_col=1, values_only=True), start=1
    ):
        if _text(first) == layout.TEMPLATE_MARKER:
            return number
    return None


def _as_int(value) -> int | None:
    try:
        number = decimal_from_cell(value)
    except ValueError:
        return None
    if number is None or number != number.to_integral_value():
        return None
    return int(number)


def _template_assessments(rows) -> dict:
    ids = {i for i in (_as_int(r.assessment_id) for r in rows) if i is not None}
    assessments = Assessment.objects.select_related("cycle__framework", "unit__parent__parent").in_bulk(ids)
    scores = IndicatorScore.objects.filter(assessment_id__in=ids).select_related("indicator")
    for a in assessments.values():
        a.scores_by_code = {}
    for score in scores:
        assessments[score.assessment_id].scores_by_code[score.indicator.code] = score
    return assessments


def _cell(column: int) -> str:
    return get_column_letter(column)


def _check_template_rows(rows, assessments, actor, problems) -> list:
    plan, seen, checked = [], set(), {}
    for row in rows:
        where = (row.sheet, row.row)
        assessment = assessments.get(_as_int(row.assessment_id))
        if assessment is None:
            problems.append(
                Problem(*where, _cell(layout.COL_ASSESSMENT), _("Không nhận ra hồ sơ đánh giá của dòng này."))
            )
            continue
        if assessment.unit.code != row.sheet:
            problems.append(
                Problem(
                    *where,
                    _cell(layout.COL_ASSESSMENT),
                    _("Trang “%(sheet)s” không phải của đơn vị %(code)s.")
                    % {"sheet": row.sheet, "code": assessment.unit.code},
                )
            )
            continue
        if assessment.pk not in checked:
            checked[assessment.pk] = _assessment_problem(assessment, actor)
        if checked[assessment.pk]:
            problems.append(Problem(*where, _cell(layout.COL_VALUE), checked[assessment.pk]))
            continue
        score = assessment.scores_by_code.get(row.code)
        if score is None:
            problems.append(
                Problem(
                    *where,
                    _cell(layout.COL_CODE),
                    _("Mã chỉ tiêu “%(code)s” không có trong hồ sơ này.") % {"code": row.code},
                )
            )
            continue
        if (assessment.pk, row.code) in seen:
            problems.append(
                Problem(
                    *where,
                    _cell(layout.COL_CODE),
                    _("Chỉ tiêu “%(code)s” xuất hiện hai lần.") % {"code": row.code},
                )
            )
            continue
        seen.add((assessment.pk, row.code))
        values = _row_values(row, score, problems)
        if values is None:
            continue
        changed = {k: v for k, v in values.items() if getattr(score, k) != v}
        if not changed:
            continue
        if _as_int(row.version) != score.version:
            problems.append(
                Problem(
                    *where,
                    _cell(layout.COL_VERSION),
                    _(
                        "Chỉ tiêu “%(code)s” đã được cập nhật sau khi tải mẫu này (phiên bản %(new)s); "
                        "hãy tải mẫu mới."
                    )
                    % {"code": row.code, "new": score.version},
                )
            )
            continue
        plan.append((row, score, changed))
    return plan


def _assessment_problem(assessment, actor) -> str | None:
    if not permissions.which(actor, permissions.EDIT_SELF).filter(pk=assessment.pk).exists():
        return _("Bạn không có quyền nhập tự đánh giá cho đơn vị %(unit)s.") % {"unit": assessment.unit.name}
    if assessment.status not in SELF_EDITABLE:
        return _("Hồ sơ của %(unit)s đang ở trạng thái “%(status)s”, không thể sửa tự đánh giá.") % {
            "unit": assessment.unit.name,
            "status": assessment.get_status_display(),
        }
    return None


def _row_values(row, score, problems) -> dict | None:
    indicator = score.indicator
    where = (row.sheet, row.row)
    na_text = fold(_text(row.na))
    if na_text not in ("", layout.NA_MARK):
        problems.append(
            Problem(*where, _cell(layout.COL_NA), _("Cột Không áp dụng chỉ ghi “x” hoặc để trống."))
        )
        return None
    na = na_text == layout.NA_MARK
    if na and not indicator.na_allowed:
        problems.append(
            Problem(*where, _cell(layout.COL_NA), _("Chỉ tiêu này không được đánh dấu “không áp dụng”."))
        )
        return None
    try:
        value = _method_value(indicator, row.value)
        if not na:
            points_for(indicator, value)
    except (ValueError, ValueRefused) as error:
        reason = (
            str(error)
            if isinstance(error, ValueRefused)
            else _("“%(value)s” không phải là số.") % {"value": _text(row.value)}
        )
        problems.append(Problem(*where, _cell(layout.COL_VALUE), reason))
        return None
    return {"self_value": None if na else value, "self_na": na, "explanation": row.explanation}


def _method_value(indicator, raw) -> Decimal | None:
    if indicator.method == scoring.YES_NO and isinstance(raw, str):
        answer = fold(raw.strip())
        if answer in (fold(layout.YES), "1"):
            return Decimal(1)
        if answer in (fold(layout.NO), "0"):
            return Decimal(0)
        if not answer:
            return None
        raise ValueRefused(_("Chỉ chọn Có hoặc Không."))
    value = decimal_from_cell(raw)
    if value is not None and value != value.quantize(TWO_PLACES):
        if abs(value - value.quantize(TWO_PLACES)) > Decimal("1e-9"):  # float noise from a spreadsheet
            raise ValueRefused(_("Chỉ nhập tối đa hai chữ số thập phân: %(value)s.") % {"value": value})
        value = value.quantize(TWO_PLACES)
    return value


@transaction.atomic
def _save_plan(plan, assessments, name, actor) -> ImportSummary:
    summary = ImportSummary()
    per_assessment = {}
    for row, score, changed in plan:
        try:
            save_self_score(score, expected_version=score.version, actor=actor, **changed)
        except (StaleVersion, ValidationError, PermissionDenied) as error:
            reason = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            raise ImportRefused([Problem(row.sheet, row.row, _cell(layout.COL_VALUE), reason)]) from None
        per_assessment[score.assessment_id] = per_assessment.get(score.assessment_id, 0) + 1
        summary.saved += 1
    for assessment_id, count in per_assessment.items():
        assessment = assessments[assessment_id]
        record(actor, "assessment.self_imported", assessment, {"file": name, "indicators": count})
        summary.units.append(assessment.unit.name)
    return summary


# --- Past cycles' decided results ---------------------------------------------------------------

RESULT_COLUMNS = {
    "unit_code": ("ma don vi", "unit code", "unit_code", "ma"),
    "final_score": ("diem cuoi cung", "diem", "final score", "final_score", "score"),
    "decision_number": ("so quyet dinh", "decision number", "decision_number"),
    "decision_date": ("ngay quyet dinh", "decision date", "decision_date"),
    "level": ("muc", "muc dat", "level"),
}
REQUIRED_COLUMNS = ("unit_code", "final_score", "decision_number", "decision_date")


@dataclass
class ResultRow:
    row: int
    cells: dict  # field → (column letter, raw value)


def _header_key(text) -> str:
    return re.sub(r"\s+", " ", fold(_text(text)).replace("_", " ")).strip()


def read_result_rows(data: bytes, name: str) -> tuple[str, list[ResultRow], list[Problem]]:
    """(sheet name, rows, problems) from an .xlsx (first sheet) or a .csv file."""
    if data.startswith(b"PK\x03\x04"):
        book = open_workbook(data, name, read_only=True)
        sheet = book.worksheets[0]
        try:  # a read-only workbook parses the cells only now
            table = [list(r) for r in sheet.iter_rows(values_only=True)]
        except Exception as error:  # as in open_workbook
            raise _unreadable(name, error) from None
        sheet_name = sheet.title
    else:
        table, sheet_name = _csv_table(data, name), name
    problems = []
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
        if all(_text(v) == "" for v in values):
            continue
        values = list(values) + [None] * len(table[0])
        rows.append(ResultRow(number, {k: (get_column_letter(i + 1), values[i]) for k, i in columns.items()}))
    return sheet_name, rows, problems


def _csv_table(data: bytes, name: str) -> list[list]:
    if len(data) > MAX_BYTES:
        raise ImportRefused([_file_problem(name, _too_large())])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused([_file_problem(name, _("Tệp CSV phải được lưu với bảng mã UTF-8."))]) from None
    if "\x00" in text:
        raise ImportRefused([_file_problem(name, _("Tệp không phải là tệp CSV hoặc .xlsx."))])
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def parse_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError


def parse_level(value) -> int | None:
    text = fold(_text(value))
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
    for r in rows:
        row_problems = []

        def refuse(key, reason, r=r, row_problems=row_problems):
            row_problems.append(Problem(sheet, r.row, r.cells[key][0] if key in r.cells else None, reason))

        code = _text(r.cells["unit_code"][1])
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
                % {"value": _text(r.cells["final_score"][1])},
            )
        number = _text(r.cells["decision_number"][1])
        if not number:
            refuse("decision_number", _("Thiếu số quyết định."))
        elif len(number) > 40:
            refuse("decision_number", _("Số quyết định dài quá 40 ký tự."))
        decided_on = None
        try:
            decided_on = parse_date(r.cells["decision_date"][1])
        except ValueError:
            refuse(
                "decision_date",
                _("Ngày quyết định “%(value)s” không hợp lệ (dd/mm/yyyy).")
                % {"value": _text(r.cells["decision_date"][1])},
            )
        if "level" in r.cells:
            try:
                given = parse_level(r.cells["level"][1])
            except ValueError:
                refuse(
                    "level",
                    _("Mức “%(value)s” không hợp lệ (0–4 hoặc “Không đạt chuẩn”).")
                    % {"value": _text(r.cells["level"][1])},
                )
            else:
                if given is not None and level is not None and given != level:
                    refuse(
                        "level",
                        _("Mức ghi trong tệp (%(given)s) khác mức theo điểm %(score)s (%(level)s).")
                        % {"given": LEVEL_LABELS[given], "score": score, "level": LEVEL_LABELS[level]},
                    )
        problems += row_problems
        if not row_problems:
            checked.append(CheckedResult(r.row, unit, score.quantize(TWO_PLACES), level, number, decided_on))
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
    return _store_results(checked, year, name, hashlib.sha256(data).hexdigest(), actor)


def may_import_results(user) -> bool:
    return reach.is_province_admin(user)


FIELDS = ("final_score", "level", "decision_number", "decision_date")


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
