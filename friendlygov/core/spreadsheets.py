"""Spreadsheets in and out. Coming in: size and content checks, problems named by sheet, row and
column, and numbers read as people type them. Going out: every workbook is saved through
`workbook_bytes`, which never lets a person's text become a formula. Domain-free; the imports and
exports that use it live with their apps.

A file is checked by content (a real XLSX zip package without macros), capped in size before and
after unpacking, and only ever parsed as data (cached values, never formulas or macros run).
"""

import io
import time
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.styles import Alignment, Border, Side
from openpyxl.worksheet.worksheet import Worksheet

from friendlygov.core import counters
from friendlygov.core.numbers import parse_decimal

MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
TWO_PLACES = Decimal("0.01")  # points are kept to the cent


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


# A page lists this many problems and counts the rest: a broken file of thousands of rows must not
# make a page of megabytes.
PROBLEMS_SHOWN = 100


class ImportRefused(Exception):
    """The file was not imported; `problems` lists the reasons cell by cell (the first
    PROBLEMS_SHOWN), `more` counts the others."""

    def __init__(self, problems):
        problems = list(problems)
        self.problems = problems[:PROBLEMS_SHOWN]
        self.more = len(problems) - len(self.problems)
        self.total = len(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass
class ImportSummary:
    saved: int = 0
    unchanged: int = 0
    units: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # sheets read-only for this person, left as they were


# --- Reading files ------------------------------------------------------------------------------


# Uploads one person may have read in an hour: a commune sends its template a few times, an
# administrator a few yearly sheets; more is a script hammering the server.
IMPORTS_PER_HOUR = 30


def read_upload(uploaded, *, person) -> tuple[bytes, str]:
    """The bytes of an uploaded file and its name, refusing what is too large, and refusing
    `person` past IMPORTS_PER_HOUR files in the hour (counted in the cache: shared by every server
    process, friendlygov.core.counters)."""
    count = counters.count(f"spreadsheets:imports:{person.pk}:{int(time.time() // 3600)}", 3600)
    if count > IMPORTS_PER_HOUR:
        reason = _("Đã tải lên %(max)s tệp trong giờ này; hãy thử lại sau.") % {"max": IMPORTS_PER_HOUR}
        raise ImportRefused([file_problem(uploaded.name, reason)])
    if uploaded.size > MAX_BYTES:
        raise ImportRefused([file_problem(uploaded.name, too_large())])
    return uploaded.read(), uploaded.name


def too_large() -> str:
    return _("Tệp quá lớn; tối đa %(limit)s MB.") % {"limit": MAX_BYTES // 1_048_576}


def file_problem(name, reason) -> Problem:
    return Problem(name or _("Tệp"), None, None, reason)


@dataclass(frozen=True)
class Bounds:
    """What a legitimate file of one kind can hold. Beyond it a file is refused before it is read
    (sheets, unpacked size) or as soon as the reader passes it (rows): a 0.2 MB upload of 450,000
    rows once held a server process for a minute and 900 MB of memory."""

    sheets: int
    rows: int  # per sheet, header included
    unpacked_bytes: int


def open_workbook(data: bytes, name: str, *, bounds: Bounds, read_only: bool = True):
    """A workbook read as plain values (cached results of formulas, no code run), streamed
    (`read_only`: no random access to cells, a small memory whatever the sheet's size), within
    `bounds`. Close it when done (`book.close()`)."""
    if len(data) > MAX_BYTES:
        raise ImportRefused([file_problem(name, too_large())])
    if not data.startswith(b"PK\x03\x04"):
        raise ImportRefused(
            [file_problem(name, _("Tệp không phải là tệp Excel .xlsx (kiểm tra theo nội dung)."))]
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            infos = package.infolist()
    except zipfile.BadZipFile:
        infos = None
    names = {info.filename for info in infos or ()}
    if infos is None or "xl/workbook.xml" not in names:
        raise ImportRefused([file_problem(name, _("Tệp không phải là tệp Excel .xlsx hợp lệ."))])
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise ImportRefused([file_problem(name, _("Tệp có chứa macro; hãy lưu lại dưới dạng .xlsx thường."))])
    if sum(info.file_size for info in infos) > min(bounds.unpacked_bytes, MAX_UNPACKED_BYTES):
        raise ImportRefused([file_problem(name, _("Tệp chứa nhiều dữ liệu hơn một tệp đúng mẫu có thể có."))])
    sheets = [n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")]
    if len(sheets) > bounds.sheets:
        raise ImportRefused(
            [
                file_problem(
                    name,
                    _("Tệp có %(count)s trang tính; tối đa %(max)s.")
                    % {"count": len(sheets), "max": bounds.sheets},
                )
            ]
        )
    try:
        return load_workbook(io.BytesIO(data), data_only=True, read_only=read_only)
    except Exception as error:  # openpyxl raises many kinds on a damaged package
        raise unreadable(name, error) from None


def bounded_rows(
    sheet, bounds: Bounds, problems: list, *, min_row: int = 1, max_col: int | None = None, cells=False
):
    """(row number, values) of `sheet` from `min_row`, stopping at `bounds.rows`: one row more is
    read only to say the sheet is too long. With `cells`, the cells (value and number format)."""
    rows = sheet.iter_rows(min_row=min_row, max_row=bounds.rows + 1, max_col=max_col, values_only=not cells)
    for number, values in enumerate(rows, start=min_row):
        if number > bounds.rows:
            problems.append(
                Problem(
                    sheet.title,
                    number,
                    None,
                    _("Trang có quá nhiều dòng (tối đa %(max)s); không đọc tiếp.") % {"max": bounds.rows},
                )
            )
            return
        yield number, values


def unreadable(name, error) -> ImportRefused:
    return ImportRefused([file_problem(name, _("Không đọc được tệp Excel: %(error)s") % {"error": error})])


def cell_text(value) -> str:
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
    return parse_decimal(str(value))  # text: as a person typed it in a form (core.numbers)


# --- Writing ------------------------------------------------------------------------------------

_THIN = Side(style="thin", color="808080")
GRID = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def print_setup(sheet, title_rows, heading=""):
    """Landscape A4, one page wide, the header rows repeated on every printed page, `heading` (the
    unit, the cycle) at the top of every page and "Trang x/y" at the bottom."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4  # a write-only sheet has no such constant
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = title_rows
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    print_heading(sheet, heading)
    sheet.oddFooter.center.text = _("Trang &P/&N")
    sheet.oddFooter.center.size = 9


def print_heading(sheet, heading: str):
    if heading:
        sheet.oddHeader.center.text = heading.replace("&", "&&")  # "&" starts a code in a header
        sheet.oddHeader.center.size = 10


def grid(sheet, first_row=1, last_column=None):
    """Borders on every cell of the table: a printout without them runs "1 | 10660" into "110660"."""
    last_column = last_column or sheet.max_column
    for row in sheet.iter_rows(min_row=first_row, max_row=sheet.max_row, max_col=last_column):
        for cell in row:
            cell.border = GRID


def fit_widths(sheet, *, header_row=1, minimum=6, maximum=45):
    """Each column as wide as its longest value (a header wraps at its longest word), within bounds."""
    widths = {}
    for row in sheet.iter_rows(min_row=header_row):
        for cell in row:
            text = "" if cell.value is None else str(cell.value)
            if cell.row == header_row:
                text = max(text.split() or [""], key=len)
                cell.alignment = Alignment(wrap_text=True, vertical="center")
            widths[cell.column_letter] = max(widths.get(cell.column_letter, 0), len(text) + 2)
    for letter, width in widths.items():
        sheet.column_dimensions[letter].width = min(max(width, minimum), maximum)


def workbook_bytes(book) -> bytes:
    """The saved workbook, with every cell that openpyxl took for a formula written as text.

    openpyxl turns any string starting with "=" into a live formula, so an explanation such as
    `=HYPERLINK("http://…")` would run in the reader's Excel. The product writes no formulas of its
    own, so every formula cell here came from someone's text: it is kept, character for character,
    as a string cell (Excel shows it and never evaluates it; re-imported, it reads back the same)."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def progress_reporter(progress, total: int, *, every: int):
    """`report(done)` for a job's progress while a file is written: tells `progress(done, total)`
    at the start, every `every` rows and at the end (one UPDATE each), nothing when `progress` is
    None (a direct download)."""

    def report(done):
        if progress is not None and (done == total or done % every == 0):
            progress(done, total)

    if progress is not None:
        progress(0, total)
    return report
