"""The survey results of a cycle as .xlsx: one line per unit the reader may see (embargo applied),
with the sample, the margin of error, the recommended sample and the survey-based points."""

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from friendlygov.core.spreadsheets import fit_widths, grid, print_setup, workbook_bytes

from .definition import SATISFIED_MIN
from .models import Channel

HEADER_FONT = Font(bold=True)
PERCENT = "0.00"


def export_cycle_survey(cycle, survey) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Khảo sát hài lòng")
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
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = HEADER_FONT
    for line in survey.lines:
        rate = line.overall
        sheet.append(
            [
                line.assessment.unit.code,
                line.assessment.unit.name,
                *[line.by_channel.get(value, 0) for value, _label in Channel.choices],
                rate.responses,
                rate.satisfied,
                rate.percent,
                rate.margin_of_error,
                rate.population,
                rate.recommended,
                _("Có") if rate.too_small else _("Không"),
                *line.points,
            ]
        )
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.column > 2 and not isinstance(cell.value, int | str | type(None)):
                cell.number_format = PERCENT
    sheet.freeze_panes = "C2"
    fit_widths(sheet)
    sheet.row_dimensions[1].height = 45
    grid(sheet)
    print_setup(sheet, "1:1", heading=f"{cycle.name} — {sheet.title}")
    note = book.create_sheet(_("Ghi chú"))
    note.append(
        [
            _("“Hài lòng” là trả lời mức %(min)s hoặc 5 trên thang 5 mức ở câu hỏi chung.")
            % {"min": SATISFIED_MIN}
        ]
    )
    note.append([_("Cỡ mẫu khuyến nghị n = N / (1 + N·e²), e = 5%; sai số ở độ tin cậy 95%.")])
    note.append([_("Đơn vị chưa đến hạn công bố kết quả cho người đọc này không có trong bảng.")])
    note.column_dimensions["A"].width = 100
    print_setup(note, None, heading=f"{cycle.name} — {note.title}")
    return workbook_bytes(book)
