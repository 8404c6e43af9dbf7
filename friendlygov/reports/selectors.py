"""The numbers of the results area, read once and shared by the dashboard, the API and the exports.

Pure reads over an assessments queryset the caller has already scoped (`permissions.visible(user)`
for a page, every assessment for a public answer). Points are Decimals. The number of queries does
not grow with the number of units: each function reads a handful of `values()` lists and counts in
Python.

Counting rule (docs/domain.md; `workflow.decided_level` and `counted_level`): the denominator is
every assessment of the cycle in scope; only decided assessments carry a level (recognised → its
final level, not recognised → 0); undecided units count as level 0 for the targets and are
reported separately.

Usage:
    snap = snapshot(cycle, permissions.visible(user), grouping="former_district")
    summary(snap), group_rows(snap), progress(snap), discrepancy(snap)
    indicator_analysis(cycle, scope), trend(cycle, scope, grouping=...)
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    Sum,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from friendlygov.assessments import permissions, register
from friendlygov.assessments.models import Assessment, Cycle, IndicatorScore
from friendlygov.assessments.results import layer_result
from friendlygov.assessments.workflow import (
    DECIDED,
    SELF,
    Status,
    counted_level,
    decided_level,
    is_overdue,
)
from friendlygov.frameworks.describe import num
from friendlygov.frameworks.levels import LEVEL_BANDS
from friendlygov.programs.rules import ProgramRules, default_rules
from friendlygov.programs.selectors import rules_for
from friendlygov.units.models import Level, UnitVersion
from friendlygov.units.selectors import divided_later, former_districts

from .explain import BandLift, lift_to_band
from .forecast import Outlook, Standing, TargetForecast, Verdict, forecast
from .models import ImportedResult
from .targets import LEVELS, TargetResult, percent_of

BY_BODY = "body"
BY_FORMER_DISTRICT = "former_district"
BY_PROVINCE = "province"  # at national scope: a row per province instead of hundreds of bodies
GROUPINGS = (BY_BODY, BY_FORMER_DISTRICT, BY_PROVINCE)
NEAR_BAND_MARGIN = Decimal(5)
INFLATION_THRESHOLD = Decimal(3)
APPRAISAL_DONE = (Status.APPRAISED, *DECIDED)
# The lowest score of each level, lowest level first: {1: 80, 2: 85, 3: 90, 4: 95}.
BAND_FLOOR = {level: lowest for lowest, level in LEVEL_BANDS}

ROW_FIELDS = (
    "pk",
    "unit_id",
    "unit__code",
    "unit__name",
    "unit__search_name",
    "unit__province_code",
    "body__name",
    "body__unit__code",
    "status",
    "self_score",
    "appraised_score",
    "final_score",
    "final_level",
    "explanation_due",
)


# --- One cycle's rows ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One assessment, as the numbers need it."""

    pk: int
    unit_id: str
    unit_code: str
    unit_name: str
    search_name: str
    group_key: str
    group_name: str
    status: str
    self_score: Decimal | None
    appraised_score: Decimal | None
    final_score: Decimal | None
    final_level: int | None
    overdue: bool

    @property
    def decided(self) -> bool:
        return self.status in DECIDED

    @property
    def level(self) -> int | None:
        return decided_level(self.status, self.final_level)

    @property
    def counted_level(self) -> int:
        return counted_level(self.status, self.final_level)


@dataclass(frozen=True)
class Snapshot:
    cycle: Cycle
    grouping: str
    rows: list[Row]


def default_grouping(cycle: Cycle) -> str:
    """Appraising bodies while they were the districts; the former district once one body appraises all."""
    return BY_BODY if cycle.bodies.count() > 1 else BY_FORMER_DISTRICT


