"""The cycle export as it was written before it streamed (normal openpyxl, model objects), kept
only as the reference the streamed export must equal cell by cell (test_excel_export_streamed)."""

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from friendlygov.assessments import permissions, register
from friendlygov.assessments.models import IndicatorScore
from friendlygov.assessments.workflow import decided_level
from friendlygov.core.spreadsheets import grid, print_heading, print_setup, workbook_bytes
from friendlygov.core.text import xml_safe
from friendlygov.frameworks.models import Indicator
from friendlygov.programs.selectors import rules_for

POINTS_FORMAT = "0.00"
SHARE_FORMAT = "0.0%"
DATE_FORMAT = "dd/mm/yyyy"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")


# --- Loading ------------------------------------------------------------------------------------


@dataclass
class CycleRows:
    assessments: list
    indicators: list  # leaf indicators of the cycle's framework, in order
    scores: dict  # assessment id → {indicator id: IndicatorScore}
    decisions: dict  # assessment id → the issued Decision in force (assessments.register)
    reasons: dict  # assessment id → the failed conditions stored with that decision's result


def load_cycle(cycle, user, assessments=None) -> CycleRows:
    """Everything the workbooks show about `cycle`, in five queries."""
    if assessments is None:
        assessments = permissions.visible(user).filter(cycle=cycle)
    assessments = list(
        assessments.select_related("unit__parent", "body").order_by("body__name", "unit__search_name")
    )
    ids = [a.pk for a in assessments]
    indicators = list(
        Indicator.objects.filter(version_id=cycle.framework_id)
        .select_related("criterion")
        .order_by("criterion__order", "order", "id")
    )
    parents = {i.parent_id for i in indicators if i.parent_id}
    leaves = [i for i in indicators if i.pk not in parents]
    scores = defaultdict(dict)
    for score in IndicatorScore.objects.filter(assessment_id__in=ids).only(
        "assessment_id",
        "indicator_id",
        "self_value",
        "self_na",
        "self_points",
        "explanation",
        "appraised_na",
        "appraised_points",
        "version",
    ):
        scores[score.assessment_id][score.indicator_id] = score
    in_force = register.in_force_items(ids)
    decisions = {pk: live[0].decision for pk, live in in_force.items()}
    reasons = {pk: live[0].reasons for pk, live in in_force.items()}
    return CycleRows(assessments, leaves, scores, decisions, reasons)


def decided_levels(assessments) -> Counter:
    """Levels of the decided assessments; the others have no level yet."""
    levels = (decided_level(a.status, a.final_level) for a in assessments)
    return Counter(level for level in levels if level is not None)


# --- Cycle export -------------------------------------------------------------------------------


def cycle_export_filename(year: int) -> str:
    """The workbook's one name, whether downloaded, prepared by a job or written by the command."""
    return f"ket-qua-{year}.xlsx"


def export_cycle(cycle, user) -> bytes:
    rows = load_cycle(cycle, user)
    book = Workbook()
    _results_sheet(book.active, cycle, rows, user)
    _matrix_sheet(book.create_sheet(_("Ma trận chỉ tiêu")), rows, user)
    _targets_sheet(book.create_sheet(_("Mục tiêu")), cycle, rows)
    for sheet in book.worksheets:
        print_heading(sheet, f"{cycle.name} — {sheet.title}")
    return workbook_bytes(book)


def _results_sheet(sheet, cycle, rows, user):
    sheet.title = _("Kết quả")
    headers = [
        (_("STT"), 6, None),
        (_("Mã đơn vị"), 11, None),
        (_("Tên đơn vị"), 28, None),
        (_("Loại"), 10, None),
        (_("Cơ quan thẩm định"), 30, None),
        (_("Điểm tự chấm"), 12, POINTS_FORMAT),
        (_("Điểm thẩm định"), 13, POINTS_FORMAT),
        (_("Điểm cuối cùng"), 13, POINTS_FORMAT),
        (_("Mức"), 16, None),
        (_("Trạng thái"), 22, None),
        (_("Số quyết định"), 16, None),
        (_("Ngày quyết định"), 14, DATE_FORMAT),
        (_("Lý do không đạt chuẩn"), 36, None),
    ]
    _header(sheet, headers)
    rules = rules_for(cycle)
    for number, a in enumerate(rows.assessments, start=1):
        level = decided_level(a.status, a.final_level)
        shows_appraisal = permissions.may_see_appraisal(user, a)
        decision = rows.decisions.get(a.pk)
        sheet.append(
            [
                number,
                a.unit.code,
                a.unit.name,
                a.unit.get_type_display(),
                a.body.name,
                a.self_score,
                a.appraised_score if shows_appraisal else None,
                a.final_score if level is not None else None,
                rules.label(level) if level is not None else None,
                a.get_status_display(),
                xml_safe(decision.number) if decision else None,
                decision.signed_on if decision else None,
                xml_safe("; ".join(rows.reasons.get(a.pk, []))) or None,
            ]
        )
    _formats(sheet, headers)


