"""Simplify district boundary files into the small SVG path data the dashboard map draws.

    python manage.py build_district_map ../shared/data/admin-units/gis_districts_30_hai-duong.json \
        ../shared/data/admin-units/gis_districts_31_hai-phong.json

The inputs (GeoJSON-like: level2s with level2_id, name, MultiPolygon coordinates) stay outside the
repository; the output, `reports/data/district_map.json`, holds facts only: province, district code,
name, bounding box and one simplified SVG path per district, in one shared planar frame (x east,
y south, 100 units per degree of longitude at the frame's latitude), so that any set of districts
can be drawn together by taking the union of their boxes as the viewBox.
"""

import json
import math
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

OUTPUT = Path(__file__).resolve().parents[2] / "data" / "district_map.json"
ORIGIN_LON, ORIGIN_LAT = 105.5, 21.5
SCALE = 1000  # units per degree of longitude
COS = math.cos(math.radians(21.0))
TOLERANCE = 0.6  # units (about 60 m): invisible at dashboard size
MIN_RING_AREA = 4.0  # square units: drops specks and slivers of islands


def project(lon, lat):
    return ((lon - ORIGIN_LON) * SCALE, (ORIGIN_LAT - lat) * SCALE / COS)


def simplify(points, tolerance):
    """Douglas–Peucker, iterative (rings have thousands of points)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = math.hypot(dx, dy) or 1e-12
        worst, index = -1.0, None
        for i in range(first + 1, last):
            x, y = points[i]
            distance = abs(dy * x - dx * y + x2 * y1 - y2 * x1) / norm
            if distance > worst:
                worst, index = distance, i
        if index is not None and worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def area(ring):
    return (
        abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True))) / 2
    )


def district_path(coordinates) -> tuple[str, list[float]]:
    parts, xs, ys = [], [], []
    for polygon in coordinates:
        for ring in polygon:
            projected = [project(lon, lat) for lon, lat in ring]
            # Split the closed ring in two halves so that the endpoints of each are kept.
            middle = len(projected) // 2
            simple = simplify(projected[: middle + 1], TOLERANCE)[:-1] + simplify(
                projected[middle:], TOLERANCE
            )
            if len(simple) < 4 or area(simple) < MIN_RING_AREA:
                continue
            xs += [x for x, _ in simple]
            ys += [y for _, y in simple]
            head, *rest = simple
            parts.append(
                f"M{head[0]:.1f} {head[1]:.1f}" + "".join(f"L{x:.1f} {y:.1f}" for x, y in rest) + "Z"
            )
    if not parts:
        raise CommandError("A district has no ring left after simplification.")
    return "".join(parts), [round(min(xs), 1), round(min(ys), 1), round(max(xs), 1), round(max(ys), 1)]


class Command(BaseCommand):
    help = "Simplify district polygons (gis_districts_*.json) into reports/data/district_map.json."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--output", type=Path, default=OUTPUT)

    def handle(self, *args, files, output, **options):
        districts = []
        for file in files:
            try:
                document = json.loads(file.read_text(encoding="utf-8"))
                province = str(document["level1_id"])
                for item in document["level2s"]:
                    path, box = district_path(item["coordinates"])
                    districts.append(
                        {
                            "province": province,
                            "code": str(item["level2_id"]),
                            "name": item["name"],
                            "box": box,
                            "path": path,
                        }
                    )
            except (OSError, KeyError, ValueError, TypeError) as exc:
                raise CommandError(f"{file}: {exc}") from exc
        data = {
            "source": "gis.chinhphu.vn boundaries (2019) via daohoangson/dvhcvn data/gis, simplified",
            "frame": {"origin": [ORIGIN_LON, ORIGIN_LAT], "scale": SCALE, "tolerance": TOLERANCE},
            "districts": sorted(districts, key=lambda d: d["code"]),
        }
        # One district per line: a rebuild shows as a readable diff.
        head = json.dumps({k: v for k, v in data.items() if k != "districts"}, ensure_ascii=False)[:-1]
        lines = ",\n".join(json.dumps(d, ensure_ascii=False) for d in data["districts"])
        output.write_text(f'{head}, "districts": [\n{lines}\n]}}\n', encoding="utf-8")
        self.stdout.write(f"{len(districts)} districts → {output} ({output.stat().st_size // 1024} KiB)")
