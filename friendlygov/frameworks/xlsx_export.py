"""A framework version as a formatted Excel workbook (`xlsx_layout`): Vietnamese headers, column
widths, frozen header row, lists and ranges as data validation, points as numbers, A4 landscape
fitted to the page width with the header repeated on every printed page."""

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from friendlygov.core.spreadsheets import workbook_bytes
from friendlygov.core.text import xml_safe

from .labels import GATING_KIND_CHOICES, METHOD_CHOICES, UNIT_TYPE_CHOICES
from .xlsx_layout import (
    BONUS,
    CRITERIA,
    GATING,
    INDICATORS,
    INFO_ROWS,
    PERCENT,
    POINTS,
    SHEET_ORDER,
    SHEETS,
    THRESHOLDS,
    Column,
)

POINTS_FORMAT = "0.00"
# Named, or LibreOffice draws a bold cell in its serif fallback beside the sans-serif of the others.
HEADER_FONT = Font(name="Calibri", bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
INFO = SHEET_ORDER[0]


def framework_workbook(document: dict) -> bytes:
    """The workbook of a framework document (`selectors.version_document`)."""
    book = Workbook()
    _info_sheet(book.active, document)
    rows = _document_rows(document)
    for title in SHEET_ORDER[1:]:
        sheet = book.create_sheet(title)
        _table_sheet(sheet, SHEETS[title], rows[title])
    return workbook_bytes(book)


def _yes_no(value: bool) -> str:
    return _("Có") if value else _("Không")


def _document_rows(document: dict) -> dict[str, list[dict]]:
    methods, kinds = dict(METHOD_CHOICES), dict(GATING_KIND_CHOICES)
    unit_types = dict(UNIT_TYPE_CHOICES)
    rows = {title: [] for title in SHEET_ORDER[1:]}
    for criterion in document["criteria"]:
        rows[CRITERIA].append(criterion)
        for indicator, parent in _walk(criterion["indicators"]):
            params = indicator.get("params", {})
            linear = params.get("linear", {})
            rows[INDICATORS].append(
                {
                    **indicator,
                    "criterion": criterion["code"],
                    "parent": parent,
                    "method": str(methods[indicator["method"]]) if indicator.get("method") else None,
                    "per_violation": params.get("per_violation"),
                    "floor_percent": linear.get("floor_percent"),
                    "full_percent": linear.get("full_percent"),
                    "guidance_vi": indicator["guidance"]["vi"],
                    "guidance_en": indicator["guidance"]["en"],
                    "unit_types": ", ".join(str(unit_types[t]) for t in indicator["unit_types"]),
                    "na_allowed": _yes_no(indicator["na_allowed"]),
                }
            )
            for threshold in params.get("thresholds", []):
                rows[THRESHOLDS].append({"indicator": indicator["code"], **threshold})
    for rule in document["gating_rules"]:
        rows[GATING].append({**rule, **rule["params"], "kind": str(kinds[rule["kind"]])})
    rows[BONUS] = list(document["bonus_rules"])
    return rows


def _walk(indicators, parent=None):
    for indicator in indicators:
        yield indicator, parent
        yield from _walk(indicator.get("sub_indicators", []), indicator["code"])


def _cell_value(value):
    return xml_safe(value) if isinstance(value, str) else value


def _header(sheet, headers: list[str], widths: list[int], height: int = 62) -> None:
    sheet.append(headers)
    for column, width in enumerate(widths, start=1):
        cell = sheet.cell(row=1, column=column)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.row_dimensions[1].height = height
    sheet.freeze_panes = "A2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"


def _table_sheet(sheet, columns: list[Column], rows: list[dict]) -> None:
    _header(sheet, [str(c.header) for c in columns], [c.width for c in columns])
    for row in rows:
        sheet.append([_cell_value(row.get(c.key)) for c in columns])
    last = max(sheet.max_row, 2)
    for number in range(2, sheet.max_row + 1):
        lines = 1
        for index, column in enumerate(columns, start=1):
            cell = sheet.cell(row=number, column=index)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if column.kind == POINTS:
                cell.number_format = POINTS_FORMAT
            if column.kind not in (POINTS, PERCENT) and cell.value:
                lines = max(lines, -(-len(str(cell.value)) * 11 // (column.width * 10)))
        sheet.row_dimensions[number].height = 15 * min(lines, 12)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{last}"
    _validations(sheet, columns)


def _validations(sheet, columns: list[Column]) -> None:
    """Lists and ranges for the cells of each column, and a note for the free ones; room is left
    below the data for rows people add."""
    end = sheet.max_row + 200
    lists = {
        "method": [str(label) for _code, label in METHOD_CHOICES],
        "gating_kind": [str(label) for _code, label in GATING_KIND_CHOICES],
        "bool": [_("Có"), _("Không")],
    }
    for index, column in enumerate(columns, start=1):
        if column.kind in lists:
            validation = DataValidation(type="list", formula1='"' + ",".join(lists[column.kind]) + '"')
        elif column.kind in (POINTS, PERCENT):
            validation = DataValidation(type="decimal", operator="between", formula1="0", formula2="100")
        elif column.kind == "unit_types":
            validation = DataValidation()
            validation.prompt = _("Ghi một hoặc nhiều loại, cách nhau bằng dấu phẩy: %(types)s.") % {
                "types": ", ".join(str(label) for _code, label in UNIT_TYPE_CHOICES)
            }
            validation.showInputMessage = True
        else:
            continue
        validation.allow_blank = True
        validation.error = _("Giá trị không hợp lệ cho cột “%(column)s”.") % {"column": column.header}
        validation.showErrorMessage = column.kind != "unit_types"
        sheet.add_data_validation(validation)
        validation.add(f"{get_column_letter(index)}2:{get_column_letter(index)}{end}")


def _info_sheet(sheet, document: dict) -> None:
    sheet.title = INFO
    _header(sheet, [_("Mục"), _("Giá trị")], [34, 90], height=20)
    template = document["template"]
    values = {**document, "is_template": _yes_no(template["is_template"]), "note": template["note"]}
    for column in INFO_ROWS:
        sheet.append([str(column.header), _cell_value(values[column.key])])
    for label, value in sheet.iter_rows(min_row=2, max_row=sheet.max_row):
        label.font = HEADER_FONT
        value.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
        label.alignment = Alignment(vertical="top")
    sheet.row_dimensions[len(INFO_ROWS) + 1].height = 15 * max(1, -(-len(template["note"]) // 85))
    bool_list = DataValidation(type="list", formula1=f'"{_("Có")},{_("Không")}"', allow_blank=True)
    sheet.add_data_validation(bool_list)
    bool_list.add(f"B{1 + next(i for i, c in enumerate(INFO_ROWS, 1) if c.key == 'is_template')}")
    sheet.append([])
    sheet.append([_("Xuất từ phiên bản"), document["version"]])
    sheet.cell(row=sheet.max_row, column=2).alignment = Alignment(horizontal="left")
    sheet.append([])
    for number, line in enumerate(_instructions()):
        sheet.append([line])
        if number == 0:
            sheet.cell(row=sheet.max_row, column=1).font = HEADER_FONT
        sheet.merge_cells(start_row=sheet.max_row, end_row=sheet.max_row, start_column=1, end_column=2)
        sheet.cell(row=sheet.max_row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.row_dimensions[sheet.max_row].height = 15 * max(1, -(-len(line) // 110))


def _instructions() -> list[str]:
    return [
        _("Cách dùng tệp này"),
        _(
            "Khi tải lên, tệp trở thành một phiên bản nháp mới của mã bộ tiêu chí ở trên (số phiên bản "
            "tiếp theo); phiên bản đã ban hành không bị thay đổi."
        ),
        _(
            "Mỗi trang tính là một phần của bộ tiêu chí. Không đổi tên trang, không thêm, xoá hay đổi thứ "
            "tự các cột; có thể thêm, xoá, sửa các dòng."
        ),
        _(
            "Trang “Chỉ tiêu”: mỗi dòng một chỉ tiêu, theo thứ tự hiển thị; chỉ tiêu con ghi mã chỉ tiêu "
            "cha ở cột “Thuộc chỉ tiêu” và đứng dưới chỉ tiêu cha. Chỉ tiêu cha không có cách chấm."
        ),
        _(
            "Cách chấm: chấm trực tiếp cần “Bước điểm”; trừ điểm cần “Điểm trừ mỗi vi phạm”; tỷ lệ và "
            "khảo sát cần hoặc hai cột “Tuyến tính”, hoặc các dòng ở trang “Ngưỡng điểm” (tỷ lệ cao "
            "nhất trước). Các cột không dùng để trống."
        ),
        _("Số thập phân dùng dấu phẩy hoặc dấu chấm. Điểm các tiêu chí cộng lại bằng 100."),
        _(
            "Hệ thống kiểm tra toàn bộ tệp; chỉ cần một ô sai thì không có gì được tạo và mọi lỗi được "
            "liệt kê theo trang, dòng, cột."
        ),
    ]
