"""Does a role grant reach a unit? The one answer, for every app.

A grant is a role on a unit, for one cycle year or for every year. It covers the unit and every
unit under it, at any depth: province → district → commune before July 2025, province → commune
after. Each unit version stores its ancestry path ("/<top>/…/<unit>/", see units.models), so
"is this unit under that one" is a string test in Python and an indexed prefix match in SQL,
and nobody walks up the tree.

"From above" means the grant's unit must be a strict ancestor: nobody appraises, decides on or
supervises their own unit.

A person's grants are read once per version of them (`User.grants_version`, moved on by every
change) and kept between requests in the process, so a signed-in request does not read them again.

A grant also reaches back in time through lineage (`reaches_through_lineage`, `lineage_q`): the
units its subtree was formed from, by merger, division, renaming…, up to `LINEAGE_STEPS` events
back. Whoever may see a unit may read the decided past results of its predecessors (the
assessments policy grants that for viewing only), so the Hải Phòng leader's trend starts with
Hải Dương's 2024 communes.

Every app's policy (`may`, `which`, `visible`…) is built from these functions; a guard test
(tests/test_reach_guard.py) fails if another module walks unit parents itself.
"""

import threading
import time

from django.db import router, transaction
from django.db.models import F, Q

from friendlygov.units.models import LineageLink, UnitVersion, path_ids

from .models import Role, RoleGrant

COMMUNE_ROLES = (Role.COMMUNE_OFFICER, Role.COMMUNE_CHAIR)
APPRAISAL_ROLES = (Role.APPRAISER, Role.APPRAISAL_HEAD)
PROVINCE_ADMIN = (Role.PROVINCE_ADMIN,)

_CACHE = "_reach_grants"


class _Recent:
    """The grants read lately in this process, by (user id, grants version): a request whose user
    row shows the same version reuses them instead of reading them again. A change of grants moves
    the version on (`grants_changed`), so other processes read them afresh at their next request;
    entries also expire after `seconds`, which bounds what a change made around the ORM could leave
    behind. Shared by the threads of a process; the grants kept are read-only."""

    def __init__(self, size: int = 4096, seconds: float = 60.0):
        self.size, self.seconds = size, seconds
        self._entries: dict[tuple[int, int], tuple[float, list[RoleGrant]]] = {}
        self._lock = threading.Lock()

    def get(self, key):
        entry = self._entries.get(key)
        if entry is None or time.monotonic() - entry[0] > self.seconds:
            return None
        return entry[1]

    def put(self, key, grants) -> None:
        with self._lock:
            if len(self._entries) >= self.size:
                self._entries.pop(next(iter(self._entries)))
            self._entries[key] = (time.monotonic(), grants)

    def drop(self, user_ids) -> None:
        with self._lock:
            for key in [key for key in self._entries if key[0] in user_ids]:
                del self._entries[key]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_recent = _Recent()


def grants(user) -> list[RoleGrant]:
    """The user's grants with their units: kept on the user object for the request, and between
    requests for the version of the grants the user row shows.

    Only grants read outside a transaction are kept between requests: inside one they may be
    changes that are rolled back later (the version with them)."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, _CACHE, None)
    if cached is None:
        key = (user.pk, user.grants_version)
        cached = _recent.get(key)
        if cached is None:
            cached = list(RoleGrant.objects.filter(user_id=user.pk).select_related("unit"))
            if not transaction.get_connection(router.db_for_read(RoleGrant)).in_atomic_block:
                _recent.put(key, cached)
        setattr(user, _CACHE, cached)
    return cached


def forget(user) -> None:
    """Drop the cached grants after they changed within the same request."""
    if hasattr(user, _CACHE):
        delattr(user, _CACHE)


def forget_everyone() -> None:
    """Drop every grant kept in this process: for tests, which switch between databases whose
    users share ids and versions, as a running site never does."""
    _recent.clear()


def grants_changed(user_ids) -> None:
    """Call after adding, changing or removing grants of these users (saving or deleting a
    RoleGrant does it through signals; bulk writes call it themselves)."""
    from .models import User

    user_ids = set(user_ids)
    User.objects.filter(pk__in=user_ids).update(grants_version=F("grants_version") + 1)
    _recent.drop(user_ids)


def chain(unit) -> list[str]:
    """The ids of `unit` and its ancestors, nearest first."""
    return path_ids(unit.path)


def grant_reaches(grant, unit, year: int, *, from_above: bool = False) -> bool:
    if not grant.applies_to_year(year):
        return False
    if from_above and grant.unit_id == unit.pk:
        return False
    return grant.unit_id in chain(unit)


def reaches(user, unit, roles, year: int, *, from_above: bool = False) -> bool:
    """Does any of the user's grants in `roles` reach `unit` for `year`?"""
    return any(
        grant.role in roles and grant_reaches(grant, unit, year, from_above=from_above)
        for grant in grants(user)
    )


