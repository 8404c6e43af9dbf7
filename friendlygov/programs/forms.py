"""The edit page's rows → bands and targets, with every problem named by its input.

The page posts rows named `bands-<row>-lowest|name|name_en` and `targets-<row>-year|kind|min_level|value`;
a row left empty is ignored (the page offers a few empty rows to add a level or a target). A band's
level is its place among the filled rows: levels are contiguous from 1 by construction.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from friendlygov.reports.targets import TargetRule

from .rules import COUNT, SHARE, Band, check_rules

BAND_FIELDS = ("lowest", "name", "name_en")
TARGET_FIELDS = ("year", "kind", "min_level", "value")
EMPTY_ROWS = 2


@dataclass
class ParsedRules:
    bands: list[Band] = field(default_factory=list)
    targets: list[tuple[int, TargetRule]] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # input name → message
    band_rows: list[dict] = field(default_factory=list)  # what was typed, to show again
    target_rows: list[dict] = field(default_factory=list)
    note: str = ""

    @property
    def valid(self) -> bool:
        return not self.errors


def rows_from(data, prefix: str, fields: tuple[str, ...]) -> list[dict]:
    count = int(data.get(f"{prefix}-rows") or 0)
    return [
        {"index": i, **{name: (data.get(f"{prefix}-{i}-{name}") or "").strip() for name in fields}}
        for i in range(min(count, 200))
    ]


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _integer(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def parse(data) -> ParsedRules:
    parsed = ParsedRules(
        band_rows=rows_from(data, "bands", BAND_FIELDS),
        target_rows=rows_from(data, "targets", TARGET_FIELDS),
        note=(data.get("note") or "").strip()[:300],
    )
    band_index, target_index = [], []
    for row in parsed.band_rows:
        if not any(row[name] for name in BAND_FIELDS):
            continue
        lowest = _decimal(row["lowest"])
        if lowest is None:
            parsed.errors[f"bands-{row['index']}-lowest"] = _(
                "Điểm tối thiểu “%(value)s” không phải là số."
            ) % {"value": row["lowest"]}
            continue
        band_index.append(row["index"])
        parsed.bands.append(Band(len(parsed.bands) + 1, lowest, row["name"], row["name_en"]))
    for row in parsed.target_rows:
        if not any(row[name] for name in ("year", "min_level", "value")):
            continue
        rule = _target(row, parsed.errors)
        if rule is not None:
            target_index.append(row["index"])
            parsed.targets.append(rule)
    for problem in check_rules(parsed.bands, parsed.targets):
        parsed.errors.setdefault(_input_of(problem.field, band_index, target_index), problem.message)
    return parsed


def _target(row: dict, errors: dict) -> tuple[int, TargetRule] | None:
    name = f"targets-{row['index']}"
    year, level = _integer(row["year"]), _integer(row["min_level"])
    if year is None:
        errors[f"{name}-year"] = _("Năm “%(value)s” không hợp lệ.") % {"value": row["year"]}
    if level is None:
        errors[f"{name}-min_level"] = _("Mức “%(value)s” không hợp lệ.") % {"value": row["min_level"]}
    if row["kind"] not in (SHARE, COUNT):
        errors[f"{name}-kind"] = _("Chọn loại chỉ tiêu: tỷ lệ hoặc số đơn vị.")
        return None
    value = _decimal(row["value"]) if row["kind"] == SHARE else _integer(row["value"])
    if value is None:
        errors[f"{name}-value"] = (
            _("Tỷ lệ “%(value)s” không phải là số.")
            if row["kind"] == SHARE
            else _("Số đơn vị “%(value)s” không phải là số nguyên.")
        ) % {"value": row["value"]}
    if year is None or level is None or value is None:
        return None
    if row["kind"] == SHARE:
        return year, TargetRule(kind=SHARE, min_level=level, percent=value)
    return year, TargetRule(kind=COUNT, min_level=level, count=value)


def _input_of(problem_field: str, band_index: list[int], target_index: list[int]) -> str:
    """`check_rules` names fields by the place among filled rows; the page by its row."""
    parts = problem_field.split("-")
    if len(parts) < 3:
        return problem_field
    prefix, place, name = parts[0], int(parts[1]), parts[2]
    rows = band_index if prefix == "bands" else target_index
    if prefix == "targets" and name in ("percent", "count"):
        name = "value"
    return f"{prefix}-{rows[place]}-{name}"


def rows_of(rules) -> tuple[list[dict], list[dict]]:
    """A version's bands and targets as the page's rows, with empty rows after them."""
    bands = [
        {"index": i, "lowest": f"{b.lowest.normalize():f}", "name": b.name, "name_en": b.name_en}
        for i, b in enumerate(rules.bands)
    ]
    targets = []
    for year, year_rules in sorted(rules.schedule.items()):
        for rule in year_rules:
            value = f"{rule.percent.normalize():f}" if rule.kind == SHARE else str(rule.count)
            targets.append(
                {
                    "index": len(targets),
                    "year": str(year),
                    "kind": rule.kind,
                    "min_level": str(rule.min_level),
                    "value": value,
                }
            )
    bands += [{"index": len(bands) + i, **dict.fromkeys(BAND_FIELDS, "")} for i in range(EMPTY_ROWS)]
    targets += [
        {"index": len(targets) + i, **dict.fromkeys(TARGET_FIELDS, ""), "kind": SHARE}
        for i in range(EMPTY_ROWS + 1)
    ]
    return bands, targets
