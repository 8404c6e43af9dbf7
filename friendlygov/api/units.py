"""Public JSON API over administrative units: units valid on a date, and lineage both ways."""

from datetime import date

from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from friendlygov.units import selectors
from friendlygov.units.models import Level, LineageLink, UnitType, UnitVersion

from .pagination import Shown, paged
from .shapes import ErrorOut

router = Router(tags=["units"])


class UnitOut(Schema):
    id: str = Field(description="Stable id of this version: <code>@<valid_from>")
    code: str = Field(description="Official (GSO) code; reused by successors, so not an identity")
    name: str
    type: UnitType
    type_label: str
    level: int = Field(description="1 province, 2 district, 3 commune")
    parent_code: str | None
    valid_from: date
    valid_to: date | None = Field(description="Last day valid (inclusive); null while still valid")

    @staticmethod
    def from_unit(unit: UnitVersion) -> "UnitOut":
        return UnitOut(
            id=unit.id,
            code=unit.code,
            name=unit.name,
            type=unit.type,
            type_label=str(unit.get_type_display()),
            level=unit.level,
            parent_code=unit.parent.code if unit.parent_id else None,
            valid_from=unit.valid_from,
            valid_to=unit.valid_to,
        )


class LineageEntryOut(Schema):
    unit: UnitOut
    kind: str
    effective_date: date
    share: str = Field(description="whole, part or land_only")
    inferred: bool = Field(description="True when the link was inferred, not read from an official list")
    legal_basis: str


class LineageOut(Schema):
    unit: UnitOut
    predecessors: list[LineageEntryOut]
    successors: list[LineageEntryOut]


def parse_day(text: str | None) -> date:
    if not text:
        return timezone.localdate()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise HttpError(400, f"Invalid date {text!r}: use YYYY-MM-DD.") from None


def entry(link: LineageLink, other: UnitVersion) -> LineageEntryOut:
    return LineageEntryOut(
        unit=UnitOut.from_unit(other),
        kind=link.event.kind,
        effective_date=link.event.effective_date,
        share=link.share,
        inferred=link.inferred,
        legal_basis=link.event.legal_basis,
    )


@router.get("", response={200: list[UnitOut], 400: ErrorOut}, summary="Units valid on a date")
@paged
def list_units(request, date: str | None = None, province: str | None = None, level: int | None = None):
    """District- and commune-level units valid on `date` (default today), optionally of one province
    (code, e.g. 30) and one level (2 district, 3 commune)."""
    day = parse_day(date)
    if level is not None and level not in (Level.DISTRICT, Level.COMMUNE):
        raise HttpError(400, "level must be 2 (district) or 3 (commune).")
    units = selectors.units_on(day, province=province, level=level).exclude(level=Level.PROVINCE)
    return Shown(units, UnitOut.from_unit)


@router.get(
    "/{code}/lineage",
    response={200: LineageOut, 400: ErrorOut, 404: ErrorOut},
    summary="What a unit came from and what it became",
)
def unit_lineage(request, code: str, date: str | None = None):
    """Lineage of the unit holding `code` on `date` (default today): direct predecessors and successors."""
    day = parse_day(date)
    unit = selectors.unit_on(code, day)
    if unit is None:
        raise HttpError(404, f"No unit with code {code} was valid on {day.isoformat()}.")
    return LineageOut(
        unit=UnitOut.from_unit(unit),
        predecessors=[entry(link, link.predecessor) for link in selectors.predecessors_of(unit)],
        successors=[entry(link, link.successor) for link in selectors.successors_of(unit)],
    )
