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

Every app's policy (`may`, `which`, `visible`…) is built from these functions; a guard test
(tests/test_reach_guard.py) fails if another module walks unit parents itself.
"""

import threading
import time

from django.db import router, transaction
from django.db.models import F, Q

from friendlygov.units.models import UnitVersion, path_ids

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
