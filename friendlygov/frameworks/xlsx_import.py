"""A framework workbook read back (`xlsx_layout`), as a checked framework document.

Reading turns the sheets into the same plain data the YAML loader reads and checks it with
`documents.check_document`, so both formats keep one set of rules; a `SheetLocator` names every
problem by sheet, row and column. A file with any problem imports nothing
(`spreadsheets.ImportRefused`).
"""

from collections.abc import Callable
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from friendlygov.core.i18n import fold
from friendlygov.core.numbers import NumberRefused
from friendlygov.core.spreadsheets import (
    ImportRefused,
    Problem,
    bounded_rows,
    cell_text,
    decimal_from_cell,
    file_problem,
    open_workbook,
    unreadable,
)

from .documents import FrameworkDocument, check_document
from .labels import GATING_KIND_CHOICES, METHOD_CHOICES, UNIT_TYPE_CHOICES, UNIT_TYPES
from .xlsx_layout import (
    BONUS,
    BOUNDS,
    CRITERIA,
    GATING,
    GATING_COLUMNS,
    INDICATORS,
    INFO,
    INFO_ROWS,
    INFO_TABLE,
    METHOD_COLUMNS,
    NO_WORDS,
    PARAM_COLUMNS,
    PERCENT,
    POINTS,
    SHEET_ORDER,
    SHEETS,
    THRESHOLDS,
    YES_WORDS,
    Column,
    in_both_languages,
    letter,
    words,
)


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
        if fold(cell_text(header[index])) not in in_both_languages(column.header):
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
        self.methods = words(METHOD_CHOICES)
        self.kinds = words(GATING_KIND_CHOICES)
        self.unit_types = words(UNIT_TYPE_CHOICES)

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
            found = next((by_label[w] for w in in_both_languages(column.header) if w in by_label), None)
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
