"""The layout of a framework workbook, shared by its export and its import: the sheets, their
columns in order, and the words read in cells.

The workbook has one sheet per part of the document (general information, criteria, indicators,
the thresholds of ratio and survey indicators, conditions, bonus rules). Sheet names and the
order of columns are the format and do not change with the language; headers and the words in
cells (methods, unit types, Có/Không) are written in the reader's language and read in
Vietnamese or English.
"""

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext_lazy
from openpyxl.utils import get_column_letter

from friendlygov.core.i18n import fold
from friendlygov.core.spreadsheets import Bounds

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


def in_both_languages(text) -> set[str]:
    """`text` (a lazy translation) folded as it reads in Vietnamese and in English."""
    folded = set()
    for language in LANGUAGES:
        with translation.override(language):
            folded.add(fold(str(text)))
    return folded


def words(choices) -> dict[str, str]:
    """Folded label in either language, or the code itself → the code."""
    codes = {}
    for code, label in choices:
        codes[fold(code)] = code
        for word in in_both_languages(label):
            codes[word] = code
    return codes


YES_WORDS = {"co", "yes", "x", "1", "true"}
NO_WORDS = {"khong", "no", "0", "false"}