def holds(user, roles) -> bool:
    """Does the user hold any of `roles` anywhere, in any year?"""
    return any(grant.role in roles for grant in grants(user))


def holders(unit, roles, year: int, *, from_above: bool = False):
    """The active users holding one of `roles` through a grant that reaches `unit` for `year`."""
    from .models import User

    ids = chain(unit)[1:] if from_above else chain(unit)
    granted = RoleGrant.objects.filter(role__in=roles, unit_id__in=ids).filter(
        Q(year__isnull=True) | Q(year=year)
    )
    return User.objects.filter(is_active=True, pk__in=granted.values("user_id")).order_by("username")


def sees_everything(user) -> bool:
    """A superuser sees everything (and acts on no unit by that alone)."""
    return bool(user.is_authenticated and user.is_superuser)


def is_province_admin(user) -> bool:
    """Keeps cycles, frameworks, imports and users: a superuser or a province administrator grant."""
    return sees_everything(user) or (user.is_authenticated and user.is_active and holds(user, PROVINCE_ADMIN))


def under_q(unit, *, from_above: bool = False, field: str = "") -> Q:
    """Units in `unit`'s subtree (strictly below it with `from_above`), as a Q on UnitVersion or,
    with `field`, on a model whose `field` points at a unit version."""
    prefix = f"{field}__" if field else ""
    query = Q(**{f"{prefix}path__startswith": unit.path})
    if from_above:
        query &= ~Q(**{f"{prefix}pk": unit.pk})
    return query


def reach_q(user, roles, *, unit_field: str = "unit", year_field: str = "cycle__year", from_above=False) -> Q:
    """The rows (assessments, bodies, decisions…) whose unit the user's grants in `roles` reach,
    for the grant's year. The units reached are a subquery on the small units table, not a join
    with ORs across it: PostgreSQL then reads the rows of those units by index."""
    query = Q(pk__in=[])
    for grant in grants(user):
        if grant.role not in roles:
            continue
        units = UnitVersion.objects.filter(under_q(grant.unit, from_above=from_above)).values("pk")
        reach = Q(**{f"{unit_field}__in": units})
        if grant.year is not None:
            reach &= Q(**{year_field: grant.year})
        query |= reach
    return query


# --- Back in time, through lineage ----------------------------------------------------------------

# Lineage events followed back from a unit: Hải Dương's 2024 communes reach the city's 2025 units in
# two (the renamings and mergers of 1 January 2025, then the merger of 1 July 2025).
LINEAGE_STEPS = 4


def _applies_up_to(grant, year: int) -> bool:
    """A grant for one year reaches back to the results of that year and before; one for every
    year, to all of them."""
    return grant.year is None or year <= grant.year


def successors_closure(unit) -> set[str]:
    """The ids of the units formed from `unit`, up to LINEAGE_STEPS events on (one query per step)."""
    found, frontier = set(), {unit.pk}
    for _step in range(LINEAGE_STEPS):
        frontier = (
            set(
                LineageLink.objects.filter(predecessor_id__in=frontier).values_list("successor_id", flat=True)
            )
            - found
        )
        if not frontier:
            break
        found |= frontier
    return found


def reaches_through_lineage(user, unit, roles, year: int) -> bool:
    """Does a grant in `roles` reach a unit formed from `unit` (its successor, any number of steps
    up to LINEAGE_STEPS), for `year` or a later year? `unit` itself is not counted: `reaches` says
    that."""
    wanted = [grant for grant in grants(user) if grant.role in roles and _applies_up_to(grant, year)]
    if not wanted:
        return False
    successors = successors_closure(unit)
    if not successors:
        return False
    paths = UnitVersion.objects.filter(pk__in=successors).values_list("path", flat=True)
    return any(grant.unit_id in path_ids(path) for path in paths for grant in wanted)


def _predecessors_of(units):
    """A subquery of the ids of the units `units` (a subquery of ids) were formed from, up to
    LINEAGE_STEPS events back, as one union of nested subqueries (no query is run here)."""
    steps, frontier = [], units
    for _step in range(LINEAGE_STEPS):
        frontier = LineageLink.objects.filter(successor_id__in=frontier).values("predecessor_id")
        steps.append(frontier)
    return steps


def lineage_q(user, roles, *, unit_field: str = "unit", year_field: str = "cycle__year") -> Q:
    """The rows whose unit is a predecessor (through lineage, up to LINEAGE_STEPS) of a unit the
    user's grants in `roles` reach, for the grant's year or an earlier one: the same answer as
    `reaches_through_lineage`, as a query."""
    query = Q(pk__in=[])
    for grant in grants(user):
        if grant.role not in roles:
            continue
        units = UnitVersion.objects.filter(under_q(grant.unit)).values("pk")
        reach = Q()
        for step in _predecessors_of(units):
            reach |= Q(**{f"{unit_field}__in": step})
        if grant.year is not None:
            reach &= Q(**{f"{year_field}__lte": grant.year})
        query |= reach
    return query
