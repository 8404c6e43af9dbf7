"""The dashboard map: districts coloured by the share of their units that meet the standard.

The shapes come from `data/district_map.json` (built by `manage.py build_district_map`); the page
draws them as an inline SVG. Each district carries its short name and percentage as text at the
centre of its largest ring, a key beside the map lists every district with its colour and numbers,
and a table gives the same numbers, so neither colour nor hover is ever the only signal.
"""

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.utils.translation import gettext_lazy as _

MAP_FILE = Path(__file__).with_name("data") / "district_map.json"
PADDING = 8

# (lowest share, fill, label): sequential, light to dark, readable in grey too.
BINS = (
    (Decimal(80), "#1b5e20", _("từ 80% trở lên")),
    (Decimal(60), "#43a047", _("60% đến dưới 80%")),
    (Decimal(40), "#9ccc65", _("40% đến dưới 60%")),
    (Decimal(20), "#fff176", _("20% đến dưới 40%")),
    (Decimal(0), "#ffb74d", _("dưới 20%")),
)
NO_DATA = "#e0e0e0"
NAME_PREFIXES = ("Thành phố ", "Thị xã ", "Huyện ", "Quận ")
POINT = re.compile(r"([ML])\s*(-?[\d.]+)[ ,](-?[\d.]+)")
DARK_FILLS = {"#1b5e20", "#43a047"}


@dataclass(frozen=True)
class Shape:
    code: str
    name: str
    path: str
    fill: str
    label_x: float
    label_y: float
    percent: Decimal | None
    text_fill: str
    text_stroke: str

    @property
    def short_name(self) -> str:
        """The name without its kind ("Huyện Kim Thành" → "Kim Thành"), to fit inside the shape."""
        return next((self.name[len(p) :] for p in NAME_PREFIXES if self.name.startswith(p)), self.name)


@dataclass(frozen=True)
class Map:
    view_box: str
    shapes: list[Shape]
    legend: list[tuple[str, str]]  # (fill, label)


@cache
def districts() -> dict[str, dict]:
    data = json.loads(MAP_FILE.read_text(encoding="utf-8"))
    return {d["code"]: d for d in data["districts"]}


def fill_for(percent: Decimal | None) -> str:
    if percent is None:
        return NO_DATA
    return next(fill for lowest, fill, _label in BINS if percent >= lowest)


def district_map(shares: dict[str, Decimal]) -> Map | None:
    """`shares`: {district code: percent meeting the standard}. The map shows the provinces of
    those districts, and nothing when none of them has a shape."""
    known = districts()
    provinces = {known[code]["province"] for code in shares if code in known}
    if not provinces:
        return None
    drawn = [d for d in known.values() if d["province"] in provinces and d["code"] in shares]
    x0 = min(d["box"][0] for d in drawn) - PADDING
    y0 = min(d["box"][1] for d in drawn) - PADDING
    x1 = max(d["box"][2] for d in drawn) + PADDING
    y1 = max(d["box"][3] for d in drawn) + PADDING
    shapes = []
    for d in drawn:
        percent = shares.get(d["code"])
        fill = fill_for(percent)
        label_x, label_y = label_point(d["path"], d["box"])
        shapes.append(
            Shape(
                code=d["code"],
                name=d["name"],
                path=d["path"],
                fill=fill,
                label_x=label_x,
                label_y=label_y,
                percent=percent,
                text_fill="#fff" if fill in DARK_FILLS else "#111",
                text_stroke="#111" if fill in DARK_FILLS else "#fff",
            )
        )
    legend = [(fill, str(label)) for _lowest, fill, label in BINS]
    return Map(f"{x0:.1f} {y0:.1f} {x1 - x0:.1f} {y1 - y0:.1f}", shapes, legend)


def label_point(path: str, box) -> tuple[float, float]:
    """The area centroid of the path's largest ring (inside the shape for the districts drawn,
    unlike the centre of the bounding box); the box's centre if the path has no area."""
    rings, ring = [], []
    for command, x, y in POINT.findall(path):
        if command == "M" and ring:
            rings.append(ring)
            ring = []
        ring.append((float(x), float(y)))
    if ring:
        rings.append(ring)
    best = max(rings, key=lambda r: abs(_area(r)), default=[])
    area = _area(best)
    if not area:
        return round((box[0] + box[2]) / 2, 1), round((box[1] + box[3]) / 2, 1)
    cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(best, best[1:] + best[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    return round(cx / (6 * area), 1), round(cy / (6 * area), 1)


def _area(ring) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True)) / 2
