"""Build the project's own unit data (facts only) from the raw reference files.

Reads the files described in SHARED_DIR/data/admin-units/README.md and returns plain rows for
units.csv, events.csv and links.csv. Nothing here touches the database. The inference rules are
documented in friendlygov/units/data/README.md; change both together.
"""

import csv
import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from friendlygov.core.i18n import fold

HORIZON = date(2024, 1, 1)
REARRANGEMENT = date(2025, 1, 1)
TWO_TIER = date(2025, 7, 1)
PROVINCES = ("30", "31")
HAI_DUONG, HAI_PHONG = "30", "31"

RAW_TYPES = {
    "Tỉnh": "tinh",
    "Thành phố Trung ương": "thanh_pho_tw",
    "Huyện": "huyen",
    "Quận": "quan",
    "Thị xã": "thi_xa",
    "Thành phố": "thanh_pho",
    "Xã": "xa",
    "Phường": "phuong",
    "Thị trấn": "thi_tran",
    "Đặc khu": "dac_khu",
}
LEVELS = {"tinh": 1, "thanh_pho_tw": 1, "huyen": 2, "quan": 2, "thi_xa": 2, "thanh_pho": 2}
TYPE_PREFIXES = ("thi tran ", "xa ", "phuong ", "dac khu ", "huyen ", "quan ", "thi xa ", "thanh pho ")

BASIS_HD_2025 = (
    "Nghị quyết của Ủy ban Thường vụ Quốc hội về sắp xếp đơn vị hành chính cấp xã của tỉnh Hải Dương "
    "giai đoạn 2023–2025 (số hiệu: cần bổ sung)"
)
BASIS_HP_2025 = (
    "Nghị quyết số 1232/NQ-UBTVQH15 ngày 24/10/2024 của Ủy ban Thường vụ Quốc hội về sắp xếp đơn vị "
    "hành chính cấp huyện, cấp xã của thành phố Hải Phòng giai đoạn 2023–2025"
)
BASIS_PROVINCE_MERGER = (
    "Nghị quyết số 202/2025/QH15 ngày 12/6/2025 của Quốc hội về sắp xếp đơn vị hành chính cấp tỉnh"
)
BASIS_COMMUNES_2025 = (
    "Nghị quyết năm 2025 của Ủy ban Thường vụ Quốc hội về sắp xếp các đơn vị hành chính cấp xã của "
    "thành phố Hải Phòng (số hiệu: cần bổ sung); căn cứ Nghị quyết số 202/2025/QH15 và Nghị quyết số "
    "76/2025/UBTVQH15"
)


TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
OLD_STYLE_TONES = (
    re.compile(rf"([oO])([aAeE])([{TONE_MARKS}])(?!\w)"),
    re.compile(rf"(?<![qQ])([uU])([yY])([{TONE_MARKS}])(?!\w)"),
)


def canonical(text: str) -> str:
    """NFC with the modern tone placement (Hoà -> Hòa, Thuỵ -> Thụy), so spellings compare equal."""
    text = unicodedata.normalize("NFD", text)
    for pattern in OLD_STYLE_TONES:
        text = pattern.sub(r"\1\3\2", text)
    return unicodedata.normalize("NFC", text)


def type_from_name(name: str) -> str:
    for raw, slug in sorted(RAW_TYPES.items(), key=lambda item: -len(item[0])):
        if name.startswith(raw + " "):
            return slug
    raise ValueError(f"no type prefix in {name!r}")


def bare(name: str) -> str:
    folded = fold(name)
    for prefix in TYPE_PREFIXES:
        if folded.startswith(prefix):
            return folded[len(prefix) :]
    return folded


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    type: str
    province: str
    parent: str | None  # parent code in the same snapshot

    @property
    def level(self) -> int:
        return LEVELS.get(self.type, 3)


@dataclass
class Version:
    id: str
    unit: Unit
    parent_id: str | None
    valid_from: date
    valid_to: date | None = None


@dataclass
class Event:
    id: str
    kind: str
    effective_date: date
    legal_basis: str
    note: str
    links: list = field(default_factory=list)  # (predecessor_id, successor_id, share, inferred)


