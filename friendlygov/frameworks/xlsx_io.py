"""Framework documents as an Excel workbook: write one from a version's document, read one back.

The workbook has one sheet per part of the document (general information, criteria, indicators,
the thresholds of ratio and survey indicators, conditions, bonus rules); `SHEETS` is its one
layout, used both ways. Reading turns the sheets into the same plain data the YAML loader reads
and checks it with `documents.check_document`, so both formats keep one set of rules; a
`SheetLocator` names every problem by sheet, row and column. A file with any problem imports
nothing (`spreadsheets.ImportRefused`).

Sheet names and the order of columns are the format and do not change with the language; headers
and the words in cells (methods, unit types, Có/Không) are read in Vietnamese or English.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from friendlygov.core.i18n import fold
from friendlygov.core.numbers import NumberRefused
from friendlygov.core.spreadsheets import (
    Bounds,
    ImportRefused,
    Problem,
    bounded_rows,
    cell_text,
    decimal_from_cell,
    file_problem,
    open_workbook,
    unreadable,
    workbook_bytes,
)
from friendlygov.core.text import xml_safe

from .documents import FrameworkDocument, check_document
from .labels import GATING_KIND_CHOICES, METHOD_CHOICES, UNIT_TYPE_CHOICES, UNIT_TYPES

INFO, CRITERIA, INDICATORS, THRESHOLDS, GATING, BONUS = (
    "Thông tin chung",
    "Tiêu chí",
    "Chỉ tiêu",
    "Ngưỡng điểm",
    "Điều kiện",
    "Điểm thưởng",
)

# A framework has tens of indicators; a sheet of thousands of rows is not one.
BOUNDS = Bounds(sheets=12, rows=2000, unpacked_bytes=20 * 1024 * 1024)

POINTS_FORMAT = "0.00"
# Named, or LibreOffice draws a bold cell in its serif fallback beside the sans-serif of the others.
HEADER_FONT = Font(name="Calibri", bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
LANGUAGES = ("vi", "en")


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # lazy: written in the reader's language, read in either
    width: int
    kind: str = "text"  # text, long, points, percent, year, bool, method, unit_types, gating_kind


POINTS, PERCENT, LONG = "points", "percent", "long"

INFO_ROWS = [
    Column("code", gettext_lazy("Mã bộ tiêu chí"), 0),
    Column("name", gettext_lazy("Tên bộ tiêu chí"), 0),
    Column("program", gettext_lazy("Chương trình"), 0),
    Column("year", gettext_lazy("Năm áp dụng"), 0, "year"),
    Column("is_template", gettext_lazy("Bộ mẫu, chưa chính thức (Có/Không)"), 0, "bool"),
    Column("note", gettext_lazy("Ghi chú bộ mẫu"), 0, LONG),
]

SHEETS: dict[str, list[Column]] = {
    CRITERIA: [
        Column("code", gettext_lazy("Mã tiêu chí"), 12),
        Column("name", gettext_lazy("Tên tiêu chí"), 60, LONG),
        Column("name_en", gettext_lazy("Tên tiếng Anh"), 45, LONG),
        Column("max_points", gettext_lazy("Điểm tối đa"), 12, POINTS),
    ],
    INDICATORS: [
        Column("criterion", gettext_lazy("Mã tiêu chí"), 8),
        Column("code", gettext_lazy("Mã chỉ tiêu"), 9),
        Column("parent", gettext_lazy("Thuộc chỉ tiêu (mã chỉ tiêu cha)"), 10),
        Column("name", gettext_lazy("Tên chỉ tiêu"), 40, LONG),
        Column("name_en", gettext_lazy("Tên tiếng Anh"), 26, LONG),
        Column("max_points", gettext_lazy("Điểm tối đa"), 8, POINTS),
        Column("method", gettext_lazy("Cách chấm"), 16, "method"),
        Column("step", gettext_lazy("Bước điểm (chấm trực tiếp)"), 10, POINTS),
        Column("per_violation", gettext_lazy("Điểm trừ mỗi vi phạm"), 9, POINTS),
        Column("floor_percent", gettext_lazy("Tuyến tính: tỷ lệ được 0 điểm (%)"), 10, PERCENT),
        Column("full_percent", gettext_lazy("Tuyến tính: tỷ lệ được đủ điểm (%)"), 10, PERCENT),
        Column("evidence", gettext_lazy("Tài liệu kiểm chứng"), 30, LONG),
        Column("guidance_vi", gettext_lazy("Hướng dẫn chấm (tiếng Việt)"), 36, LONG),
        Column("guidance_en", gettext_lazy("Hướng dẫn chấm (tiếng Anh)"), 26, LONG),
        Column("unit_types", gettext_lazy("Áp dụng cho loại đơn vị"), 16, "unit_types"),
        Column("na_allowed", gettext_lazy("Cho phép không áp dụng (Có/Không)"), 10, "bool"),
    ],
    THRESHOLDS: [
        Column("indicator", gettext_lazy("Mã chỉ tiêu"), 12),
        Column("min_percent", gettext_lazy("Tỷ lệ từ (%)"), 14, PERCENT),
        Column("points", gettext_lazy("Số điểm"), 12, POINTS),
    ],
    GATING: [
        Column("code", gettext_lazy("Mã điều kiện"), 12),
        Column("name", gettext_lazy("Tên điều kiện"), 60, LONG),
        Column("kind", gettext_lazy("Loại điều kiện"), 30, "gating_kind"),
        Column("percent", gettext_lazy("Tỷ lệ tối thiểu của mỗi tiêu chí (%)"), 16, PERCENT),
        Column("min_total", gettext_lazy("Tổng điểm tối thiểu"), 14, POINTS),
        Column("flag", gettext_lazy("Mã sự việc loại trừ"), 30),
    ],
    BONUS: [
        Column("code", gettext_lazy("Mã điểm thưởng"), 12),
        Column("name", gettext_lazy("Tên điểm thưởng"), 55, LONG),
        Column("description", gettext_lazy("Mô tả, cách cộng điểm"), 55, LONG),
        Column("cap", gettext_lazy("Điểm thưởng tối đa"), 13, POINTS),
    ],
}
INFO_TABLE = [Column("label", gettext_lazy("Mục"), 0), Column("value", gettext_lazy("Giá trị"), 0)]
SHEET_ORDER = [INFO, CRITERIA, INDICATORS, THRESHOLDS, GATING, BONUS]

# Which method uses which parameter column (the others must stay empty).
METHOD_COLUMNS = {
    "manual": {"step"},
    "yes_no": set(),
    "deduction": {"per_violation"},
    "ratio": {"floor_percent", "full_percent", "thresholds"},
    "survey": {"floor_percent", "full_percent", "thresholds"},
}
PARAM_COLUMNS = {"step", "per_violation", "floor_percent", "full_percent"}
GATING_COLUMNS = {"min_criterion_percent": "percent", "min_total": "min_total", "veto_flag": "flag"}


def letter(sheet: str, key: str) -> str:
    return get_column_letter(next(i for i, c in enumerate(SHEETS[sheet], start=1) if c.key == key))


def _in_both_languages(text) -> set[str]:
    words = set()
    for language in LANGUAGES:
        with translation.override(language):
            words.add(fold(str(text)))
    return words


def _words(choices) -> dict[str, str]:
    """Folded label in either language, or the code itself → the code."""
    words = {}
    for code, label in choices:
        words[fold(code)] = code
        for word in _in_both_languages(label):
            words[word] = code
    return words


YES_WORDS = {"co", "yes", "x", "1", "true"}
NO_WORDS = {"khong", "no", "0", "false"}


# --- Writing ------------------------------------------------------------------------------------


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


# --- Reading ------------------------------------------------------------------------------------


class SheetLocator:
    """Names a document path by the sheet, row and column it was read from. A path with no cell of
    its own (a list's total, say) takes the nearest cell registered above it."""

    def __init__(self, filename: str):
        self.filename = filename
        self.places: dict[tuple, tuple[str, int | None, str | None]] = {}
        self.items: list[Problem] = []
        self._cells: set[tuple] = set()

    def place(self, loc: tuple, sheet: str, row: int | None, column: str | None = None) -> None:
        self.places[loc] = (sheet, row, column)

    def cell(self, sheet: str, row: int | None, column: str | None, reason: str) -> None:
        """One problem per cell: a value refused while reading is not refused again by the rules."""
        if (sheet, row, column) in self._cells and column is not None:
            return
        self._cells.add((sheet, row, column))
        self.items.append(Problem(sheet, row, column, reason))

    def _where(self, loc: tuple) -> tuple[str, int | None, str | None]:
        for length in range(len(loc), 0, -1):
            if loc[:length] in self.places:
                return self.places[loc[:length]]
        return (INFO, None, None)

    def add(self, loc: tuple, reason: str) -> None:
        self.cell(*self._where(loc), reason)

    def name(self, loc: tuple) -> str:
        sheet, row, _column = self._where(loc)
        return _("trang “%(sheet)s”, dòng %(row)s") % {"sheet": sheet, "row": row}

    def has_problems(self) -> bool:
        return bool(self.items)


def read_framework_workbook(data: bytes, filename: str) -> FrameworkDocument:
    """The checked document in the workbook, or ImportRefused naming every problem."""
    book = open_workbook(data, filename, bounds=BOUNDS)
    locator = SheetLocator(filename)
    try:
        sheets = _read_sheets(book, locator)
    except ImportRefused:
        raise
    except Exception as error:  # a read-only workbook parses the cells only now
        raise unreadable(filename, error) from None
    finally:
        book.close()
    if sheets is None:
        raise ImportRefused(locator.items)
    document = check_document(_Reader(locator).document(sheets), locator)
    if document is None or locator.has_problems():
        raise ImportRefused(locator.items or [file_problem(filename, _("Tệp không đúng mẫu."))])
    return document


def _read_sheets(book, locator: SheetLocator) -> dict | None:
    """Rows of every sheet as (row number, {column key: raw value}); None when a sheet is missing
    or its header is not the template's."""
    names = set(book.sheetnames)
    missing = [title for title in SHEET_ORDER if title not in names]
    for title in missing:
        locator.cell(
            title, None, None, _("Thiếu trang tính “%(sheet)s” của mẫu bộ tiêu chí.") % {"sheet": title}
        )
    if missing:
        return None
    sheets = {}
    for title in SHEET_ORDER:
        columns = INFO_TABLE if title == INFO else SHEETS[title]
        rows = list(bounded_rows(book[title], BOUNDS, locator.items, max_col=len(columns)))
        if not _header_matches(title, columns, rows[0][1] if rows else (), locator):
            continue
        sheets[title] = [
            (number, dict(zip([c.key for c in columns], (*values, *[None] * len(columns)), strict=False)))
            for number, values in rows[1:]
            if any(cell_text(v) for v in values)
        ]
    return None if len(sheets) < len(SHEET_ORDER) else sheets


def _header_matches(title: str, columns: list[Column], header, locator: SheetLocator) -> bool:
    header = (*header, *[None] * len(columns))
    for index, column in enumerate(columns):
        if fold(cell_text(header[index])) not in _in_both_languages(column.header):
            locator.cell(
                title,
                1,
                get_column_letter(index + 1),
                _("Trang không đúng mẫu: cột này phải là “%(header)s” (không thêm, xoá hay đổi thứ tự cột).")
                % {"header": column.header},
            )
            return False
    return True


class _Reader:
    """Builds the document's plain data from the rows, converting cells (numbers with a decimal
    comma, Có/Không, labels of methods and unit types) and registering where each value came from."""

    def __init__(self, locator: SheetLocator):
        self.locator = locator
        self.methods = _words(METHOD_CHOICES)
        self.kinds = _words(GATING_KIND_CHOICES)
        self.unit_types = _words(UNIT_TYPE_CHOICES)

    # Cells

    def _refuse(self, sheet, row, column, reason) -> None:
        self.locator.cell(sheet, row, column, reason)

    def value(self, sheet: str, row: int, column: Column, raw, column_letter: str):
        """The cell as the document wants it, or None (after naming the problem) when it is not."""
        where = (sheet, row, column_letter)
        reader: Callable = {
            POINTS: self._number,
            PERCENT: self._number,
            "year": self._year,
            "bool": self._bool,
            "method": lambda raw, where: self._choice(raw, where, self.methods, METHOD_CHOICES),
            "gating_kind": lambda raw, where: self._choice(raw, where, self.kinds, GATING_KIND_CHOICES),
            "unit_types": self._unit_types,
        }.get(column.kind, lambda raw, where: cell_text(raw))
        return reader(raw, where)

    def _number(self, raw, where) -> Decimal | None:
        try:
            return decimal_from_cell(raw)
        except NumberRefused as error:
            self._refuse(*where, str(error))
        except ValueError:
            self._refuse(*where, _("“%(value)s” không phải là số.") % {"value": cell_text(raw)})
        return None

    def _year(self, raw, where) -> int | None:
        number = self._number(raw, where)
        if number is not None and number == number.to_integral_value():
            return int(number)
        if number is not None:
            self._refuse(*where, _("Năm phải là số nguyên."))
        return None

    def _bool(self, raw, where) -> bool:
        word = fold(cell_text(raw))
        if word in YES_WORDS:
            return True
        if word and word not in NO_WORDS:
            self._refuse(*where, _("Chỉ ghi Có hoặc Không."))
        return False

    def _choice(self, raw, where, words: dict, choices) -> str | None:
        text = cell_text(raw)
        if not text:
            return None
        code = words.get(fold(text))
        if code is None:
            self._refuse(
                *where,
                _("“%(value)s” không có trong danh sách; chọn một trong: %(choices)s.")
                % {"value": text, "choices": ", ".join(str(label) for _code, label in choices)},
            )
        return code

    def _unit_types(self, raw, where) -> list[str] | None:
        text = cell_text(raw)
        if not text:
            return None
        codes = []
        for part in text.replace(";", ",").split(","):
            if not part.strip():
                continue
            code = self.unit_types.get(fold(part))
            if code is None:
                self._refuse(
                    *where,
                    _("Loại đơn vị “%(value)s” không có; chọn trong: %(choices)s.")
                    % {
                        "value": part.strip(),
                        "choices": ", ".join(str(label) for _code, label in UNIT_TYPE_CHOICES),
                    },
                )
                return None
            codes.append(code)
        return [code for code in UNIT_TYPES if code in codes]

    def record(self, sheet: str, row: int, cells: dict) -> dict:
        return {
            c.key: self.value(sheet, row, c, cells.get(c.key), get_column_letter(index))
            for index, c in enumerate(SHEETS[sheet], start=1)
        }

    def _place_row(self, loc: tuple, sheet: str, row: int, keys: dict[str, str]) -> None:
        """`loc` and each of its fields (document key → column key) at their cells."""
        self.locator.place(loc, sheet, row, "A")
        for field, key in keys.items():
            self.locator.place((*loc, *field.split(".")), sheet, row, letter(sheet, key))

    # The document

    def document(self, sheets: dict) -> dict:
        info = self._info(sheets[INFO])
        criteria = self._criteria(sheets[CRITERIA])
        thresholds = self._thresholds(sheets[THRESHOLDS])
        self._indicators(sheets[INDICATORS], criteria, thresholds)
        self.locator.place(("criteria",), CRITERIA, None, None)
        return {
            **info,
            "criteria": criteria,
            "gating_rules": self._gating(sheets[GATING]),
            "bonus_rules": self._bonus(sheets[BONUS]),
        }

    def _info(self, rows) -> dict:
        by_label = {}
        for number, cells in rows:
            by_label.setdefault(fold(cell_text(cells["label"])), (number, cells["value"]))
        values = {}
        for column in INFO_ROWS:
            found = next((by_label[w] for w in _in_both_languages(column.header) if w in by_label), None)
            if found is None:
                self._refuse(INFO, None, None, _("Thiếu dòng “%(label)s”.") % {"label": column.header})
                continue
            number, raw = found
            self.locator.place((column.key,), INFO, number, "B")
            values[column.key] = self.value(INFO, number, column, raw, "B")
        template = {"is_template": values.pop("is_template", False), "note": values.pop("note", "") or ""}
        return {**{k: v for k, v in values.items() if v not in (None, "")}, "template": template}

    def _criteria(self, rows) -> list[dict]:
        criteria = []
        for i, (number, cells) in enumerate(rows):
            values = self.record(CRITERIA, number, cells)
            loc = ("criteria", i)
            self._place_row(loc, CRITERIA, number, {"code": "code", "name": "name", "name_en": "name_en"})
            self._place_row(loc, CRITERIA, number, {"max_points": "max_points", "indicators": "max_points"})
            criteria.append(_present(values, ("code", "name", "name_en", "max_points")) | {"indicators": []})
        return criteria

    def _thresholds(self, rows) -> dict[str, list[tuple[int, dict]]]:
        by_indicator: dict[str, list] = {}
        for number, cells in rows:
            values = self.record(THRESHOLDS, number, cells)
            by_indicator.setdefault(values["indicator"], []).append(
                (number, _present(values, ("min_percent", "points")))
            )
        return by_indicator

    def _indicators(self, rows, criteria: list[dict], thresholds: dict) -> None:
        by_code = {}
        for i, criterion in reversed(list(enumerate(criteria))):
            by_code[criterion.get("code")] = (criterion, ("criteria", i))
        seen: dict[str, tuple[dict, tuple]] = {}
        for number, cells in rows:
            values = self.record(INDICATORS, number, cells)
            criterion = by_code.get(values["criterion"])
            if criterion is None:
                self._refuse(
                    INDICATORS,
                    number,
                    letter(INDICATORS, "criterion"),
                    _("Không có tiêu chí mã “%(code)s” ở trang “%(sheet)s”.")
                    % {"code": values["criterion"], "sheet": CRITERIA},
                )
                continue
            parent = None
            if values["parent"]:
                parent = seen.get(values["parent"])
                if parent is None or parent[1][:2] != criterion[1]:
                    self._refuse(
                        INDICATORS,
                        number,
                        letter(INDICATORS, "parent"),
                        _("Không có chỉ tiêu cha mã “%(code)s” cùng tiêu chí ở các dòng phía trên.")
                        % {"code": values["parent"]},
                    )
                    continue
            siblings = parent[0].setdefault("sub_indicators", []) if parent else criterion[0]["indicators"]
            loc = (*parent[1], "sub_indicators") if parent else (*criterion[1], "indicators")
            loc = (*loc, len(siblings))
            doc = self._indicator(values, cells, number, loc, thresholds.pop(values["code"], []))
            siblings.append(doc)
            if values["code"]:
                seen.setdefault(values["code"], (doc, loc))
        for code, orphans in thresholds.items():
            for number, _values in orphans:
                self._refuse(
                    THRESHOLDS,
                    number,
                    "A",
                    _("Không có chỉ tiêu mã “%(code)s” ở trang “%(sheet)s”.")
                    % {"code": code, "sheet": INDICATORS},
                )

    def _indicator(self, values: dict, cells: dict, number: int, loc: tuple, thresholds: list) -> dict:
        self._place_row(
            loc,
            INDICATORS,
            number,
            {
                "code": "code",
                "name": "name",
                "name_en": "name_en",
                "max_points": "max_points",
                "sub_indicators": "max_points",
                "method": "method",
                "params": "method",
                "step": "step",
                "params.per_violation": "per_violation",
                "params.linear": "floor_percent",
                "params.linear.floor_percent": "floor_percent",
                "params.linear.full_percent": "full_percent",
                "evidence": "evidence",
                "guidance.vi": "guidance_vi",
                "guidance.en": "guidance_en",
                "unit_types": "unit_types",
                "na_allowed": "na_allowed",
            },
        )
        method = values["method"]
        if method is None and cell_text(cells.get("method")):
            used = PARAM_COLUMNS | {"thresholds"}  # an unknown method, already named: nothing more to say
        else:
            used = METHOD_COLUMNS[method] if method else set()
        for key in PARAM_COLUMNS - used:
            if values[key] is not None:
                self._refuse(INDICATORS, number, letter(INDICATORS, key), _unused(method))
        if "thresholds" not in used:
            for threshold_row, _threshold in thresholds:
                self._refuse(THRESHOLDS, threshold_row, "A", _unused(method))
        params = {}
        if values["per_violation"] is not None and "per_violation" in used:
            params["per_violation"] = values["per_violation"]
        if "floor_percent" in used and (
            values["floor_percent"] is not None or values["full_percent"] is not None
        ):
            params["linear"] = _present(values, ("floor_percent", "full_percent"))
        if thresholds and "thresholds" in used:
            params["thresholds"] = [threshold for _row, threshold in thresholds]
            for j, (threshold_row, _threshold) in enumerate(thresholds):
                tloc = (*loc, "params", "thresholds", j)
                self.locator.place(tloc, THRESHOLDS, threshold_row, "A")
                self.locator.place((*tloc, "min_percent"), THRESHOLDS, threshold_row, "B")
                self.locator.place((*tloc, "points"), THRESHOLDS, threshold_row, "C")
        doc = _present(values, ("code", "name", "name_en", "max_points", "method", "evidence", "unit_types"))
        if values["step"] is not None and "step" in used:
            doc["step"] = values["step"]
        if method:
            doc["params"] = params
        doc["guidance"] = {"vi": values["guidance_vi"], "en": values["guidance_en"]}
        doc["na_allowed"] = values["na_allowed"]
        return doc

    def _gating(self, rows) -> list[dict]:
        rules = []
        for i, (number, cells) in enumerate(rows):
            values = self.record(GATING, number, cells)
            loc = ("gating_rules", i)
            self._place_row(
                loc, GATING, number, {"code": "code", "name": "name", "kind": "kind", "params": "kind"}
            )
            for key in GATING_COLUMNS.values():
                self.locator.place((*loc, "params", key), GATING, number, letter(GATING, key))
            used = GATING_COLUMNS.get(values["kind"])
            params = {}
            for key in GATING_COLUMNS.values():
                if values[key] in (None, ""):
                    continue
                if key == used:
                    params[key] = values[key]
                elif values["kind"]:
                    self._refuse(
                        GATING,
                        number,
                        letter(GATING, key),
                        _("Loại điều kiện này không dùng ô này; hãy để trống."),
                    )
            rules.append(_present(values, ("code", "name", "kind")) | {"params": params})
        return rules

    def _bonus(self, rows) -> list[dict]:
        rules = []
        for i, (number, cells) in enumerate(rows):
            values = self.record(BONUS, number, cells)
            self._place_row(
                ("bonus_rules", i),
                BONUS,
                number,
                {"code": "code", "name": "name", "description": "description", "cap": "cap"},
            )
            rules.append(_present(values, ("code", "name", "description", "cap")))
        return rules


def _present(values: dict, keys) -> dict:
    """The values that were given: an empty cell is a missing field (the rules say if it is needed)."""
    return {key: values[key] for key in keys if values[key] not in (None, "")}


def _unused(method: str | None) -> str:
    if method is None:
        return _("Chỉ tiêu không có cách chấm (chỉ tiêu cha) không dùng ô này; hãy để trống.")
    label = dict(METHOD_CHOICES)[method]
    return _("Cách chấm “%(method)s” không dùng ô này; hãy để trống.") % {"method": label}