def snapshot(cycle: Cycle, assessments, *, grouping: str = BY_BODY, today=None) -> Snapshot:
    """The cycle's assessments in `assessments` (a scoped queryset), with their group (2–6 queries)."""
    if grouping not in GROUPINGS:
        raise ValueError(f"grouping must be one of {GROUPINGS}, not {grouping!r}")
    today = today or timezone.localdate()
    raw = list(
        assessments.filter(cycle=cycle).order_by("unit__search_name", "unit__code").values(*ROW_FIELDS)
    )
    districts = (
        former_districts([r["unit_id"] for r in raw]) if grouping == BY_FORMER_DISTRICT and raw else {}
    )
    provinces = (
        province_names({r["unit__province_code"] for r in raw}) if grouping == BY_PROVINCE and raw else {}
    )
    rows = []
    for r in raw:
        if grouping == BY_BODY:
            key, name = r["body__unit__code"], r["body__name"]
        elif grouping == BY_PROVINCE:
            key = r["unit__province_code"]
            name = provinces.get(key, key)
        else:
            district = districts.get(r["unit_id"])
            key, name = (district.code, district.name) if district else ("", "—")
        late = is_overdue(
            SimpleNamespace(cycle=cycle, status=r["status"], explanation_due=r["explanation_due"]), today
        )
        rows.append(
            Row(
                pk=r["pk"],
                unit_id=r["unit_id"],
                unit_code=r["unit__code"],
                unit_name=r["unit__name"],
                search_name=r["unit__search_name"],
                group_key=key,
                group_name=name,
                status=r["status"],
                self_score=r["self_score"],
                appraised_score=r["appraised_score"],
                final_score=r["final_score"],
                final_level=r["final_level"],
                overdue=late,
            )
        )
    return Snapshot(cycle, grouping, rows)


def provinces_in(cycle: Cycle, assessments) -> list[str]:
    """The codes of the provinces whose units `assessments` hold in `cycle` (1 query)."""
    return sorted(
        assessments.filter(cycle=cycle).order_by().values_list("unit__province_code", flat=True).distinct()
    )


def province_names(codes) -> dict[str, str]:
    """Each province code's name, as its latest version says (1 query)."""
    rows = (
        UnitVersion.objects.filter(level=Level.PROVINCE, province_code__in=list(codes))
        .order_by("province_code", "valid_from")
        .values_list("province_code", "name")
    )
    return dict(rows)  # the latest version of a code comes last and wins


# --- Levels and targets --------------------------------------------------------------------------


@dataclass(frozen=True)
class LevelShare:
    level: int
    label: str
    count: int
    percent: Decimal


@dataclass(frozen=True)
class CycleCounts:
    year: int
    units_total: int
    decided: int
    by_level: dict[int, int]  # the levels that count for the targets: undecided units are in level 0
    levels: list[LevelShare]  # decided units only: an undecided unit is not "not qualified"
    targets: list[TargetResult]

    @property
    def undecided(self) -> int:
        return self.units_total - self.decided

    @property
    def undecided_percent(self) -> Decimal:
        return percent_of(self.undecided, self.units_total)

    def at_or_above(self, level: int) -> int:
        return sum(n for lvl, n in self.by_level.items() if lvl >= level)


def distribution(rows, levels=LEVELS) -> dict[int, int]:
    counts = Counter(row.counted_level for row in rows)
    return {level: counts.get(level, 0) for level in levels}


def summary(snap: Snapshot) -> CycleCounts:
    counts = Counter((row.status, row.final_level) for row in snap.rows)
    return summary_of_counts(snap.cycle.year, counts, rules_for(snap.cycle))


def cycle_counts(cycle: Cycle, assessments) -> CycleCounts:
    """Levels and targets of the cycle over the assessments in scope, counted by the database
    (1 query, whatever the number of units)."""
    return summary_of_counts(cycle.year, status_level_counts(cycle, assessments), rules_for(cycle))


def status_level_counts(cycle: Cycle, assessments) -> dict[tuple[str, int | None], int]:
    """How many of `assessments` in `cycle` have each (status, final level): one GROUP BY."""
    rows = (
        assessments.filter(cycle=cycle)
        .order_by()
        .values_list("status", "final_level")
        .annotate(n=Count("pk"))
    )
    return {(status, level): n for status, level, n in rows}


