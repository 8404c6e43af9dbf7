"""Reads over administrative units. Unit data is public reference data: no permission check here;
"units this user may see" belongs with the role grants, which scope these querysets further."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch, QuerySet

from friendlygov.core.i18n import fold

from .models import Level, LineageLink, UnitType, UnitVersion

SEARCH_LIMIT = 50


def units_on(day: date, *, province: str | None = None, level: int | None = None) -> QuerySet[UnitVersion]:
    units = UnitVersion.objects.valid_on(day).select_related("parent")
    if province:
        units = units.filter(province_code=province)
    if level:
        units = units.filter(level=level)
    return units.order_by("level", "parent_id", "search_name", "code")


def unit_on(code: str, day: date) -> UnitVersion | None:
    return UnitVersion.objects.valid_on(day).select_related("parent").filter(code=code).first()


def provinces_on(day: date) -> QuerySet[UnitVersion]:
    return UnitVersion.objects.valid_on(day).filter(level=Level.PROVINCE).order_by("code")


@dataclass
class Branch:
    unit: UnitVersion
    children: list = field(default_factory=list)
    counts: list = field(default_factory=list)


@dataclass
class Tree:
    day: date
    province: UnitVersion | None
    districts: list[Branch]
    communes: list[UnitVersion]  # commune-level units directly under the province (two-tier)
    counts: list[tuple[str, int]]  # (type label, count), commune level
    district_counts: list[tuple[str, int]]
    total: int


def count_by_type(units) -> list[tuple[str, int]]:
    counter = Counter(u.type for u in units)
    return [(label, counter[value]) for value, label in UnitType.choices if counter[value]]


def tree_on(day: date, province: str) -> Tree:
    """The province's units valid on `day`, grouped under their parents, with counts by type (2 queries)."""
    units = list(units_on(day, province=province))
    top = next((u for u in units if u.level == Level.PROVINCE), None)
    districts = [u for u in units if u.level == Level.DISTRICT]
    communes = [u for u in units if u.level == Level.COMMUNE]
    by_parent = defaultdict(list)
    for commune in communes:
        by_parent[commune.parent_id].append(commune)
    branches = [Branch(d, by_parent[d.id], count_by_type(by_parent[d.id])) for d in districts]
    return Tree(
        day=day,
        province=top,
        districts=sorted(branches, key=lambda b: b.unit.search_name),
        communes=by_parent[top.id] if top else [],
        counts=count_by_type(communes),
        district_counts=count_by_type(districts),
        total=len(communes),
    )


def search_units(
    query: str, *, day: date | None = None, province: str | None = None
) -> QuerySet[UnitVersion]:
    """Units whose name contains `query`, ignoring tone marks and case ("hong phong" finds Hồng Phong)."""
    folded = fold(query)
    if not folded:
        return UnitVersion.objects.none()
    units = UnitVersion.objects.filter(search_name__contains=folded).select_related("parent")
    if day:
        units = units.valid_on(day)
    if province:
        units = units.filter(province_code=province)
    return units.order_by("search_name", "-valid_from", "code")[:SEARCH_LIMIT]


def _links(**filters) -> QuerySet[LineageLink]:
    return (
        LineageLink.objects.filter(**filters)
        .select_related("event", "predecessor__parent", "successor__parent")
        .order_by("event__effective_date", "predecessor__search_name", "successor__search_name")
    )


def predecessors_of(unit: UnitVersion) -> list[LineageLink]:
    return list(_links(successor=unit))


def successors_of(unit: UnitVersion) -> list[LineageLink]:
    return list(_links(predecessor=unit))


def ancestry_of(unit: UnitVersion, *, max_steps: int = 10) -> list[list[LineageLink]]:
    """The full chain back: one list of links per step (one query per step, never per unit)."""
    steps, frontier, seen = [], {unit.pk}, {unit.pk}
    for _ in range(max_steps):
        links = list(_links(successor_id__in=frontier))
        if not links:
            break
        steps.append(links)
        frontier = {link.predecessor_id for link in links} - seen
        seen |= frontier
    return steps


def descendants_of(unit: UnitVersion, *, max_steps: int = 10) -> list[list[LineageLink]]:
    steps, frontier, seen = [], {unit.pk}, {unit.pk}
    for _ in range(max_steps):
        links = list(_links(predecessor_id__in=frontier))
        if not links:
            break
        steps.append(links)
        frontier = {link.successor_id for link in links} - seen
        seen |= frontier
    return steps


def versions_of_code(unit: UnitVersion) -> QuerySet[UnitVersion]:
    """Every version that carried the same official code (the code may pass to a successor)."""
    return UnitVersion.objects.filter(code=unit.code).select_related("parent").order_by("valid_from")


def unit_detail(unit_id: str) -> UnitVersion | None:
    return (
        UnitVersion.objects.select_related("parent")
        .prefetch_related(Prefetch("children", queryset=UnitVersion.objects.order_by("search_name")))
        .filter(pk=unit_id)
        .first()
    )


@dataclass(frozen=True)
class District:
    code: str
    name: str