def read_dvhcvn(path: Path) -> dict[str, Unit]:
    units = {}
    for province in json.loads(path.read_text(encoding="utf-8"))["data"]:
        pcode = province["level1_id"]
        if pcode not in PROVINCES:
            continue
        units[pcode] = Unit(pcode, canonical(province["name"]), RAW_TYPES[province["type"]], pcode, None)
        for district in province["level2s"]:
            dcode = district["level2_id"]
            units[dcode] = Unit(dcode, canonical(district["name"]), RAW_TYPES[district["type"]], pcode, pcode)
            for commune in district["level3s"]:
                ccode = commune["level3_id"]
                units[ccode] = Unit(
                    ccode, canonical(commune["name"]), RAW_TYPES[commune["type"]], pcode, dcode
                )
    return units


class Builder:
    def __init__(self, source: Path):
        self.source = Path(source)
        self.versions: dict[str, Version] = {}
        self.current: dict[str, Version] = {}  # code -> open version
        self.events: dict[str, Event] = {}
        self.inference_log: list[str] = []

    # --- versions -------------------------------------------------------------------------
    def open_version(self, unit: Unit, start: date) -> Version:
        parent_id = self.current[unit.parent].id if unit.parent else None
        version = Version(f"{unit.code}@{start.isoformat()}", unit, parent_id, start)
        self.versions[version.id] = version
        self.current[unit.code] = version
        return version

    def close_version(self, code: str, start_of_next: date) -> Version:
        version = self.current.pop(code)
        version.valid_to = start_of_next - timedelta(days=1)
        return version

    def event(self, successor: Version, kind: str, basis: str, note: str) -> Event:
        event = Event(
            f"{successor.valid_from.isoformat()}/{successor.unit.code}",
            kind,
            successor.valid_from,
            basis,
            note,
        )
        self.events[event.id] = event
        return event

    # --- steps ----------------------------------------------------------------------------
    def build(self):
        first = read_dvhcvn(self.source / "dvhcvn_2024-05-01.json")
        second = read_dvhcvn(self.source / "dvhcvn_2025-01-01.json")
        for unit in sorted(first.values(), key=lambda u: (u.level, u.code)):
            self.open_version(unit, HORIZON)
        self.rearrange_2025(first, second)
        self.two_tier_2025(second)
        return self

    def rearrange_2025(self, before: dict[str, Unit], after: dict[str, Unit]):
        targets = self.infer_merge_targets(before, after)
        absorbed = defaultdict(list)
        for retired, target in targets.items():
            absorbed[target].append(retired)
        for unit in sorted(after.values(), key=lambda u: (u.level, u.code)):
            old = self.current.get(unit.code)
            if old is None:
                raise ValueError(f"{unit.code} {unit.name} is new on 2025-01-01; no rule for new codes")
            parent_changed = unit.parent and self.current[unit.parent].id != old.parent_id
            renamed = bare(unit.name) != bare(old.unit.name)
            retyped = unit.type != old.unit.type
            if not (renamed or retyped or parent_changed or absorbed[unit.code]):
                continue
            self.close_version(unit.code, REARRANGEMENT)
            new = self.open_version(unit, REARRANGEMENT)
            kind = (
                "merge"
                if absorbed[unit.code]
                else "rename"
                if renamed
                else "retype"
                if retyped
                else "reparent"
            )
            basis = BASIS_HD_2025 if unit.province == HAI_DUONG else BASIS_HP_2025
            changes = [
                c
                for c, flag in (
                    ("đổi tên", renamed),
                    ("chuyển đổi loại hình", retyped),
                    ("đổi đơn vị cấp trên", parent_changed),
                )
                if flag
            ]
            sources = [old.unit.name] + [before[r].name for r in sorted(absorbed[unit.code])]
            note = f"{', '.join(sources)} → {unit.name}" + (f" ({', '.join(changes)})" if changes else "")
            event = self.event(new, kind, basis, note)
            event.links.append((old.id, new.id, "whole", False))
            for retired in sorted(absorbed[unit.code]):
                event.links.append(
                    (self.versions[f"{retired}@{HORIZON.isoformat()}"].id, new.id, "whole", True)
                )
        for retired in targets:
            self.close_version(retired, REARRANGEMENT)

    def infer_merge_targets(self, before, after) -> dict[str, str]:
        """Which surviving unit absorbed each retired code (the diff does not say; see data/README.md)."""
        retired = [c for c in before if c not in after]
        survivors = [c for c in after if c in before and before[c].level == 3]
        changed = {
            c
            for c in survivors
            if (bare(after[c].name), after[c].type) != (bare(before[c].name), before[c].type)
        }
        targets = {}
        for code in sorted(retired):
            unit = before[code]
            if unit.level != 3:
                raise ValueError(f"district-level code {code} retired; no rule for it")
            same_district = [c for c in survivors if before[c].parent == unit.parent]
            words = set(bare(unit.name).split())

            def score(c, words=words, unit=unit):
                if bare(after[c].name) == bare(unit.name):
                    return 100, "name carried over"
                gained = set(bare(after[c].name).split()) - set(bare(before[c].name).split())
                if words & gained:
                    return len(words & gained), "shares a syllable with the new name"
                return 0, "nearest code in the district"

            ranked = sorted(
                same_district,
                key=lambda c, code=code: (-score(c)[0], c not in changed, abs(int(c) - int(code)), c),
            )
            target = ranked[0]
            targets[code] = target
            self.inference_log.append(
                f"{code} {unit.name} → {target} {after[target].name}: {score(target)[1]}"
            )
        return targets

    def two_tier_2025(self, last: dict[str, Unit]):
        new_city = Unit(HAI_PHONG, "Thành phố Hải Phòng", "thanh_pho_tw", HAI_PHONG, None)
        old_provinces = [self.close_version(code, TWO_TIER) for code in PROVINCES]
        old_units = {code: self.close_version(code, TWO_TIER) for code in sorted(self.current)}
        city = self.open_version(new_city, TWO_TIER)
        event = self.event(
            city,
            "merge",
            BASIS_PROVINCE_MERGER,
            "Tỉnh Hải Dương và thành phố Hải Phòng → thành phố Hải Phòng",
        )
        for old in old_provinces:
            event.links.append((old.id, city.id, "whole", False))
        for new_unit, predecessors in sorted(self.successors_2025(last).items(), key=lambda kv: kv[0].code):
            version = self.open_version(new_unit, TWO_TIER)
            olds = [old_units[code] for code, _share in predecessors]
            if len(olds) > 1:
                kind = "merge"
            elif bare(olds[0].unit.name) != bare(new_unit.name):
                kind = "rename"
            elif olds[0].unit.type != new_unit.type:
                kind = "retype"
            else:
                kind = "reparent"
            names = ", ".join(
                o.unit.name + (" (một phần)" if s == "part" else "")
                for o, (_c, s) in zip(olds, predecessors, strict=True)
            )
            event = self.event(version, kind, BASIS_COMMUNES_2025, f"{names} → {new_unit.name}")
            for old, (_code, share) in zip(olds, predecessors, strict=True):
                event.links.append((old.id, version.id, share, False))
        old_communes = {code for code, v in old_units.items() if v.unit.level == 3}
        missing = old_communes - {
            pid.split("@")[0]
            for e in self.events.values()
            if e.effective_date == TWO_TIER
            for pid, *_ in e.links
        }
        if missing:
            raise ValueError(f"communes without a successor on 2025-07-01: {sorted(missing)}")

    def successors_2025(self, last: dict[str, Unit]) -> dict[Unit, list[tuple[str, str]]]:
        hd_rows = list(
            csv.DictReader((self.source / "hai-duong_successors_2025-07-01.csv").open(encoding="utf-8-sig"))
        )
        legacy = list(
            csv.DictReader((self.source / "convert_legacy_2025_simple.csv").open(encoding="utf-8-sig"))
        )
        hd_new_codes = {row["new_code"] for row in hd_rows}
        result: dict[str, tuple[Unit, list[str]]] = {}
        for row in hd_rows:
            unit = Unit(
                row["new_code"],
                canonical(f"{row['new_type'].capitalize()} {row['new_name']}"),
                RAW_TYPES[row["new_type"].capitalize()],
                HAI_PHONG,
                HAI_PHONG,
            )
            result[unit.code] = (unit, self.match_hai_duong(row, last))
        for row in legacy:
            # Hải Phòng's own old units; the rows into Hải Dương-formed units are wrong (Hòa Bình
            # of Vĩnh Bảo confused with Hòa Bình of Kim Thành), the hand-checked file decides those.
            if (
                row["newProvinceCode"] != HAI_PHONG
                or row["provinceCode"] != "31"
                or row["newWardCode"] in hd_new_codes
            ):
                continue
            code = row["newWardCode"]
            # The name's prefix decides the type: newWardType disagrees with it once (Xã Vĩnh Hòa).
            name = canonical(row["newWard"])
            unit = Unit(code, name, type_from_name(name), HAI_PHONG, HAI_PHONG)
            # Huyện Bạch Long Vĩ has no commune level: the district itself became the special zone.
            old_code = f"{int(float(row['wardCode'])):05d}" if row["wardCode"] else row["districtCode"]
            if old_code not in last:
                raise ValueError(f"unknown old code {old_code} in convert_legacy")
            result.setdefault(code, (unit, []))[1].append(old_code)
        counts = defaultdict(int)
        for _unit, olds in result.values():
            for old in set(olds):
                counts[old] += 1
        return {
            unit: [(old, "part" if counts[old] > 1 else "whole") for old in sorted(set(olds))]
            for unit, olds in result.values()
        }

    def match_hai_duong(self, row, last: dict[str, Unit]) -> list[str]:
        districts = {code: u for code, u in last.items() if u.province == HAI_DUONG and u.level == 2}
        abbreviations = {"H.": "huyen", "TP": "thanh pho", "TX": "thi xa"}
        row_districts = set()
        for part in row["former_districts"].split(","):
            prefix, _sp, name = part.strip().partition(" ")
            row_districts.add(f"{abbreviations[prefix]} {fold(name)}")
        matched = []
        for name, qualifier in re.findall(
            r"\s*([^,(]+?)\s*(?:\(([^)]*)\))?\s*(?:,|$)", row["formed_from_units_as_of_2025-01-01"]
        ):
            if not name:
                continue
            candidates = [
                c
                for c, u in last.items()
                if u.province == HAI_DUONG and u.level == 3 and fold(u.name) == fold(name)
            ]
            exact = [c for c in candidates if last[c].name == canonical(name)]
            candidates = exact or candidates
            if len(candidates) > 1:
                wanted = fold(qualifier) if qualifier else None
                candidates = [
                    c
                    for c in candidates
                    if (
                        fold(districts[last[c].parent].name) == wanted
                        if wanted
                        else fold(districts[last[c].parent].name) in row_districts
                    )
                ]
            if len(candidates) != 1:
                raise ValueError(f"cannot match {name!r} ({qualifier}) for {row['new_name']}: {candidates}")
            matched.append(candidates[0])
        return matched

    # --- output ---------------------------------------------------------------------------
    def unit_rows(self):
        for v in sorted(self.versions.values(), key=lambda v: (v.unit.level, v.unit.code, v.valid_from)):
            yield {
                "id": v.id,
                "code": v.unit.code,
                "name": v.unit.name,
                "type": v.unit.type,
                "province_code": v.unit.province,
                "parent_id": v.parent_id or "",
                "valid_from": v.valid_from.isoformat(),
                "valid_to": v.valid_to.isoformat() if v.valid_to else "",
            }

    def event_rows(self):
        for e in sorted(self.events.values(), key=lambda e: e.id):
            yield {
                "id": e.id,
                "kind": e.kind,
                "effective_date": e.effective_date.isoformat(),
                "legal_basis": e.legal_basis,
                "note": e.note,
            }

    def link_rows(self):
        for e in sorted(self.events.values(), key=lambda e: e.id):
            for pred, succ, share, inferred in sorted(e.links):
                yield {
                    "event_id": e.id,
                    "predecessor_id": pred,
                    "successor_id": succ,
                    "share": share,
                    "inferred": "1" if inferred else "0",
                }