def summary_of_counts(
    year: int, counts: dict[tuple[str, int | None], int], rules: ProgramRules | None = None
) -> CycleCounts:
    """The summary from the number of units per (status, final level), with the levels, their
    names and the year's targets of `rules` (the cycle's program: `rules_for(cycle)`)."""
    rules = rules or default_rules()
    by_level = dict.fromkeys(rules.levels, 0)
    decided_by_level = dict.fromkeys(rules.levels, 0)
    for (status, final_level), n in counts.items():
        by_level[counted_level(status, final_level)] += n
        if status in DECIDED:
            decided_by_level[decided_level(status, final_level)] += n
    total = sum(counts.values())
    return CycleCounts(
        year=year,
        units_total=total,
        decided=sum(decided_by_level.values()),
        by_level=by_level,
        levels=[
            LevelShare(
                level,
                rules.label(level),
                decided_by_level[level],
                percent_of(decided_by_level[level], total),
            )
            for level in rules.levels
        ],
        targets=rules.attainment(year, by_level, units_total=total),
    )


# --- Groups --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupRow:
    key: str  # the district's code (also the map's key)
    name: str
    units_total: int
    decided: int
    by_level: dict[int, int]
    meeting: int  # level ≥ 1
    above: int  # level ≥ 2
    mean_final: Decimal | None
    mean_gap: Decimal | None  # self − appraised, over units with both

    @property
    def meeting_percent(self) -> Decimal:
        return percent_of(self.meeting, self.units_total)

    @property
    def above_percent(self) -> Decimal:
        return percent_of(self.above, self.units_total)


def _mean(values) -> Decimal | None:
    values = [v for v in values if v is not None]
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def group_rows(snap: Snapshot) -> list[GroupRow]:
    groups = defaultdict(list)
    for row in snap.rows:
        groups[(row.group_key, row.group_name)].append(row)
    result = []
    levels = rules_for(snap.cycle).levels
    for (key, name), rows in groups.items():
        by_level = distribution(rows, levels)
        result.append(
            GroupRow(
                key=key,
                name=name,
                units_total=len(rows),
                decided=sum(1 for r in rows if r.decided),
                by_level=by_level,
                meeting=sum(n for lvl, n in by_level.items() if lvl >= 1),
                above=sum(n for lvl, n in by_level.items() if lvl >= 2),
                mean_final=_mean(r.final_score for r in rows if r.decided),
                mean_gap=_mean(_gap(r) for r in rows),
            )
        )
    return sorted(result, key=lambda g: g.name)


# --- Workflow progress ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    total: int
    by_status: list[tuple[str, str, int]]  # (status, label, count) in workflow order
    submitted: int  # sent at least once
    appraised: int  # appraisal approved (or decided)
    decided: int
    overdue: int

    @property
    def segments(self) -> list[tuple[str, str, int, Decimal, Decimal]]:
        """(status, label, count, percent of all, percent before it) for the statuses present:
        the parts of one stacked bar."""
        parts, offset = [], Decimal(0)
        for status, label, count in self.by_status:
            if count:
                share = percent_of(count, self.total)
                parts.append((status, label, count, share, offset))
                offset += share
        return parts


def progress(snap: Snapshot) -> Progress:
    counts = Counter(row.status for row in snap.rows)
    return Progress(
        total=len(snap.rows),
        by_status=[(value, str(label), counts.get(value, 0)) for value, label in Status.choices],
        submitted=sum(n for status, n in counts.items() if status != Status.DRAFT),
        appraised=sum(counts.get(status, 0) for status in APPRAISAL_DONE),
        decided=sum(counts.get(status, 0) for status in DECIDED),
        overdue=sum(1 for row in snap.rows if row.overdue),
    )


# --- Forecast of a year not decided yet ----------------------------------------------------------


@dataclass(frozen=True)
class UnitOutlook:
    row: Row
    outlook: Outlook
    score: Decimal | None  # the points behind the outlook: decided, approved, or claimed

    def missing_for(self, level: int, floors=BAND_FLOOR) -> Decimal | None:
        """Points below the band of `level` (its lowest score in `floors`, the program's); 0 when
        the score reaches it but a condition holds the unit back; None when it is already there or
        has nothing scored."""
        if self.outlook.level >= level or self.score is None or self.outlook.standing == Standing.UNKNOWN:
            return None
        return max(Decimal(0), floors[level] - self.score)


