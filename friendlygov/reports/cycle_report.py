"""One cycle's results for the printed cycle report: every unit in the reader's scope, its decided
or approved points and level, the counts by level and the targets."""

import re
from dataclasses import dataclass
from decimal import Decimal

from friendlygov.assessments import permissions
from friendlygov.assessments.models import Assessment
from friendlygov.assessments.workflow import (
    APPRAISED,
    FINAL,
    Status,
    decided_level,
    shown_layer,
)
from friendlygov.core import decree30
from friendlygov.frameworks.scoring import ZERO
from friendlygov.programs.selectors import rules_for
from friendlygov.units.models import Level, UnitVersion


@dataclass(frozen=True)
class CycleRow:
    unit: object
    body_name: str
    status: str
    status_label: str
    score: Decimal | None
    level: int | None
    decided: bool
    district: str = ""  # the former district (cấp huyện) the unit belonged to, if any
    reasons: tuple[str, ...] = ()  # why a decided unit was not recognised


@dataclass(frozen=True)
class Issuer:
    """Who reports (Decree 30 frame) and how the report is signed."""

    frame: decree30.Frame
    signing_mode: str
    signer_title: str
    symbol: str  # the report's ký hiệu: "BC-UBND", "BC-SNV"


@dataclass(frozen=True)
class CycleOverview:
    year: int
    name: str
    rows: tuple[CycleRow, ...]
    by_level: dict
    undecided: int
    targets: tuple
    cycle_total: int  # every assessment of the cycle, whatever the user's scope
    program: str = ""
    issuer: Issuer | None = None

    @property
    def units_total(self) -> int:
        return len(self.rows)

    @property
    def whole_cycle(self) -> bool:
        return self.units_total == self.cycle_total


def cycle_overview(user, year: int) -> CycleOverview | None:
    """The assessments of one cycle the user may see: levels (decided units only; the others
    count as not qualified, as the targets do), the targets and the table. Three queries."""
    visible = list(
        permissions.visible(user)
        .filter(cycle__year=year)
        .select_related("cycle", "unit__parent", "body__unit__parent")
        .order_by("unit__search_name", "unit__code")
    )
    if not visible:
        return None
    rows = []
    for item in visible:
        level = decided_level(item.status, item.final_level)
        # The report lists decided and approved points; the commune's own claim is not reported.
        score = {FINAL: item.final_score, APPRAISED: item.appraised_score}.get(shown_layer(item.status))
        rows.append(
            CycleRow(
                unit=item.unit,
                body_name=item.body.name,
                status=item.status,
                status_label=Status(item.status).label,
                score=score,
                level=level,
                decided=level is not None,
                district=item.unit.parent.name if _is_district(item.unit.parent) else "",
                reasons=tuple(item.final_reasons or ()) if level == 0 else (),
            )
        )
    rows.sort(
        key=lambda r: (-(r.level if r.level is not None else -1), -(r.score or ZERO), r.unit.search_name)
    )
    rules = rules_for(visible[0].cycle)
    by_level = dict.fromkeys(rules.levels, 0)
    for row in rows:
        if row.decided:
            by_level[row.level] += 1
    undecided = sum(1 for row in rows if not row.decided)
    targets = tuple(rules.attainment(year, by_level, units_total=len(rows)))
    return CycleOverview(
        year=year,
        name=visible[0].cycle.name,
        rows=tuple(rows),
        by_level=by_level,
        undecided=undecided,
        targets=targets,
        cycle_total=Assessment.objects.filter(cycle__year=year).count(),
        program=visible[0].cycle.program,
        issuer=reporting_issuer({item.body_id: item.body for item in visible}.values()),
    )


def _is_district(unit) -> bool:
    return unit is not None and unit.level == Level.DISTRICT


def reporting_issuer(bodies) -> Issuer:
    """The body that reports a cycle upward: the one appraising body of the reader's scope, or,
    over several (the districts of 2024), the People's Committee of the province above them."""
    bodies = list(bodies)
    if len(bodies) == 1:
        body = bodies[0]
        symbol = body.decision_symbol
        return Issuer(
            frame=body.frame(),
            signing_mode=body.signing_mode,
            signer_title=body.deputy_title if body.signing_mode in decree30.NEEDS_SIGNER_TITLE else "",
            symbol="BC-" + symbol.split("-", 1)[1] if "-" in symbol else "BC",
        )
    body = bodies[0]
    province = (
        UnitVersion.objects.valid_on(body.cycle.scope_date)
        .filter(level=Level.PROVINCE, code=body.unit.province_code)
        .first()
    ) or body.unit
    frame = decree30.Frame(
        issuing_body=f"ỦY BAN NHÂN DÂN {province.name}",
        place=re.sub(r"^(Tỉnh|Thành phố)\s+", "", province.name),
        head_title="CHỦ TỊCH",
        collective="ỦY BAN NHÂN DÂN",
    )
    return Issuer(frame=frame, signing_mode=decree30.ON_BEHALF, signer_title="", symbol="BC-UBND")
