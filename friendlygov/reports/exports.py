"""Excel workbooks for officials: a cycle's results, and the offline self-assessment template.

Both read through the assessment area's permission policy (`visible(user)`), and both issue a
fixed number of queries whatever the number of units: the rows are loaded in a handful of bulk
queries and assembled in memory.

The template is one sheet per unit (named after the unit's code), each indicator a row: a commune
official fills one familiar table top to bottom. Hidden columns carry the keys the import needs
(assessment id, row version); the sheet is protected except for the input columns.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from friendlygov.assessments import permissions, register
from friendlygov.assessments.models import IndicatorScore
from friendlygov.assessments.offline import (
    COL_ASSESSMENT,
    COL_CODE,
    COL_EXPLANATION,
    COL_MAX,
    COL_NA,
    COL_NAME,
    COL_VALUE,
    COL_VERSION,
    COL_WHAT,
    CRITERION_MARKER,
    INSTRUCTIONS_SHEET,
    NA_MARK,
    NO,
    TEMPLATE_HEADER_ROW,
    TEMPLATE_MARKER,
    YES,
)
from friendlygov.assessments.workflow import SELF_EDITABLE, decided_level
from friendlygov.core.spreadsheets import grid, print_heading, print_setup, workbook_bytes
from friendlygov.core.text import xml_safe
from friendlygov.frameworks import scoring
from friendlygov.frameworks.describe import num
from friendlygov.frameworks.labels import METHOD_CHOICES
from friendlygov.frameworks.models import Indicator
from friendlygov.programs.selectors import rules_for

POINTS_FORMAT = "0.00"
SHARE_FORMAT = "0.0%"
DATE_FORMAT = "dd/mm/yyyy"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
INPUT_FILL = PatternFill("solid", fgColor="FFF7D6")
CRITERION_FILL = PatternFill("solid", fgColor="EEF2F6")
# A percentage is kept as Excel keeps it (96% is 0.96) and shown with its sign, so that what the
# person sees is what is read (assessments/offline.py reads a "%" cell × 100).
PERCENT_FORMAT = "0.00%"
# The template's layout (COL_…, TEMPLATE_…) belongs to its import, assessments/offline.py.


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


# --- Offline self-assessment template -----------------------------------------------------------

WHAT_TO_ENTER = {
    scoring.MANUAL: gettext_lazy("Số điểm, từ 0 đến %(max)s"),
    scoring.YES_NO: gettext_lazy("Chọn Có hoặc Không"),
    scoring.RATIO: gettext_lazy("Tỷ lệ phần trăm, từ 0%% đến 100%%"),
    scoring.SURVEY: gettext_lazy("Tỷ lệ hài lòng, từ 0%% đến 100%%"),
    scoring.DEDUCTION: gettext_lazy("Số vi phạm (số nguyên, 0 nếu không có)"),
}


def self_assessment_template(cycle, user, assessments) -> bytes:
    """One sheet per unit, pre-filled with what is saved now, for the commune to fill offline."""
    rows = load_cycle(cycle, user, assessments)
    book = Workbook()
    _instructions(book.active, cycle)
    methods = dict(METHOD_CHOICES)
    editable = set(
        permissions.which(user, permissions.EDIT_SELF)
        .filter(status__in=SELF_EDITABLE, pk__in=[a.pk for a in rows.assessments])
        .values_list("pk", flat=True)
    )
    for a in rows.assessments:
        sheet = book.create_sheet(a.unit.code)
        _unit_sheet(sheet, cycle, a, rows, methods, editable=a.pk in editable)
    return workbook_bytes(book)


def _instructions(sheet, cycle):
    sheet.title = INSTRUCTIONS_SHEET
    sheet.column_dimensions["A"].width = 120
    lines = [
        _("Mẫu tự đánh giá ngoại tuyến: %(cycle)s") % {"cycle": cycle.name},
        "",
        _("Mỗi trang tính là một đơn vị (tên trang là mã đơn vị); mỗi dòng là một chỉ tiêu."),
        _("Chỉ nhập vào các cột tô màu vàng: Số liệu, Không áp dụng, Giải trình."),
        _("Có/Không: chọn Có hoặc Không. Tỷ lệ: ô đã định dạng phần trăm, gõ 96 hoặc 96% đều là 96%."),
        _("Số vi phạm: số nguyên. Điểm: số thập phân, dùng dấu phẩy hoặc dấu chấm."),
        _(
            "Trang của đơn vị không còn sửa được (đã gửi thẩm định, hoặc bạn chỉ được xem) không tô màu "
            "vàng; khi tải lên, trang đó được bỏ qua."
        ),
        _("Không áp dụng: ghi “x” nếu chỉ tiêu cho phép và đơn vị không có nội dung này."),
        _("Ô Số liệu để trống nghĩa là chưa chấm chỉ tiêu đó."),
        _("Không đổi tên trang, không thêm, xoá hay đổi thứ tự các cột."),
        _(
            "Khi tải lên, hệ thống kiểm tra toàn bộ tệp; chỉ cần một ô sai thì không có gì được lưu "
            "và mọi lỗi được liệt kê theo trang, dòng, cột."
        ),
    ]
    for line in lines:
        sheet.append([line])
        sheet.cell(row=sheet.max_row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    sheet["A1"].font = Font(bold=True, size=13)
    print_setup(sheet, None, heading=cycle.name)


def _unit_sheet(sheet, cycle, assessment, rows, methods, *, editable: bool):
    """The unit's name, cycle, deadline and status on top (in column B: A holds the keys and is
    hidden), criterion headings between the indicators, input cells in yellow when editable."""
    unit = assessment.unit
    heading = _("%(unit)s (%(code)s) — %(cycle)s") % {
        "unit": unit.name,
        "code": unit.code,
        "cycle": cycle.name,
    }
    status = _("Trạng thái hồ sơ: %(status)s") % {"status": assessment.get_status_display()}
    if not editable:
        status += " — " + _("chỉ để xem; khi tải lên, trang này được bỏ qua")
    deadline = _("Hạn tự đánh giá: %(date)s") % {"date": cycle.self_assessment_closes.strftime("%d/%m/%Y")}
    for row, (text, font) in enumerate(
        ((heading, Font(bold=True, size=13)), (deadline, None), (status, Font(italic=not editable))), start=1
    ):
        cell = sheet.cell(row=row, column=COL_CODE, value=text)
        if font is not None:
            cell.font = font
        sheet.merge_cells(start_row=row, start_column=COL_CODE, end_row=row, end_column=COL_EXPLANATION)
    headers = [
        (TEMPLATE_MARKER, 8),
        (_("Mã chỉ tiêu"), 10),
        (_("Tên chỉ tiêu"), 50),
        (_("Điểm tối đa"), 9),
        (_("Cách chấm"), 20),
        (_("Cần nhập"), 26),
        (_("Số liệu"), 12),
        (_("Không áp dụng"), 11),
        (_("Giải trình"), 40),
        ("phien_ban", 8),
    ]
    for column, (title, width) in enumerate(headers, start=1):
        cell = sheet.cell(row=TEMPLATE_HEADER_ROW, column=column, value=str(title))
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.row_dimensions[TEMPLATE_HEADER_ROW].height = 32
    for letter in ("A", "J"):
        sheet.column_dimensions[letter].hidden = True
    print_setup(sheet, f"{TEMPLATE_HEADER_ROW}:{TEMPLATE_HEADER_ROW}", heading=heading)
    validations = _validations(sheet)
    scores = rows.scores.get(assessment.pk, {})
    row, criterion = TEMPLATE_HEADER_ROW, None
    for indicator in rows.indicators:
        score = scores.get(indicator.pk)
        if score is None:
            continue
        if indicator.criterion_id != criterion:
            criterion = indicator.criterion_id
            row += 1
            _criterion_row(sheet, row, indicator.criterion)
        row += 1
        sheet.append(
            [
                assessment.pk,
                indicator.code,
                indicator.name,
                indicator.max_points,
                str(methods.get(indicator.method, indicator.method)),
                str(WHAT_TO_ENTER[indicator.method]) % {"max": num(indicator.max_points)},
                _display_value(indicator, score),
                NA_MARK if score.self_na else None,
                xml_safe(score.explanation) or None,
                score.version,
            ]
        )
        _style_row(sheet, row, indicator, validations, editable=editable)
    grid(sheet, TEMPLATE_HEADER_ROW, COL_EXPLANATION)
    sheet.print_area = f"B1:{get_column_letter(COL_EXPLANATION)}{row}"
    sheet.freeze_panes = sheet.cell(row=TEMPLATE_HEADER_ROW + 1, column=COL_VALUE)
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False


def _criterion_row(sheet, row, criterion):
    """A heading row ("Tiêu chí 1. …", its maximum) that the import skips by its marker."""
    sheet.cell(row=row, column=COL_ASSESSMENT, value=CRITERION_MARKER)
    sheet.cell(row=row, column=COL_CODE, value=criterion.code)
    sheet.cell(row=row, column=COL_NAME, value=criterion.localised_name())
    sheet.cell(row=row, column=COL_MAX, value=criterion.max_points).number_format = POINTS_FORMAT
    for column in range(COL_CODE, COL_EXPLANATION + 1):
        cell = sheet.cell(row=row, column=column)
        cell.font, cell.fill = HEADER_FONT, CRITERION_FILL
        cell.alignment = Alignment(wrap_text=column == COL_NAME, vertical="top")
    sheet.row_dimensions[row].height = 15 * _lines(sheet, row)


def _validations(sheet) -> dict:
    yes_no = DataValidation(type="list", formula1=f'"{YES},{NO}"', allow_blank=True)
    percent = DataValidation(type="decimal", operator="between", formula1="0", formula2="1", allow_blank=True)
    whole = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
    na = DataValidation(type="list", formula1=f'"{NA_MARK}"', allow_blank=True)
    for validation in (yes_no, percent, whole, na):
        validation.error = _("Giá trị không hợp lệ; xem cột “Cần nhập”.")
        validation.showErrorMessage = True
        sheet.add_data_validation(validation)
    return {
        scoring.YES_NO: yes_no,
        scoring.RATIO: percent,
        scoring.SURVEY: percent,
        scoring.DEDUCTION: whole,
        "na": na,
        "sheet": sheet,
    }


def _style_row(sheet, row, indicator, validations, *, editable: bool):
    value_cell = sheet.cell(row=row, column=COL_VALUE)
    if indicator.method in PERCENT_METHODS:
        value_cell.number_format = PERCENT_FORMAT
    if indicator.method == scoring.MANUAL:
        manual = DataValidation(
            type="decimal",
            operator="between",
            formula1="0",
            formula2=str(indicator.max_points),
            allow_blank=True,
        )
        manual.error = _("Giá trị không hợp lệ; xem cột “Cần nhập”.")
        manual.showErrorMessage = True
        sheet.add_data_validation(manual)
        manual.add(value_cell)
    else:
        validations[indicator.method].add(value_cell)
    inputs = [COL_VALUE, COL_EXPLANATION]
    if indicator.na_allowed:
        validations["na"].add(sheet.cell(row=row, column=COL_NA))
        inputs.append(COL_NA)
    for column in inputs if editable else ():
        cell = sheet.cell(row=row, column=column)
        cell.protection = Protection(locked=False)
        cell.fill = INPUT_FILL
    for column in range(COL_ASSESSMENT, COL_VERSION + 1):
        wrap = column in (COL_NAME, COL_WHAT, COL_EXPLANATION)
        sheet.cell(row=row, column=column).alignment = Alignment(wrap_text=wrap, vertical="top")
    sheet.cell(row=row, column=COL_MAX).number_format = POINTS_FORMAT
    sheet.row_dimensions[row].height = 15 * _lines(sheet, row)


def _lines(sheet, row) -> int:
    """Lines the wrapped cells of a row need: spreadsheets do not grow a row by themselves."""
    needed = 1
    for column in (COL_NAME, COL_WHAT, COL_EXPLANATION):
        text = str(sheet.cell(row=row, column=column).value or "")
        width = sheet.column_dimensions[get_column_letter(column)].width
        needed = max(needed, -(-len(text) * 11 // (int(width) * 10)))
    return needed


def _display_value(indicator, score):
    if score.self_value is None:
        return None
    if indicator.method == scoring.YES_NO:
        return YES if score.self_value == 1 else NO
    if indicator.method in PERCENT_METHODS:
        return score.self_value / 100
    return score.self_value


PERCENT_METHODS = (scoring.RATIO, scoring.SURVEY)


# --- Template of past results to import (reports/imports.py reads it) ---------------------------

RESULT_TEMPLATE_HEADERS = [
    (gettext_lazy("Mã đơn vị"), 12, "@"),
    (gettext_lazy("Điểm cuối cùng"), 14, POINTS_FORMAT),
    (gettext_lazy("Số quyết định"), 18, "@"),
    (gettext_lazy("Ngày quyết định"), 16, DATE_FORMAT),
    (gettext_lazy("Mức"), 10, None),
    (gettext_lazy("Lý do"), 60, "@"),
]


def results_template() -> bytes:
    """The sheet the results import reads (its first sheet, headers on row 1), with an example
    and the rules on a second sheet so that the first holds nothing but data."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Kết quả")
    _header(sheet, RESULT_TEMPLATE_HEADERS)  # in English too, the import knows the English headers
    for row in range(2, 502):  # the formats a clerk's typing lands in
        for column, (_title, _width, number_format) in enumerate(RESULT_TEMPLATE_HEADERS, start=1):
            if number_format:
                sheet.cell(row=row, column=column).number_format = number_format
    sheet.oddHeader.center.text = _("Kết quả đánh giá các năm trước")
    guide = book.create_sheet(INSTRUCTIONS_SHEET)
    guide.column_dimensions["A"].width = 120
    for line in (
        _("Nhập mỗi đơn vị một dòng ở trang “Kết quả”, từ dòng 2; không đổi dòng tiêu đề."),
        _("Mã đơn vị: mã 5 chữ số của đơn vị cấp xã còn hiệu lực ngày 31/12 của năm đánh giá."),
        _("Điểm cuối cùng: từ 0 đến 100, tối đa hai chữ số thập phân (ví dụ 84,99)."),
        _("Số quyết định và Ngày quyết định (dd/mm/yyyy) của quyết định công nhận."),
        _("Mức: để trống (tính từ điểm) hoặc ghi mức; mức thấp hơn mức theo điểm cần ghi Lý do."),
        _("Ví dụ: 10804 | 91,27 | 15/QĐ-UBND | 05/01/2025 | 3 |"),
    ):
        guide.append([line])
        guide.cell(row=guide.max_row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    return workbook_bytes(book)