@dataclass(frozen=True)
class YearForecast:
    targets: list[TargetForecast]
    units: list[UnitOutlook]
    floors: dict = field(default_factory=lambda: dict(BAND_FLOOR))  # the program's lowest score per level

    def standing_count(self, standing: Standing) -> int:
        return sum(1 for u in self.units if u.outlook.standing == standing)

    @property
    def decided(self) -> int:
        return self.standing_count(Standing.DECIDED)

    @property
    def appraised(self) -> int:
        return self.standing_count(Standing.APPRAISED)

    @property
    def claimed(self) -> int:
        return self.standing_count(Standing.CLAIMED)

    @property
    def unknown(self) -> int:
        return self.standing_count(Standing.UNKNOWN)

    @property
    def open_targets(self) -> list[TargetForecast]:
        """The targets not yet met for sure: the ones the undecided units still decide."""
        return [t for t in self.targets if t.verdict != Verdict.MET]

    def closest(self, level: int, limit: int) -> list[tuple[UnitOutlook, Decimal]]:
        """The undecided units nearest below the band of `level`: the ones that decide a target."""
        found = [
            (u, missing)
            for u in self.units
            if u.outlook.standing != Standing.DECIDED
            and (missing := u.missing_for(level, self.floors)) is not None
        ]
        found.sort(key=lambda pair: (pair[1], pair[0].row.search_name))
        return found[:limit]


# A unit whose approved appraisal waits for the decision; under review, the decision it had.
WAITING_FOR_DECISION = (Status.APPRAISED, Status.UNDER_REVIEW)


def year_forecast(snap: Snapshot) -> YearForecast:
    """Each unit's outlook and the forecast range against each target (forecast.py): 2 queries
    for the claims of the units not yet appraised, whatever their number, none otherwise."""
    claimed_levels = _claimed_levels([row.pk for row in snap.rows if _is_claim(row)])
    units = []
    for row in snap.rows:
        if row.decided:
            unit = UnitOutlook(row, Outlook(Standing.DECIDED, row.level), row.final_score)
        elif row.status in WAITING_FOR_DECISION:
            unit = UnitOutlook(row, Outlook(Standing.APPRAISED, row.final_level or 0), row.final_score)
        elif row.pk in claimed_levels:
            unit = UnitOutlook(row, Outlook(Standing.CLAIMED, claimed_levels[row.pk]), row.self_score)
        else:
            unit = UnitOutlook(row, Outlook(Standing.UNKNOWN, 0), None)
        units.append(unit)
    rules = rules_for(snap.cycle)
    outlooks = [u.outlook for u in units]
    targets = forecast(snap.cycle.year, outlooks, schedule=rules.schedule, levels=rules.levels)
    return YearForecast(targets, units, rules.floors)


@dataclass(frozen=True)
class DecidingUnit:
    unit: UnitOutlook
    missing: Decimal
    lift: BandLift


@dataclass(frozen=True)
class DecidingUnits:
    target: TargetForecast
    units: list[DecidingUnit]


DECIDING_LIMIT = 5


def deciding_units(fc: YearForecast, *, limit: int = DECIDING_LIMIT) -> list[DecidingUnits]:
    """For each target not met for sure, the undecided units closest below its band, with the
    smallest lift that would bring each there (lift.py): 2 queries per unit, `limit` per target."""
    return [
        DecidingUnits(
            target,
            [
                DecidingUnit(unit, missing, lift_to_band(unit.row.pk, fc.floors[target.rule.min_level]))
                for unit, missing in fc.closest(target.rule.min_level, limit)
            ],
        )
        for target in fc.open_targets
    ]


def _is_claim(row: Row) -> bool:
    return not row.decided and row.status not in WAITING_FOR_DECISION and row.self_score is not None


def _claimed_levels(pks) -> dict[int, int]:
    """The level each assessment's self score reaches with its conditions as self-assessed."""
    if not pks:
        return {}
    scores = defaultdict(list)
    for score in IndicatorScore.objects.filter(assessment_id__in=pks).select_related("indicator__criterion"):
        scores[score.assessment_id].append(score)
    found = Assessment.objects.filter(pk__in=pks).select_related("cycle__framework")
    return {a.pk: layer_result(a, scores[a.pk], SELF).recognition.level for a in found}


# --- Self vs appraised ---------------------------------------------------------------------------


def _gap(row: Row) -> Decimal | None:
    if row.status not in APPRAISAL_DONE or row.self_score is None or row.appraised_score is None:
        return None
    return row.self_score - row.appraised_score


