"""Public JSON API over administrative units: units valid on a date, and lineage both ways."""

from datetime import date, datetime
from enum import IntEnum
from typing import Annotated

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema
from ninja.errors import HttpError

from friendlygov.units import selectors
from friendlygov.units.models import Level, LineageLink, UnitType, UnitVersion

from .pagination import Shown, paged
from .shapes import ErrorOut, announce_deprecation
from .sync import UpdatedSince

router = Router(tags=["units"])


class UnitOut(Schema):
    id: str = Field(description="Stable id of this version: <code>@<valid_from>")
    code: str = Field(description="Official (GSO) code; reused by successors, so not an identity")
    name: str
    type: UnitType
    type_label: str
    administrative_level: int = Field(description="1 province, 2 district, 3 commune")
    level: int = Field(
        description="Deprecated (sunset 2027-07-01): the administrative level, now "
        "`administrative_level`; elsewhere in the API `level` is a recognition level",
        json_schema_extra={"deprecated": True},
    )
    parent_code: str | None
    valid_from: date
    valid_to: date | None = Field(description="Last day valid (inclusive); null while still valid")
    updated_at: datetime = Field(description="When this version last changed here (a correction of the data)")

    @staticmethod
    def from_unit(unit: UnitVersion) -> "UnitOut":
        return UnitOut(
            id=unit.id,
            code=unit.code,
            name=unit.name,
            type=unit.type,
            type_label=str(unit.get_type_display()),
            administrative_level=unit.level,
            level=unit.level,
            parent_code=unit.parent.code if unit.parent_id else None,
            valid_from=unit.valid_from,
            valid_to=unit.valid_to,
            updated_at=unit.updated_at,
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


Day = Annotated[date | None, Query(description="The day (YYYY-MM-DD); default today, Vietnam time")]


class AdministrativeLevel(IntEnum):
    DISTRICT = Level.DISTRICT
    COMMUNE = Level.COMMUNE


ListedLevel = Annotated[
    AdministrativeLevel | None, Query(description="Administrative level: 2 district, 3 commune")
]
DeprecatedLevel = Annotated[
    AdministrativeLevel | None,
    Query(
        description="Deprecated (sunset 2027-07-01): the administrative level, now "
        "`administrative_level`; elsewhere in the API `level` is a recognition level",
        deprecated=True,
    ),
]
ProvinceCode = Annotated[
    str | None, Query(max_length=20, pattern=r"^[0-9A-Za-z]+$", description="Province code (GSO), e.g. 30")
]


def day_or_today(day: date | None) -> date:
    return day or timezone.localdate()


def entry(link: LineageLink, other: UnitVersion) -> LineageEntryOut:
    return LineageEntryOut(
        unit=UnitOut.from_unit(other),
        kind=link.event.kind,
        effective_date=link.event.effective_date,
        share=link.share,
        inferred=link.inferred,
        legal_basis=link.event.legal_basis,
    )


@router.get("", response={200: list[UnitOut]}, summary="Units valid on a date")
@paged
def list_units(
    request,
    response: HttpResponse,
    date: Day = None,
    province: ProvinceCode = None,
    administrative_level: ListedLevel = None,
    level: DeprecatedLevel = None,
    updated_since: UpdatedSince = None,
):
    """District- and commune-level units valid on `date` (default today), optionally of one province
    (code, e.g. 30) and one administrative level (2 district, 3 commune); `updated_since` keeps the
    versions changed at or after it."""
    if administrative_level is None:  # `level`, its deprecated name
        administrative_level = level
    units = selectors.units_on(day_or_today(date), province=province, level=administrative_level)
    if updated_since is not None:
        units = units.filter(updated_at__gte=updated_since)
    announce_deprecation(response)
    return Shown(units.exclude(level=Level.PROVINCE), UnitOut.from_unit)


@router.get(
    "/{code}/lineage",
    response={200: LineageOut, 404: ErrorOut},
    summary="What a unit came from and what it became",
    operation_id="getUnitLineage",
)
def unit_lineage(
    request, response: HttpResponse, code: Annotated[str, Path(max_length=20)], date: Day = None
):
    """Lineage of the unit holding `code` on `date` (default today): direct predecessors and successors."""
    day = day_or_today(date)
    unit = selectors.unit_on(code, day)
    if unit is None:
        message = _("Không có đơn vị nào mang mã %(code)s vào ngày %(day)s.")
        raise HttpError(404, message % {"code": code, "day": day.strftime("%d/%m/%Y")})
    announce_deprecation(response)
    return LineageOut(
        unit=UnitOut.from_unit(unit),
        predecessors=[entry(link, link.predecessor) for link in selectors.predecessors_of(unit)],
        successors=[entry(link, link.successor) for link in selectors.successors_of(unit)],
    )
