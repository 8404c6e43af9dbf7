"""The offline self-assessment template coming back: a commune fills the workbook it downloaded
(reports/exports.py writes it, one sheet per unit, one row per indicator) and uploads it here.

All-or-nothing: every cell is checked first against the same rules the service applies
(`services.check_self_values`, the policy and the state), every problem is reported with its
sheet, row, column (Excel letter) and reason, and nothing is written unless the whole file is
clean. A clean file is saved value by value through `services.save_self_score`, in one
transaction, so row versions, points and the audit trail are exactly those of the web form.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from friendlygov.audit.services import record
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
    open_workbook,
    unreadable,
)
from friendlygov.frameworks import scoring

from . import permissions
from .limits import TEXT_MAX
from .models import Assessment, IndicatorScore
from .results import ValueRefused, check_values
from .services import StaleVersion, save_self_score
from .workflow import SELF_EDITABLE

# The template's layout: reports/exports.py writes it, this module reads it.
TEMPLATE_MARKER = "ma_ho_so"
CRITERION_MARKER = "tieu_chi"  # in the hidden key column of a criterion's heading row
TEMPLATE_HEADER_ROW = 5
INSTRUCTIONS_SHEET = "Hướng dẫn"
COL_ASSESSMENT, COL_CODE, COL_NAME, COL_MAX, COL_METHOD, COL_WHAT = 1, 2, 3, 4, 5, 6
COL_VALUE, COL_NA, COL_EXPLANATION, COL_VERSION = 7, 8, 9, 10
YES, NO, NA_MARK = "Có", "Không", "x"


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
    percent_cell: bool = False  # the value cell shows a percentage: 0.96 shown as 96% reads 96


# A template has one sheet per unit the person may fill and one row per indicator (21 in the
# default framework), and people add a notes sheet or two: anything much larger is not a template.
MAX_TEMPLATE_ROWS = 200
EXTRA_SHEETS = 5
BASE_BYTES, BYTES_PER_SHEET = 2 * 1024 * 1024, 1024 * 1024


def template_bounds(actor) -> Bounds:
    """Sized on what this person can download: the instructions and one sheet per unit of a
    cycle they see (a group template comes back whole, its read-only sheets skipped)."""
    editable = permissions.which(actor, permissions.EDIT_SELF).filter(status__in=SELF_EDITABLE).count()
    per_cycle = permissions.visible(actor).values("cycle").annotate(units=Count("id")).order_by()
    readable = max((row["units"] for row in per_cycle), default=0)
    sheets = 1 + max(editable, readable, 1) + EXTRA_SHEETS
    return Bounds(sheets=sheets, rows=MAX_TEMPLATE_ROWS, unpacked_bytes=BASE_BYTES + sheets * BYTES_PER_SHEET)


def import_self_assessment(data: bytes, name: str, *, actor) -> ImportSummary:
    """Validate the whole filled template, then save every changed row through the services."""
    bounds = template_bounds(actor)
    book = open_workbook(data, name, bounds=bounds)
    problems: list[Problem] = []
    try:
        rows = _template_rows(book, bounds, problems)
    except Exception as error:  # a read-only workbook parses the cells only now
        raise unreadable(name, error) from None
    finally:
        book.close()
    assessments = _template_assessments(rows)
    skipped = []
    plan = _check_template_rows(rows, assessments, actor, problems, skipped)
    if problems:
        raise ImportRefused(problems)
    summary = _save_plan(plan, assessments, name, actor)
    summary.skipped = skipped
    return summary


def _template_rows(book, bounds, problems) -> list[TemplateRow]:
    rows = []
    for sheet in book.worksheets:
        if sheet.title == INSTRUCTIONS_SHEET:
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
        rows_of_cells = bounded_rows(
            sheet, bounds, problems, min_row=header + 1, max_col=COL_VERSION, cells=True
        )
        for number, row_cells in rows_of_cells:
            row_cells = (*row_cells, *([None] * COL_VERSION))[:COL_VERSION]
            cells = [getattr(cell, "value", None) for cell in row_cells]
            if all(c is None or cell_text(c) == "" for c in cells) or cell_text(cells[0]) == CRITERION_MARKER:
                continue
            value_format = getattr(row_cells[COL_VALUE - 1], "number_format", "") or ""
            rows.append(
                TemplateRow(
                    sheet=sheet.title,
                    row=number,
                    assessment_id=cells[COL_ASSESSMENT - 1],
                    code=cell_text(cells[COL_CODE - 1]),
                    value=cells[COL_VALUE - 1],
                    na=cells[COL_NA - 1],
                    explanation=cell_text(cells[COL_EXPLANATION - 1]),
                    version=cells[COL_VERSION - 1],
                    percent_cell="%" in value_format,
                )
            )
    return rows


def _find_header(sheet) -> int | None:
    for number, (first,) in enumerate(
        sheet.iter_rows(min_row=1, max_row=20, max_col=1, values_only=True), start=1
    ):
        if cell_text(first) == TEMPLATE_MARKER:
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
    assessments = Assessment.objects.select_related("cycle__framework", "unit__parent").in_bulk(ids)
    scores = IndicatorScore.objects.filter(assessment_id__in=ids).select_related("indicator")
    for a in assessments.values():
        a.scores_by_code = {}
    for score in scores:
        assessments[score.assessment_id].scores_by_code[score.indicator.code] = score
    return assessments


def _cell(column: int) -> str:
    return get_column_letter(column)


def _check_template_rows(rows, assessments, actor, problems, skipped) -> list:
    plan, seen, checked = [], set(), {}
    for row in rows:
        where = (row.sheet, row.row)
        assessment = assessments.get(_as_int(row.assessment_id))
        if assessment is None:
            problems.append(
                Problem(*where, _cell(COL_ASSESSMENT), _("Không nhận ra hồ sơ đánh giá của dòng này."))
            )
            continue
        if assessment.unit.code != row.sheet:
            problems.append(
                Problem(
                    *where,
                    _cell(COL_ASSESSMENT),
                    _("Trang “%(sheet)s” không phải của đơn vị %(code)s.")
                    % {"sheet": row.sheet, "code": assessment.unit.code},
                )
            )
            continue
        if assessment.pk not in checked:
            checked[assessment.pk] = _assessment_problem(assessment, actor)
        score = assessment.scores_by_code.get(row.code)
        if checked[assessment.pk]:
            # A sheet this person may not change comes back as it went out: skipped, with a note;
            # only a changed row of it is an error.
            if score is None or _row_changes(row, score):
                problems.append(Problem(*where, _cell(COL_VALUE), checked[assessment.pk]))
            elif row.sheet not in skipped:
                skipped.append(row.sheet)
            continue
        if score is None:
            problems.append(
                Problem(
                    *where,
                    _cell(COL_CODE),
                    _("Mã chỉ tiêu “%(code)s” không có trong hồ sơ này.") % {"code": row.code},
                )
            )
            continue
        if (assessment.pk, row.code) in seen:
            problems.append(
                Problem(
                    *where,
                    _cell(COL_CODE),
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
                    _cell(COL_VERSION),
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


def _row_changes(row, score) -> bool:
    """Whether a row of a read-only sheet differs from what is saved (an unreadable value does)."""
    values = _row_values(row, score, [])
    return values is None or any(getattr(score, key) != value for key, value in values.items())


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
    na_text = fold(cell_text(row.na))
    if na_text not in ("", NA_MARK):
        problems.append(Problem(*where, _cell(COL_NA), _("Cột Không áp dụng chỉ ghi “x” hoặc để trống.")))
        return None
    na = na_text == NA_MARK
    if na:
        try:
            check_values(indicator, na=True, value=None)
        except ValueRefused as error:
            problems.append(Problem(*where, _cell(COL_NA), str(error)))
            return None
    try:
        value = _method_value(indicator, row.value, percent_cell=row.percent_cell)
        if not na:  # "not applicable" was checked above
            check_values(indicator, na=False, value=value)
    except (ValueError, ValueRefused) as error:
        reason = (
            str(error)
            if isinstance(error, ValueRefused)
            else _("“%(value)s” không phải là số.") % {"value": cell_text(row.value)}
        )
        problems.append(Problem(*where, _cell(COL_VALUE), reason))
        return None
    if len(row.explanation) > TEXT_MAX:
        reason = _("Nội dung quá dài (tối đa %(max)s ký tự).") % {"max": TEXT_MAX}
        problems.append(Problem(*where, _cell(COL_EXPLANATION), reason))
        return None
    return {"self_value": None if na else value, "self_na": na, "explanation": row.explanation}


def _method_value(indicator, raw, *, percent_cell=False) -> Decimal | None:
    if indicator.method == scoring.YES_NO and isinstance(raw, str):
        answer = fold(raw.strip())
        if answer in (fold(YES), "1"):
            return Decimal(1)
        if answer in (fold(NO), "0"):
            return Decimal(0)
        if not answer:
            return None
        raise ValueRefused(_("Chỉ chọn Có hoặc Không."))
    value = (
        _percent_value(raw, percent_cell) if indicator.method in PERCENT_METHODS else decimal_from_cell(raw)
    )
    if value is not None and value != value.quantize(TWO_PLACES):
        if abs(value - value.quantize(TWO_PLACES)) > Decimal("1e-9"):  # float noise from a spreadsheet
            raise ValueRefused(_("Chỉ nhập tối đa hai chữ số thập phân: %(value)s.") % {"value": value})
        value = value.quantize(TWO_PLACES)
    return value


PERCENT_METHODS = (scoring.RATIO, scoring.SURVEY)


def _percent_value(raw, percent_cell: bool) -> Decimal | None:
    """A percentage as the person sees it: a number in a cell shown as a percentage is a fraction
    (96% is kept as 0.96), text may carry its sign ("96%"), and a plain number is the percentage."""
    if isinstance(raw, str) and raw.strip().endswith("%"):
        return decimal_from_cell(raw.strip()[:-1])
    value = decimal_from_cell(raw)
    if value is not None and percent_cell and not isinstance(raw, str):
        value *= 100
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
            raise ImportRefused([Problem(row.sheet, row.row, _cell(COL_VALUE), reason)]) from None
        per_assessment[score.assessment_id] = per_assessment.get(score.assessment_id, 0) + 1
        summary.saved += 1
    for assessment_id, count in per_assessment.items():
        assessment = assessments[assessment_id]
        record(actor, "assessment.self_imported", assessment, {"file": name, "indicators": count})
        summary.units.append(assessment.unit.name)
    return summary