@dataclass(frozen=True)
class UnitGap:
    row: Row
    gap: Decimal
    flagged: bool


@dataclass(frozen=True)
class Discrepancy:
    threshold: Decimal
    compared: int  # units with an approved appraisal
    mean_gap: Decimal | None
    flagged: int
    units: list[UnitGap]  # largest gap first
    groups: list[GroupRow]  # largest mean gap first

    @property
    def group_bars(self) -> list[tuple[GroupRow, Decimal]]:
        """Each group with its mean gap as a share of the largest (for a bar chart)."""
        top = max((g.mean_gap for g in self.groups if g.mean_gap > 0), default=None)
        return [(g, max(Decimal(0), g.mean_gap) * 100 / top if top else Decimal(0)) for g in self.groups]


def discrepancy(snap: Snapshot, *, threshold: Decimal = INFLATION_THRESHOLD, groups=None) -> Discrepancy:
    """Self score − appraised score, once the appraisal is approved; above `threshold` is flagged."""
    units = [UnitGap(row, gap, gap > threshold) for row in snap.rows if (gap := _gap(row)) is not None]
    units.sort(key=lambda u: (-u.gap, u.row.search_name))
    groups = groups if groups is not None else group_rows(snap)
    return Discrepancy(
        threshold=threshold,
        compared=len(units),
        mean_gap=_mean(u.gap for u in units),
        flagged=sum(1 for u in units if u.flagged),
        units=units,
        groups=sorted((g for g in groups if g.mean_gap is not None), key=lambda g: -g.mean_gap),
    )


# --- Indicators ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorLoss:
    indicator_id: int
    code: str
    name: str
    criterion: str
    rows: int  # applicable appraised rows
    max_points: Decimal  # of one row
    lost: Decimal  # over all rows

    @property
    def lost_per_unit(self) -> Decimal:
        return (
            (self.lost / self.rows).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            if self.rows
            else Decimal(0)
        )

    @property
    def lost_percent(self) -> Decimal:
        possible = self.max_points * self.rows
        if not possible:
            return Decimal("0.00")
        return (self.lost * 100 / possible).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class NearUnit:
    pk: int
    unit_name: str
    score: Decimal
    level: int
    next_level: int
    missing: Decimal  # points to the next band

    @property
    def missing_text(self) -> str:
        # Formatted here rather than with {% blocktranslate %} in the list: that tag costs half a
        # millisecond a row, and a province lists hundreds of these units.
        return _("%(missing)s điểm → mức %(level)s") % {
            "missing": num(self.missing),
            "level": self.next_level,
        }


@dataclass(frozen=True)
class IndicatorAnalysis:
    appraised_units: int
    losses: list[IndicatorLoss]  # most points lost first
    near: list[NearUnit]  # units within the margin below the next band
    near_losses: list[IndicatorLoss]  # what held those units back, most first
    margin: Decimal


def _losses(scores) -> list[IndicatorLoss]:
    rows = (
        scores.values(
            "indicator_id",
            "indicator__code",
            "indicator__name",
            "indicator__criterion__code",
            "indicator__max_points",
        )
        .annotate(rows=Count("id"), earned=Sum("appraised_points"))
        .order_by()
    )
    losses = [
        IndicatorLoss(
            indicator_id=r["indicator_id"],
            code=r["indicator__code"],
            name=r["indicator__name"],
            criterion=r["indicator__criterion__code"],
            rows=r["rows"],
            max_points=r["indicator__max_points"],
            lost=(r["indicator__max_points"] * r["rows"] - (r["earned"] or Decimal(0))).quantize(
                Decimal("0.01")
            ),
        )
        for r in rows
    ]
    return sorted((x for x in losses if x.lost > 0), key=lambda x: (-x.lost, x.code))


def _applicable(assessment_ids_or_qs):
    return IndicatorScore.objects.filter(
        assessment__in=assessment_ids_or_qs, appraised_na=False, appraised_points__isnull=False
    )


