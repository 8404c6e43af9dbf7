"""Excel workbooks for officials: a cycle's results, and the offline self-assessment template.

Both read through the assessment area's permission policy (`visible(user)`), and both issue a
fixed number of queries whatever the number of units: the rows are loaded in a handful of bulk
queries and assembled in memory.

The template is one sheet per unit (named after the unit's code), each indicator a row: a commune
official fills one familiar table top to bottom. Hidden columns carry the keys the import needs
(assessment id, row version); the sheet is protected except for the input columns.
"""

from collections import Counter, defaultdict
from copy import copy
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from itertools import chain, islice

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
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
from friendlygov.assessments.workflow import DECIDED, SELF_EDITABLE, Status, decided_level
from friendlygov.core.spreadsheets import (
    GRID,
    grid,
    print_heading,
    print_setup,
    progress_reporter,
    workbook_bytes,
)
from friendlygov.core.text import xml_safe
from friendlygov.frameworks import scoring
from friendlygov.frameworks.describe import num
from friendlygov.frameworks.labels import METHOD_CHOICES
from friendlygov.frameworks.models import Indicator
from friendlygov.programs.selectors import rules_for
from friendlygov.units.models import UnitType

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
#
# Streamed: a nation is 10,595 units × 21 indicators, 371k cells. The rows are read as plain
# values (no model objects), every label is translated once per export (not once per cell), and
# the sheets are written with openpyxl's write-only mode, row after row, each cell taking a style
# made once per column. The workbook reads back as the one written cell by cell before
# (reports/tests/legacy_cycle_export.py is that reference, compared in the tests).


def cycle_export_filename(year: int) -> str:
    """The workbook's one name, whether downloaded, prepared by a job or written by the command."""
    return f"ket-qua-{year}.xlsx"


def cycle_export_units(cycle, user) -> int:
    """How many units the user's export of `cycle` holds: above settings.EXPORT_IN_REQUEST_MAX_UNITS
    it is prepared in the background instead of in the request."""
    return permissions.visible(user).filter(cycle=cycle).count()


PROGRESS_EVERY = 500  # rows between two progress reports of a job (one UPDATE each)


def export_cycle(cycle, user, progress=None) -> bytes:
    """The cycle's workbook. `progress(done, total)`, when given, is told the units written on
    the results and matrix sheets as it goes (a job shows it)."""
    visible = permissions.visible(user).filter(cycle=cycle)
    ids = visible.order_by().values("pk")  # a subquery: never a list of 10,595 ids
    assessments = _assessment_rows(cycle, user, visible)
    indicators = _leaf_indicators(cycle)
    report = progress_reporter(progress, 2 * len(assessments), every=PROGRESS_EVERY)
    book = Workbook(write_only=True)
    heading = cycle.name
    _write_sheet(
        book.create_sheet(_("Kết quả")),
        heading,
        _results_headers(),
        _results_rows(cycle, assessments, ids, report),
    )
    matrix_headers = [(_("Mã đơn vị"), 11, None), (_("Tên đơn vị"), 28, None)]
    matrix_headers += [(code, 9, POINTS_FORMAT) for _pk, code, _max in indicators]
    maximum = [_("Điểm tối đa"), None, *[points for _pk, _code, points in indicators]]
    _write_sheet(
        book.create_sheet(_("Ma trận chỉ tiêu")),
        heading,
        matrix_headers,
        _matrix_rows(assessments, ids, indicators, report),
        second_header=maximum,
        note=_(
            "Điểm thẩm định nếu đã có, nếu chưa thì điểm tự chấm. “KAD”: không áp dụng; ô trống: chưa chấm "
            "hoặc chỉ tiêu không áp dụng cho loại đơn vị."
        ),
    )
    _write_sheet(
        book.create_sheet(_("Mục tiêu")),
        heading,
        _targets_headers(),
        _targets_rows(cycle, assessments),
        note=_(
            "Mẫu số là mọi đơn vị của đợt đánh giá; đơn vị chưa có quyết định được tính là không đạt chuẩn."
        ),
    )
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class AssessmentRow:
    pk: int
    code: str
    name: str
    type: str  # the unit type's label
    body: str
    status: str
    status_label: str
    self_score: Decimal | None
    appraised_score: Decimal | None
    final_score: Decimal | None
    level: int | None  # the decided level (None while undecided)
    shows_appraisal: bool


