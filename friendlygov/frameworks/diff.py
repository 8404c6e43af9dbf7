"""What changed between two versions of a framework, in words, read before a draft is published.

Pure: it compares two framework documents (`selectors.version_document`), matching criteria,
indicators, conditions and bonus rules by their code, and describes every value as the framework
page does ("Tỷ lệ: ≥ 95% → 4 điểm"), so a changed maximum or threshold reads as people know it.
"""

from dataclasses import dataclass, field
from types import SimpleNamespace

from django.utils.translation import gettext as _

from . import describe
from .labels import GATING_KIND_CHOICES, UNIT_TYPE_CHOICES

ADDED, REMOVED, CHANGED = "added", "removed", "changed"


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class ItemChange:
    kind: str  # ADDED, REMOVED or CHANGED
    code: str
    name: str
    fields: list[FieldChange] = field(default_factory=list)  # added or removed: its main facts


@dataclass
class Section:
    title: str
    items: list[ItemChange]


@dataclass
class FrameworkDiff:
    base: object  # the version compared with
    sections: list[Section]

    @property
    def is_empty(self) -> bool:
        return not any(section.items for section in self.sections)

    def count(self, kind: str) -> int:
        return sum(1 for section in self.sections for item in section.items if item.kind == kind)

    @property
    def added(self) -> int:
        return self.count(ADDED)

    @property
    def removed(self) -> int:
        return self.count(REMOVED)

    @property
    def changed(self) -> int:
        return self.count(CHANGED)


def compare(old: dict, new: dict, *, base=None) -> FrameworkDiff:
    """The changes from document `old` to document `new`."""
    return FrameworkDiff(
        base=base,
        sections=[
            Section(_("Thông tin chung"), _general(old, new)),
            Section(_("Tiêu chí"), _items(_criteria(old), _criteria(new), _criterion_facts)),
            Section(_("Chỉ tiêu"), _items(_indicators(old), _indicators(new), _indicator_facts)),
            Section(
                _("Điều kiện bắt buộc"),
                _items(_by_code(old["gating_rules"]), _by_code(new["gating_rules"]), _gating_facts),
            ),
            Section(
                _("Điểm thưởng"),
                _items(_by_code(old["bonus_rules"]), _by_code(new["bonus_rules"]), _bonus_facts),
            ),
        ],
    )


def _general(old: dict, new: dict) -> list[ItemChange]:
    fields = _changed(_general_facts(old), _general_facts(new))
    return [ItemChange(CHANGED, "", _("Bộ tiêu chí"), fields)] if fields else []


def _items(old: dict, new: dict, facts) -> list[ItemChange]:
    changes = []
    for code, item in new.items():
        if code not in old:
            changes.append(ItemChange(ADDED, code, item["name"], _main(facts(item), new=True)))
        else:
            fields = _changed(facts(old[code]), facts(item))
            if fields:
                changes.append(ItemChange(CHANGED, code, item["name"], fields))
    for code, item in old.items():
        if code not in new:
            changes.append(ItemChange(REMOVED, code, item["name"], _main(facts(item), new=False)))
    return changes


def _main(facts, *, new: bool) -> list[FieldChange]:
    """The facts that identify an added or removed item (points, method, where it belongs)."""
    return [
        FieldChange(label, "" if new else value, value if new else "")
        for label, value in facts
        if value and label in _main_labels()
    ]


def _main_labels() -> set[str]:
    return {
        _("Điểm tối đa"),
        _("Cách chấm"),
        _("Quy đổi điểm"),
        _("Thuộc tiêu chí"),
        _("Thuộc chỉ tiêu"),
        _("Nội dung"),
        _("Điểm thưởng tối đa"),
    }


def _changed(old_facts, new_facts) -> list[FieldChange]:
    old = dict(old_facts)
    new = dict(new_facts)
    return [
        FieldChange(label, old.get(label, ""), value)
        for label, value in new.items()
        if old.get(label, "") != value
    ]


# --- Documents flattened by code ----------------------------------------------------------------


def _by_code(items) -> dict[str, dict]:
    return {item["code"]: item for item in items}


def _criteria(document) -> dict[str, dict]:
    return _by_code(document["criteria"])


def _indicators(document) -> dict[str, dict]:
    flat = {}

    def walk(indicators, criterion, parent):
        for indicator in indicators:
            flat[indicator["code"]] = {**indicator, "criterion": criterion, "parent": parent}
            walk(indicator.get("sub_indicators", []), criterion, indicator["code"])

    for criterion in document["criteria"]:
        walk(criterion["indicators"], criterion["code"], None)
    return flat


# --- Facts, as the framework page words them ----------------------------------------------------


def _yes_no(value: bool) -> str:
    return _("Có") if value else _("Không")


def _general_facts(document) -> list[tuple[str, str]]:
    return [
        (_("Tên"), document["name"]),
        (_("Chương trình"), document["program"]),
        (_("Năm áp dụng"), str(document["year"])),
        (_("Bộ mẫu, chưa chính thức"), _yes_no(document["template"]["is_template"])),
        (_("Ghi chú bộ mẫu"), document["template"]["note"]),
    ]


def _criterion_facts(criterion) -> list[tuple[str, str]]:
    return [
        (_("Tên"), criterion["name"]),
        (_("Tên tiếng Anh"), criterion.get("name_en", "")),
        (_("Điểm tối đa"), describe.num(criterion["max_points"])),
    ]


def _indicator_facts(indicator) -> list[tuple[str, str]]:
    unit_types = dict(UNIT_TYPE_CHOICES)
    facts = [
        (_("Tên"), indicator["name"]),
        (_("Tên tiếng Anh"), indicator.get("name_en", "")),
        (_("Thuộc tiêu chí"), indicator["criterion"]),
        (_("Thuộc chỉ tiêu"), indicator["parent"] or ""),
        (_("Điểm tối đa"), describe.num(indicator["max_points"])),
    ]
    if indicator.get("method"):
        rule = SimpleNamespace(
            method=indicator["method"],
            params=indicator.get("params", {}),
            max_points=indicator["max_points"],
            step=indicator.get("step"),
        )
        facts += [
            (_("Cách chấm"), describe.method_label(rule.method)),
            (_("Quy đổi điểm"), "; ".join(describe.method_lines(rule))),
        ]
    else:
        facts.append((_("Cách chấm"), _("Tổng điểm các chỉ tiêu con")))
    return [
        *facts,
        (_("Tài liệu kiểm chứng"), indicator["evidence"]),
        (_("Hướng dẫn"), indicator["guidance"]["vi"]),
        (_("Hướng dẫn (tiếng Anh)"), indicator["guidance"]["en"]),
        (_("Áp dụng cho"), ", ".join(str(unit_types[t]) for t in indicator["unit_types"])),
        (_("Cho phép không áp dụng"), _yes_no(indicator["na_allowed"])),
    ]


def _gating_facts(rule) -> list[tuple[str, str]]:
    kinds = dict(GATING_KIND_CHOICES)
    as_rule = SimpleNamespace(kind=rule["kind"], params=rule["params"])
    return [
        (_("Tên"), rule["name"]),
        (_("Loại"), str(kinds[rule["kind"]])),
        (_("Nội dung"), describe.gating_line(as_rule)),
        *([(_("Mã sự việc"), rule["params"]["flag"])] if "flag" in rule["params"] else []),
    ]


def _bonus_facts(rule) -> list[tuple[str, str]]:
    return [
        (_("Tên"), rule["name"]),
        (_("Mô tả"), rule["description"]),
        (_("Điểm thưởng tối đa"), describe.num(rule["cap"])),
    ]