def near_next_band(score: Decimal | None, level: int | None, margin: Decimal = NEAR_BAND_MARGIN, floors=None):
    """(next level, points missing) when `score` is within `margin` below the next band, else None.
    A unit held at 0 by a gating rule whatever its score is not "near": points will not lift it.
    `floors` are the lowest score of each level of the cycle's program (default: BAND_FLOOR)."""
    floors = floors or BAND_FLOOR
    if score is None or level is None or level + 1 not in floors:
        return None
    missing = floors[level + 1] - score
    if Decimal(0) < missing <= margin:
        return level + 1, missing
    return None


def near_rows(cycle: Cycle, assessments, *, margin: Decimal = NEAR_BAND_MARGIN):
    """The units of `indicator_analysis(...).near` as a queryset, in the same order (fewest points
    missing first, then by name), chosen and sorted by the database: a list page reads one page
    of it. Rows are `NearUnit`s through `near_unit`."""
    floors = rules_for(cycle).floors
    level = Case(
        When(status=Status.NOT_RECOGNISED, then=Value(0)),
        default=F("final_level"),
        output_field=IntegerField(),
    )
    bands = [
        When(
            Q(
                near_level=lowest,
                final_score__gte=floors[lowest + 1] - margin,
                final_score__lt=floors[lowest + 1],
            ),
            then=Value(floors[lowest + 1]),
        )
        for lowest in sorted({0, *floors})
        if lowest + 1 in floors
    ]
    points = DecimalField(max_digits=6, decimal_places=2)
    return (
        assessments.filter(cycle=cycle, status__in=APPRAISAL_DONE, final_score__isnull=False)
        .annotate(near_level=level)
        .annotate(next_floor=Case(*bands, default=None, output_field=points))
        .filter(next_floor__isnull=False)
        .annotate(missing=ExpressionWrapper(F("next_floor") - F("final_score"), output_field=points))
        .order_by("missing", "unit__name", "pk")
        .values_list("pk", "unit__name", "final_score", "near_level", "next_floor")
    )


def near_unit(row) -> NearUnit:
    """One row of `near_rows` as the list shows it."""
    pk, name, score, level, floor = row
    return NearUnit(pk, name, score, level, level + 1, Decimal(floor) - score)


def indicator_analysis(cycle: Cycle, assessments, *, margin: Decimal = NEAR_BAND_MARGIN) -> IndicatorAnalysis:
    """Points lost per indicator on the appraised layer (approved appraisals only), and for the
    units just below the next band, which indicators cost them most (3 queries)."""
    done = assessments.filter(cycle=cycle, status__in=APPRAISAL_DONE)
    candidates = list(done.order_by().values_list("pk", "unit__name", "final_score", "final_level", "status"))
    near = []
    floors = rules_for(cycle).floors
    for pk, name, score, level, status in candidates:
        level = 0 if status == Status.NOT_RECOGNISED else level
        found = near_next_band(score, level, margin, floors)
        if found:
            near.append(NearUnit(pk, name, score, level, found[0], found[1]))
    near.sort(key=lambda u: (u.missing, u.unit_name))
    return IndicatorAnalysis(
        appraised_units=len(candidates),
        losses=_losses(_applicable(done.values("pk"))),
        near=near,
        near_losses=_losses(_applicable([u.pk for u in near])) if near else [],
        margin=margin,
    )


# --- Across cycles -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendPoint:
    year: int
    units_total: int
    decided: int
    meeting: int
    above: int
    # For the whole scope's line (not per district):
    imported: int = 0  # results imported from the province's sheets (no assessment here)
    divided: int = 0  # units whose territory later went to several units: their result covers more
    previous_total: int | None = None  # the units of the year before, when there is one
    targets: tuple[TargetResult, ...] = ()  # the year's targets against its own denominator

    @property
    def meeting_percent(self) -> Decimal:
        return percent_of(self.meeting, self.units_total)

    @property
    def above_percent(self) -> Decimal:
        return percent_of(self.above, self.units_total)

    @property
    def undecided(self) -> int:
        return self.units_total - self.decided

    @property
    def scope_changed(self) -> bool:
        """The year counts another set of units than the year before (a rearrangement)."""
        return self.previous_total is not None and self.previous_total != self.units_total

    def target_percent(self, level: int) -> Decimal | None:
        """The share the year's targets require at `level` or above: the target line of a bar."""
        shares = (t for t in self.targets if t.rule.kind == "share")
        return next((t.required_percent for t in shares if t.rule.min_level == level), None)

    @property
    def meeting_target(self) -> Decimal | None:
        return self.target_percent(1)

    @property
    def above_target(self) -> Decimal | None:
        return self.target_percent(2)