def _assessment_rows(cycle, user, visible) -> list[AssessmentRow]:
    """The units of the cycle the user sees, in the export's order, as plain values; whether the
    user sees each one's appraisal is the policy's `may_see_appraisal`, asked as one query."""
    opened = (Status.APPRAISED, *DECIDED)  # everyone sees the appraisal from then on
    seen = None  # None: every appraisal (a superuser)
    if not permissions.sees_everything(user):
        seen = set(
            permissions.which(user, permissions.VIEW_APPRAISAL)
            .filter(cycle=cycle)
            .exclude(status__in=opened)
            .values_list("pk", flat=True)
        )
    types = {value: str(label) for value, label in UnitType.choices}
    statuses = {value: str(label) for value, label in Status.choices}
    rows = visible.order_by("body__name", "unit__search_name").values_list(
        "pk",
        "unit__code",
        "unit__name",
        "unit__type",
        "body__name",
        "status",
        "self_score",
        "appraised_score",
        "final_score",
        "final_level",
    )
    return [
        AssessmentRow(
            pk=pk,
            code=code,
            name=name,
            type=types.get(unit_type, unit_type),
            body=body,
            status=status,
            status_label=statuses.get(status, status),
            self_score=self_score,
            appraised_score=appraised,
            final_score=final,
            level=decided_level(status, level),
            shows_appraisal=seen is None or status in opened or pk in seen,
        )
        for pk, code, name, unit_type, body, status, self_score, appraised, final, level in rows
    ]


def _leaf_indicators(cycle) -> list[tuple]:
    """(id, code, maximum) of the framework's leaf indicators, in order."""
    indicators = list(
        Indicator.objects.filter(version_id=cycle.framework_id)
        .order_by("criterion__order", "order", "id")
        .values_list("pk", "code", "max_points", "parent_id")
    )
    parents = {parent for *_rest, parent in indicators if parent}
    return [(pk, code, points) for pk, code, points, _parent in indicators if pk not in parents]


