"""Load the shipped unit data files (data/*.csv) into the database: idempotent, atomic, in bulk.

Rows are matched by their stable ids; a row is written only when it differs, so a second run
changes nothing. Rows missing from the files are left alone and reported: other apps point at
unit versions, and history is never deleted by a reload.
"""

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from friendlygov.core.i18n import fold

from .models import LEVEL_OF_TYPE, LineageEvent, LineageLink, UnitVersion, fill_paths

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass
class LoadResult:
    created: dict
    updated: dict
    unchanged: dict
    not_in_files: dict

    def changed(self) -> bool:
        return any(self.created.values()) or any(self.updated.values())


def read_rows(name: str, data_dir: Path = DATA_DIR) -> list[dict]:
    with (data_dir / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def as_date(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def unit_from_row(row: dict) -> UnitVersion:
    return UnitVersion(
        id=row["id"],
        code=row["code"],
        name=row["name"],
        type=row["type"],
        level=LEVEL_OF_TYPE[row["type"]],
        province_code=row["province_code"],
        parent_id=row["parent_id"] or None,
        valid_from=as_date(row["valid_from"]),
        valid_to=as_date(row["valid_to"]),
        search_name=fold(row["name"]),
    )


def event_from_row(row: dict) -> LineageEvent:
    return LineageEvent(
        id=row["id"],
        kind=row["kind"],
        effective_date=as_date(row["effective_date"]),
        legal_basis=row["legal_basis"],
        note=row["note"],
    )


def sync(model, wanted: list, fields: list[str], key) -> tuple[int, int, int, int]:
    """Create missing rows, update differing ones; return (created, updated, unchanged, extra)."""
    existing = {key(obj): obj for obj in model.objects.all()}
    to_create, to_update = [], []
    for obj in wanted:
        current = existing.pop(key(obj), None)
        if current is None:
            to_create.append(obj)
        elif any(getattr(current, f) != getattr(obj, f) for f in fields):
            obj.pk = current.pk
            to_update.append(obj)
    model.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        stamped = [field.name for field in model._meta.concrete_fields if getattr(field, "auto_now", False)]
        now = timezone.now()
        for obj in to_update:  # bulk_update does not fill auto_now fields by itself
            for name in stamped:
                setattr(obj, name, now)
        model.objects.bulk_update(to_update, [*fields, *stamped], batch_size=500)
    return len(to_create), len(to_update), len(wanted) - len(to_create) - len(to_update), len(existing)


UNIT_FIELDS = [
    "code",
    "name",
    "type",
    "level",
    "province_code",
    "parent_id",
    "valid_from",
    "valid_to",
    "search_name",
    "path",
]
EVENT_FIELDS = ["kind", "effective_date", "legal_basis", "note"]
LINK_FIELDS = ["share", "inferred"]


@transaction.atomic
def load_units(data_dir: Path = DATA_DIR) -> LoadResult:
    units = [unit_from_row(r) for r in read_rows("units.csv", data_dir)]
    fill_paths(units)
    events = [event_from_row(r) for r in read_rows("events.csv", data_dir)]
    links = [
        LineageLink(
            event_id=r["event_id"],
            predecessor_id=r["predecessor_id"],
            successor_id=r["successor_id"],
            share=r["share"],
            inferred=r["inferred"] == "1",
        )
        for r in read_rows("links.csv", data_dir)
    ]
    results = {
        "units": sync(UnitVersion, units, UNIT_FIELDS, key=lambda u: u.id),
        "events": sync(LineageEvent, events, EVENT_FIELDS, key=lambda e: e.id),
        "links": sync(
            LineageLink,
            links,
            LINK_FIELDS,
            key=lambda link: (link.event_id, link.predecessor_id, link.successor_id),
        ),
    }
    return LoadResult(
        created={k: v[0] for k, v in results.items()},
        updated={k: v[1] for k, v in results.items()},
        unchanged={k: v[2] for k, v in results.items()},
        not_in_files={k: v[3] for k, v in results.items()},
    )