@dataclass(frozen=True)
class GroupTrend:
    key: str
    name: str
    points: dict[int, TrendPoint]  # by year
    cells: list[TrendPoint | None] = field(default_factory=list)  # one per year of the trend, for a table


@dataclass
class Trend:
    years: list[int]
    points: list[TrendPoint]  # the whole scope, one per cycle
    groups: list[GroupTrend] = field(default_factory=list)  # by former district, through lineage


def _point(year, counts: Counter) -> TrendPoint:
    """The year's point from the number of units per (status, final level)."""
    total = decided = meeting = above = 0
    for (status, final_level), n in counts.items():
        level = counted_level(status, final_level)
        total += n
        decided += n if status in DECIDED else 0
        meeting += n if level >= 1 else 0
        above += n if level >= 2 else 0
    return TrendPoint(year=year, units_total=total, decided=decided, meeting=meeting, above=above)


def _imported_before(cycle: Cycle, imported):
    """The imported results (a scoped ImportedResult queryset) of the years before `cycle` that
    have no cycle of the programme here (an import of such a year is refused), as
    (year, unit id, status, level): decided, like a decided assessment."""
    if imported is None:
        return []
    cycle_years = Cycle.objects.filter(program_id=cycle.program_id).values("year")
    rows = (
        imported.filter(year__lte=cycle.year)
        .exclude(year__in=cycle_years)
        .order_by()
        .values_list("year", "unit_id", "level")
    )
    return [
        (year, unit_id, Status.RECOGNISED if level else Status.NOT_RECOGNISED, level)
        for year, unit_id, level in rows
    ]


def trend_points(cycle: Cycle, assessments, imported=None) -> list[TrendPoint]:
    """`trend(...).points` alone (2–6 queries: the units, the imported results, the lineage
    steps after them): for the dashboard, which leaves the per-district table to `trend` when
    someone opens it."""
    rows = list(
        assessments.filter(cycle__program_id=cycle.program_id, cycle__year__lte=cycle.year)
        .order_by()
        .values_list("cycle__year", "unit_id", "status", "final_level")
    )
    return _scope_points(cycle, rows, _imported_before(cycle, imported))


def _rules_by_year(cycle: Cycle):
    """The rules each year of `cycle`'s program was (or is) judged with, by year (1 query); a year
    with no cycle of its own (imported results) is read with `cycle`'s."""
    judged = {other.year: rules_for(other) for other in Cycle.objects.filter(program_id=cycle.program_id)}
    return lambda year: judged.get(year) or rules_for(cycle)


def _scope_points(cycle: Cycle, rows, past) -> list[TrendPoint]:
    """One point per year over the scope's (year, unit id, status, level) rows and the imported
    `past` ones: the year's own denominator and targets (by the rules the year was judged with),
    the units imported, the units divided later, and the denominator of the year before (so a
    change of scope shows)."""
    rules_of = _rules_by_year(cycle)
    divided = divided_later({unit_id for _, unit_id, _, _ in rows + past})
    by_year, imported, split = defaultdict(Counter), Counter(), Counter()
    for source, found in ((rows, False), (past, True)):
        for year, unit_id, status, level in source:
            by_year[year][(status, level)] += 1
            imported[year] += found
            split[year] += unit_id in divided
    points, previous = [], None
    for year in sorted(by_year):
        point = _point(year, by_year[year])
        by_level = Counter()
        for (status, level), n in by_year[year].items():
            by_level[counted_level(status, level)] += n
        point = replace(
            point,
            imported=imported[year],
            divided=split[year],
            previous_total=previous,
            targets=tuple(rules_of(year).attainment(year, dict(by_level), units_total=point.units_total)),
        )
        points.append(point)
        previous = point.units_total
    return points