def _results_headers():
    return [
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


def _results_rows(cycle, assessments, ids, report):
    rules = rules_for(cycle)
    labels = {}  # level → its name, translated once
    in_force = register.in_force_items(ids)
    for number, a in enumerate(assessments, start=1):
        if a.level is not None and a.level not in labels:
            labels[a.level] = rules.label(a.level)
        live = in_force.get(a.pk)
        decision = live[0].decision if live else None
        yield [
            number,
            a.code,
            a.name,
            a.type,
            a.body,
            a.self_score,
            a.appraised_score if a.shows_appraisal else None,
            a.final_score if a.level is not None else None,
            labels.get(a.level),
            a.status_label,
            xml_safe(decision.number) if decision else None,
            decision.signed_on if decision else None,
            xml_safe("; ".join(live[0].reasons if live else [])) or None,
        ]
        report(number)


def _matrix_rows(assessments, ids, indicators, report):
    """Each unit's points per indicator: the appraised ones where the user sees them and they
    exist, else the self-assessed ones ("KAD" for not applicable). The scores are read as plain
    values in the units' order, one unit after the other."""
    column = {pk: index for index, (pk, _code, _max) in enumerate(indicators)}
    na = _("KAD")
    shows = {a.pk: a.shows_appraisal for a in assessments}
    by_unit = defaultdict(lambda: [None] * len(indicators))
    scores = IndicatorScore.objects.filter(assessment_id__in=ids, indicator_id__in=list(column)).values_list(
        "assessment_id", "indicator_id", "self_na", "self_points", "appraised_na", "appraised_points"
    )
    for assessment_id, indicator_id, self_na, self_points, appraised_na, appraised_points in scores.iterator(
        chunk_size=20_000
    ):
        if shows[assessment_id] and (appraised_na or appraised_points is not None):
            value = na if appraised_na else appraised_points
        else:
            value = na if self_na else self_points
        by_unit[assessment_id][column[indicator_id]] = value
    empty = [None] * len(indicators)
    for done, a in enumerate(assessments, start=len(assessments) + 1):
        yield [a.code, a.name, *by_unit.get(a.pk, empty)]
        report(done)


def _targets_headers():
    return [
        (_("Mục tiêu"), 48, None),
        (_("Số đơn vị cần đạt"), 16, None),
        (_("Tỷ lệ cần đạt"), 13, SHARE_FORMAT),
        (_("Số đơn vị đã đạt"), 16, None),
        (_("Tỷ lệ đã đạt"), 13, SHARE_FORMAT),
        (_("Đạt mục tiêu"), 12, None),
        (_("Còn thiếu (đơn vị)"), 16, None),
        (_("Tổng số đơn vị"), 14, None),
    ]


def _targets_rows(cycle, assessments):
    levels = Counter(a.level for a in assessments if a.level is not None)
    met, not_met = _("Đạt"), _("Chưa đạt")
    for result in rules_for(cycle).attainment(cycle.year, levels, units_total=len(assessments)):
        yield [
            result.rule.describe(),
            result.required_units,
            result.required_percent / 100,
            result.actual_units,
            result.actual_percent / 100,
            met if result.met else not_met,
            result.gap_units,
            result.units_total,
        ]


WIDTH_SAMPLE_ROWS = 1000  # enough to meet the long names; a nation's 371k cells are not read for it
WIDTH_MAX = 45


def _write_sheet(sheet, heading, headers, rows, *, second_header=None, note=None):
    """One table of the export: a styled, frozen, filtered header (and the matrix's second header
    row with each indicator's maximum), then the rows, each cell bordered and formatted by its
    column. A column is widened to its longest value in the first WIDTH_SAMPLE_ROWS rows (within
    WIDTH_MAX, never narrower than set): those rows are held back until the widths are known, as
    a write-only sheet takes its column widths before its first row."""
    header_row = 2 if second_header is not None else 1
    rows = iter(rows)
    sample = [second_header] if second_header is not None else []
    sample += list(islice(rows, WIDTH_SAMPLE_ROWS + 1 - len(sample)))
    for column, (_title, width, _format) in enumerate(headers, start=1):
        longest = max((len(str(row[column - 1])) for row in sample if row[column - 1] is not None), default=0)
        sheet.column_dimensions[get_column_letter(column)].width = max(width, min(longest + 2, WIDTH_MAX))
    sheet.row_dimensions[1].height = 32
    sheet.freeze_panes = f"A{header_row + 1}"
    print_setup(sheet, "1:1")
    print_heading(sheet, f"{heading} — {sheet.title}")
    styles = _column_styles(sheet, headers)
    sheet.append([_cell(sheet, str(title), styles.header) for title, _width, _format in headers])
    written = 1
    for row in chain(sample, rows):
        first = written == 1 and second_header is not None
        sheet.append(
            [_cell(sheet, value, styles.bold[i] if first else styles.body[i]) for i, value in enumerate(row)]
        )
        written += 1
    if written == 1:  # no row: the filter and the grid still reach a (blank) second row
        sheet.append([_cell(sheet, None, style) for style in styles.body])
        written += 1
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(headers))}{written}"
    if note is not None:
        sheet.append([])
        sheet.append([note])


@dataclass(frozen=True)
class ColumnStyles:
    header: object
    body: list  # per column: the grid's border and the column's number format
    bold: list  # the same in bold (the matrix's row of maximum points)


def _column_styles(sheet, headers) -> ColumnStyles:
    header = WriteOnlyCell(sheet)
    header.font, header.fill, header.border = HEADER_FONT, HEADER_FILL, GRID
    header.alignment = Alignment(wrap_text=True, vertical="center")
    body, bold = [], []
    for _title, _width, number_format in headers:
        cell = WriteOnlyCell(sheet)
        cell.border = GRID
        if number_format:
            cell.number_format = number_format
        body.append(copy(cell._style))
        cell.font = HEADER_FONT
        bold.append(copy(cell._style))
    return ColumnStyles(header._style, body, bold)


def _cell(sheet, value, style):
    """A write-only cell with a style made beforehand. Text is kept as text: openpyxl would take
    a value starting with "=" for a formula (core.spreadsheets.workbook_bytes does the same for
    workbooks written cell by cell)."""
    cell = WriteOnlyCell(sheet, value)
    cell._style = copy(style)
    if cell.data_type == "f":
        cell.data_type = "s"
    return cell


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
