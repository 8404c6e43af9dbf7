"""The survey results of a cycle as .xlsx: one line per unit the reader may see (embargo applied),
with the sample, the margin of error, the recommended sample and the survey-based points.

Written with openpyxl's write-only mode (a nation is 10,595 lines): each cell takes one of a few
styles made once, the labels are translated once, and the columns are as wide as their longest
value, worked out from the lines before the first row is written."""

from copy import copy
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from friendlygov.core.spreadsheets import GRID, print_setup, progress_reporter

from . import permissions, selectors
from .definition import SATISFIED_MIN
from .models import Channel

HEADER_FONT = Font(bold=True)
PERCENT = "0.00"
WIDTH_MIN, WIDTH_MAX = 6, 45  # as core.spreadsheets.fit_widths


PROGRESS_EVERY = 500  # lines between two progress reports of a job


def survey_export_lines(cycle, user) -> int:
    """How many lines the user's survey workbook of `cycle` holds (one per unit in their results
    scope): above settings.EXPORT_IN_REQUEST_MAX_UNITS it is made by a background job."""
    return selectors.survey_order(cycle, permissions.results_scope(user, cycle)).count()


def survey_export_filename(year) -> str:
    return f"khao-sat-hai-long-{year}.xlsx"


def export_user_survey(cycle, user, progress=None) -> bytes:
    """The workbook of the survey results `user` may read, for the download and the job alike."""
    survey = selectors.cycle_survey(cycle, permissions.results_scope(user, cycle))
    return export_cycle_survey(cycle, survey, progress=progress)


def export_cycle_survey(cycle, survey, progress=None) -> bytes:
    """`progress(done, total)`, when given, is told the lines written (a job's progress)."""
    report = progress_reporter(progress, len(survey.lines), every=PROGRESS_EVERY)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Khảo sát hài lòng"))
    headers = [
        _("Mã đơn vị"),
        _("Tên đơn vị"),
        *[_("Phiếu: %(channel)s") % {"channel": label} for _value, label in Channel.choices],
        _("Tổng số phiếu"),
        _("Số phiếu hài lòng"),
        _("Tỷ lệ hài lòng (%)"),
        _("Sai số 95% (± điểm %)"),
        _("Quy mô tổng thể N"),
        _("Cỡ mẫu khuyến nghị"),
        _("Mẫu quá nhỏ"),
        *[_("Điểm theo khảo sát %(code)s") % {"code": indicator.code} for indicator in survey.indicators],
    ]
    yes, no = _("Có"), _("Không")
    channels = [value for value, _label in Channel.choices]
    rows = [
        [
            line.assessment.unit_code,
            line.assessment.unit_name,
            *[line.by_channel.get(value, 0) for value in channels],
            line.overall.responses,
            line.overall.satisfied,
            line.overall.percent,
            line.overall.margin_of_error,
            line.overall.population,
            line.overall.recommended,
            yes if line.overall.too_small else no,
            *line.points,
        ]
        for line in survey.lines
    ]
    _fit_widths(sheet, headers, rows)
    sheet.freeze_panes = "C2"
    sheet.row_dimensions[1].height = 45
    print_setup(sheet, "1:1", heading=f"{cycle.name} — {sheet.title}")
    header, plain, percent = _styles(sheet)
    sheet.append([_cell(sheet, title, header) for title in headers])
    for done, row in enumerate(rows, start=1):
        sheet.append(
            [
                _cell(sheet, value, percent if column > 2 and _is_fraction(value) else plain)
                for column, value in enumerate(row, start=1)
            ]
        )
        report(done)
    note = book.create_sheet(_("Ghi chú"))
    note.column_dimensions["A"].width = 100
    print_setup(note, None, heading=f"{cycle.name} — {note.title}")
    note.append(
        [
            _("“Hài lòng” là trả lời mức %(min)s hoặc 5 trên thang 5 mức ở câu hỏi chung.")
            % {"min": SATISFIED_MIN}
        ]
    )
    note.append([_("Cỡ mẫu khuyến nghị n = N / (1 + N·e²), e = 5%; sai số ở độ tin cậy 95%.")])
    note.append([_("Đơn vị chưa đến hạn công bố kết quả cho người đọc này không có trong bảng.")])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _is_fraction(value) -> bool:
    """Rates, margins and points (Decimal) take two decimals; counts and text keep theirs."""
    return not isinstance(value, int | str | type(None))


def _fit_widths(sheet, headers, rows):
    """Each column as wide as its longest value (a header at its longest word), within bounds."""
    for column, title in enumerate(headers, start=1):
        longest = len(max(str(title).split() or [""], key=len))
        for row in rows:
            value = row[column - 1]
            if value is not None:
                longest = max(longest, len(str(value)))
        sheet.column_dimensions[get_column_letter(column)].width = min(max(longest + 2, WIDTH_MIN), WIDTH_MAX)


def _styles(sheet):
    header = WriteOnlyCell(sheet)
    header.font, header.border = HEADER_FONT, GRID
    header.alignment = Alignment(wrap_text=True, vertical="center")
    plain = WriteOnlyCell(sheet)
    plain.border = GRID
    percent = WriteOnlyCell(sheet)
    percent.border, percent.number_format = GRID, PERCENT
    return copy(header._style), copy(plain._style), copy(percent._style)


def _cell(sheet, value, style):
    """A write-only cell with a style made beforehand; text stays text (never a formula)."""
    cell = WriteOnlyCell(sheet, value)
    cell._style = copy(style)
    if cell.data_type == "f":
        cell.data_type = "s"
    return cell