def trend(cycle: Cycle, assessments, *, until_current: bool = True, imported=None) -> Trend:
    """Share at level ≥ 1 and ≥ 2 for each cycle of the programme up to `cycle` (and each year
    of `imported` results before it), for the whole scope and per former district: units of every
    year are mapped through lineage to the district they belonged to (or came from), so a merged
    unit's history stays with its place (3–11 queries)."""
    years_q = Q(cycle__program_id=cycle.program_id)
    if until_current:
        years_q &= Q(cycle__year__lte=cycle.year)
    assessed = list(
        assessments.filter(years_q).order_by().values_list("cycle__year", "unit_id", "status", "final_level")
    )
    past = _imported_before(cycle, imported)
    raw = assessed + past
    districts = former_districts({unit_id for _, unit_id, _, _ in raw}) if raw else {}
    by_year = defaultdict(Counter)
    by_group = defaultdict(lambda: defaultdict(Counter))
    names = {}
    for year, unit_id, status, level in raw:
        by_year[year][(status, level)] += 1
        district = districts.get(unit_id)
        if district:
            by_group[district.code][year][(status, level)] += 1
            names[district.code] = district.name
    years = sorted(by_year)
    groups = []
    for code in sorted(by_group, key=lambda c: names[c]):
        points = {year: _point(year, counts) for year, counts in by_group[code].items()}
        groups.append(GroupTrend(code, names[code], points, [points.get(year) for year in years]))
    return Trend(years, _scope_points(cycle, assessed, past), groups)


# --- Results and who may read them ---------------------------------------------------------------


def decided_counts(cycle: Cycle) -> tuple[dict[tuple[str, int | None], int], bool]:
    """The whole cycle's `status_level_counts`, and whether the cycle is decided: every assessment
    settled by an issued recognition decision (1 query; `cycle` may be a subquery giving its key).

    Settled is read from `decided_at`, which only `services.issue_decision` writes, in the same
    step that moves the unit to a decided state: joining every unit to its decision items instead
    made the national summary about 70 ms slower. A state written some other way (the admin, a
    script) has no `decided_at`, and keeps the cycle undecided."""
    rows = (
        Assessment.objects.filter(cycle=cycle)
        .order_by()
        .annotate(settled=ExpressionWrapper(Q(decided_at__isnull=False), output_field=BooleanField()))
        .values_list("status", "final_level", "settled")
        .annotate(n=Count("pk"))
    )
    counts = Counter()
    every_one_settled = True
    for status, level, settled, n in rows:
        counts[(status, level)] += n
        every_one_settled = every_one_settled and settled and status in DECIDED
    return dict(counts), bool(counts) and every_one_settled


def cycle_is_decided(cycle: Cycle) -> bool:
    """Every assessment of the cycle is settled by an issued decision (1 query)."""
    return decided_counts(cycle)[1]


@dataclass(frozen=True)
class ResultLine:
    unit_code: str
    unit_name: str
    final_score: Decimal | None
    level: int | None  # decided level (0 = not qualified); None while undecided
    status: str
    decision_number: str | None
    reasons: tuple[str, ...] = ()  # the failed conditions with their figures, from the decision
    unit_id: str = ""  # the unit version's stable id, <code>@<valid_from> (codes are reused)


def results(snap: Snapshot) -> list[ResultLine]:
    """One line per unit, with the number of the decision in force that settled it (1 query)."""
    decided = [row.pk for row in snap.rows if row.decided]
    live = register.in_force_items(decided) if decided else {}
    numbers = {pk: items[0].decision.number for pk, items in live.items()}
    reasons = {pk: tuple(items[0].reasons) for pk, items in live.items()}
    return [
        ResultLine(
            unit_code=row.unit_code,
            unit_name=row.unit_name,
            final_score=row.final_score if row.status in APPRAISAL_DONE else None,
            level=row.level,
            status=row.status,
            decision_number=numbers.get(row.pk),
            reasons=reasons.get(row.pk, ()),
            unit_id=row.unit_id,
        )
        for row in snap.rows
    ]


def imported_results_for(user):
    """The imported past results the user reads (assessments.permissions.decided_results_q)."""
    return ImportedResult.objects.filter(permissions.decided_results_q(user))


def visible_years(assessments) -> list[int]:
    # order_by() first: the model's default ordering would put the unit's code into the DISTINCT.
    return sorted(assessments.order_by().values_list("cycle__year", flat=True).distinct(), reverse=True)
