"""Spreadsheets in and out. Coming in: size and content checks, problems named by sheet, row and
column, and numbers read as people type them. Going out: every workbook is saved through
`workbook_bytes`, which never lets a person's text become a formula. Domain-free; the imports and
exports that use it live with their apps.

A file is checked by content (a real XLSX zip package without macros), capped in size before and
after unpacking, and only ever parsed as data (cached values, never formulas or macros run).
"""

import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import load_workbook

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
        raise ImportRefused([file_problem(uploaded.name, too_large())])
    return uploaded.read(), uploaded.name


def too_large() -> str:
    return _("Tệp quá lớn; tối đa %(limit)s MB.") % {"limit": MAX_BYTES // 1_048_576}


def file_problem(name, reason) -> Problem:
    return Problem(name or _("Tệp"), None, None, reason)


def open_workbook(data: bytes, name: str, *, read_only: bool = False):
    """A workbook read as plain values (cached results of formulas, no code run); `read_only`
    streams the cells (several times faster on a large sheet, but no random access to cells)."""
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
    if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
        raise ImportRefused([file_problem(name, too_large())])
    try:
        return load_workbook(io.BytesIO(data), data_only=True, read_only=read_only)
    except Exception as error:  # openpyxl raises many kinds on a damaged package
        raise unreadable(name, error) from None


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


# --- Writing ------------------------------------------------------------------------------------


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