def _matrix_sheet(sheet, rows, user):
    headers = [(_("Mã đơn vị"), 11, None), (_("Tên đơn vị"), 28, None)]
    headers += [(i.code, 9, POINTS_FORMAT) for i in rows.indicators]
    _header(sheet, headers)
    sheet.append([_("Điểm tối đa"), None, *[i.max_points for i in rows.indicators]])
    for cell in sheet[2]:
        cell.font = HEADER_FONT
    for a in rows.assessments:
        shows_appraisal = permissions.may_see_appraisal(user, a)
        by_indicator = rows.scores.get(a.pk, {})
        cells = []
        for indicator in rows.indicators:
            score = by_indicator.get(indicator.pk)
            cells.append(_matrix_cell(score, shows_appraisal))
        sheet.append([a.unit.code, a.unit.name, *cells])
    _formats(sheet, headers, header_row=2)
    note = sheet.cell(row=sheet.max_row + 2, column=1)
    note.value = _(
        "Điểm thẩm định nếu đã có, nếu chưa thì điểm tự chấm. “KAD”: không áp dụng; ô trống: chưa chấm "
        "hoặc chỉ tiêu không áp dụng cho loại đơn vị."
    )


def _matrix_cell(score, shows_appraisal):
    if score is None:
        return None
    if shows_appraisal and (score.appraised_na or score.appraised_points is not None):
        return _("KAD") if score.appraised_na else score.appraised_points
    return _("KAD") if score.self_na else score.self_points


def _targets_sheet(sheet, cycle, rows):
    headers = [
        (_("Mục tiêu"), 48, None),
        (_("Số đơn vị cần đạt"), 16, None),
        (_("Tỷ lệ cần đạt"), 13, SHARE_FORMAT),
        (_("Số đơn vị đã đạt"), 16, None),
        (_("Tỷ lệ đã đạt"), 13, SHARE_FORMAT),
        (_("Đạt mục tiêu"), 12, None),
        (_("Còn thiếu (đơn vị)"), 16, None),
        (_("Tổng số đơn vị"), 14, None),
    ]
    _header(sheet, headers)
    results = rules_for(cycle).attainment(
        cycle.year, decided_levels(rows.assessments), units_total=len(rows.assessments)
    )
    for result in results:
        sheet.append(
            [
                result.rule.describe(),
                result.required_units,
                result.required_percent / 100,
                result.actual_units,
                result.actual_percent / 100,
                _("Đạt") if result.met else _("Chưa đạt"),
                result.gap_units,
                result.units_total,
            ]
        )
    _formats(sheet, headers)
    note = sheet.cell(row=sheet.max_row + 2, column=1)
    note.value = _(
        "Mẫu số là mọi đơn vị của đợt đánh giá; đơn vị chưa có quyết định được tính là không đạt chuẩn."
    )


def _header(sheet, headers):
    sheet.append([str(title) for title, _width, _format in headers])
    for column, (_title, width, _format) in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=column)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.row_dimensions[1].height = 32
    sheet.freeze_panes = "A2"
    print_setup(sheet, "1:1")


def _formats(sheet, headers, header_row=1):
    """Number formats below the header, and the filter on the header row (the matrix has a second
    header row with each indicator's maximum)."""
    last_row = max(sheet.max_row, header_row + 1)
    for column, (_title, _width, number_format) in enumerate(headers, start=1):
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=2, max_row=last_row, min_col=column, max_col=column):
                cell.number_format = number_format
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(headers))}{last_row}"
    grid(sheet, 1, sheet.max_column)
    sheet.freeze_panes = f"A{header_row + 1}"
    _widen_to_content(sheet, header_row)


WIDTH_SAMPLE_ROWS = 1000  # enough to meet the long names; a nation's 371k cells are not read for it
WIDTH_MAX = 45


def _widen_to_content(sheet, header_row):
    """Each column at least as wide as its longest value in the first rows (within WIDTH_MAX), so
    that nothing prints cut or run into its neighbour; never narrower than the width it was set to."""
    last = min(sheet.max_row, header_row + WIDTH_SAMPLE_ROWS)
    for cells in sheet.iter_cols(min_row=2, max_row=last):  # below the titles (they wrap)
        longest = max((len(str(cell.value)) for cell in cells if cell.value is not None), default=0)
        dimension = sheet.column_dimensions[cells[0].column_letter]
        dimension.width = max(dimension.width or 0, min(longest + 2, WIDTH_MAX))