def former_districts(unit_ids, *, max_steps: int = 4) -> dict[str, District]:
    """For each commune-level unit id, the district it belonged to, or for a unit formed after the
    districts were abolished, the district that contributed most of its predecessors (ties: lowest
    code). One query for the units, then one per lineage step, whatever the number of units.

    Land-only transfers count only when a unit has no other predecessor."""
    wanted = set(unit_ids)
    result: dict[str, District] = {}
    origins: dict[str, set[str]] = {}  # unit version reached → the units asked about it stems from
    parents = UnitVersion.objects.filter(pk__in=wanted).values_list(
        "pk", "parent__code", "parent__name", "parent__level"
    )
    for unit_id, parent_code, parent_name, parent_level in parents:
        if parent_level == Level.DISTRICT:
            result[unit_id] = District(parent_code, parent_name)
        else:
            origins[unit_id] = {unit_id}
    votes: dict[str, Counter] = defaultdict(Counter)
    names: dict[str, str] = {}
    seen = set(origins)
    for _ in range(max_steps):
        if not origins:
            break
        links = list(
            LineageLink.objects.filter(successor_id__in=list(origins)).values_list(
                "successor_id",
                "predecessor_id",
                "share",
                "predecessor__parent__code",
                "predecessor__parent__name",
                "predecessor__parent__level",
            )
        )
        by_successor = defaultdict(list)
        for link in links:
            by_successor[link[0]].append(link)
        following: dict[str, set[str]] = defaultdict(set)
        for successor, starts in origins.items():
            found = by_successor.get(successor, [])
            kept = [link for link in found if link[2] != "land_only"] or found
            for _succ, predecessor, _share, code, name, level in kept:
                if level == Level.DISTRICT:
                    for start in starts:
                        votes[start][code] += 1
                    names[code] = name
                elif predecessor not in seen:
                    following[predecessor] |= starts
        seen |= set(following)
        origins = following
    for start, counter in votes.items():
        if start in result:
            continue
        code = min(counter, key=lambda c: (-counter[c], c))
        result[start] = District(code, names[code])
    return result


# --- Versions people choose from, and units formed from another ---------------------------------


def version_label(unit: UnitVersion) -> str:
    """A unit version as people choose it: its name with its period ("Thành phố Hải Phòng (từ
    01/07/2025)", "Xã Kim Xuyên (01/01/2024 – 30/06/2025)"). Codes and names are reused, so a
    name alone may stand for two versions; name and period never do (a code has one version per
    start date, and two units of one name starting on the same day also show their code)."""
    from django.utils.translation import gettext as _

    start = f"{unit.valid_from:%d/%m/%Y}"
    if unit.valid_to is None:
        period = _("từ %(start)s") % {"start": start}
    else:
        period = f"{start} – {unit.valid_to:%d/%m/%Y}"
    return f"{unit.name} ({period})"


def labelled(units) -> list[tuple[UnitVersion, str]]:
    """(unit, label) with no two labels the same: where name and period coincide, the code tells
    the versions apart."""
    units = list(units)
    labels = [version_label(unit) for unit in units]
    repeated = {label for label, count in Counter(labels).items() if count > 1}
    return [
        (unit, f"{label} · {unit.code}" if label in repeated else label)
        for unit, label in zip(units, labels, strict=True)
    ]


def formed_from(root: UnitVersion, day: date, *, level: int = Level.COMMUNE, max_steps: int = 4):
    """The units of `level` valid on `day` that are, or were formed from (through lineage links, up to
    `max_steps` events on), a unit in `root`'s subtree: "the units formed from Hải Dương province
    (2024)" on 31 December 2027 are the 64 of Hải Phòng. One query per step, whatever the number of
    units."""
    found = set(UnitVersion.objects.filter(path__startswith=root.path).values_list("pk", flat=True))
    frontier = set(found)
    for _ in range(max_steps):
        frontier = (
            set(
                LineageLink.objects.filter(predecessor_id__in=frontier).values_list("successor_id", flat=True)
            )
            - found
        )
        if not frontier:
            break
        found |= frontier
    return (
        UnitVersion.objects.valid_on(day)
        .filter(pk__in=found, level=level)
        .select_related("parent")
        .order_by("search_name", "code")
    )


def by_codes(codes, day: date, *, level: int = Level.COMMUNE) -> tuple[list[UnitVersion], list[str]]:
    """The units of `level` valid on `day` with these official codes, and the codes that match none."""
    wanted = list(dict.fromkeys(code.strip() for code in codes if code.strip()))
    units = list(
        UnitVersion.objects.valid_on(day)
        .filter(code__in=wanted, level=level)
        .select_related("parent")
        .order_by("search_name", "code")
    )
    known = {unit.code for unit in units}
    return units, [code for code in wanted if code not in known]


def divided_later(unit_ids, *, max_steps: int = 4) -> set[str]:
    """The units among `unit_ids` whose territory later went to more than one unit on one date
    (divided, or partly transferred), directly or through what they became: their result covers
    more than any one successor. Each successor has an event of its own (a division is several
    events of one day), hence the date. One query per lineage step, whatever the number of units."""
    divided: set[str] = set()
    frontier: dict[str, set[str]] = {unit_id: {unit_id} for unit_id in unit_ids}
    for _ in range(max_steps):
        if not frontier:
            break
        links = LineageLink.objects.filter(predecessor_id__in=list(frontier)).values_list(
            "predecessor_id", "event__effective_date", "successor_id"
        )
        successors: dict[tuple[str, date], set[str]] = defaultdict(set)
        for predecessor, day, successor in links:
            successors[(predecessor, day)].add(successor)
        following: dict[str, set[str]] = defaultdict(set)
        for (predecessor, _day), found in successors.items():
            starts = frontier[predecessor]
            if len(found) > 1:
                divided |= starts
            for successor in found:  # lineage runs forward in time: no cycle to guard against
                following[successor] |= starts
        frontier = following
    return divided
