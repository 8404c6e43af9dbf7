"""Does a role grant reach a unit? The one answer, for every app.

A grant is a role on a unit, for one cycle year or for every year. It covers the unit and every
unit under it, at any depth: province → district → commune before July 2025, province → commune
after. Each unit version stores its ancestry path ("/<top>/…/<unit>/", see units.models), so
"is this unit under that one" is a string test in Python and an indexed prefix match in SQL,
and nobody walks up the tree.

"From above" means the grant's unit must be a strict ancestor: nobody appraises, decides on or
supervises their own unit.

Every app's policy (`may`, `which`, `visible`…) is built from these functions; a guard test
(tests/test_reach_guard.py) fails if another module walks unit parents itself.
"""

from django.db.models import Q

from friendlygov.units.models import UnitVersion, path_ids

from .models import Role, RoleGrant

COMMUNE_ROLES = (Role.COMMUNE_OFFICER, Role.COMMUNE_CHAIR)
APPRAISAL_ROLES = (Role.APPRAISER, Role.APPRAISAL_HEAD)
PROVINCE_ADMIN = (Role.PROVINCE_ADMIN,)

_CACHE = "_reach_grants"


def grants(user) -> list[RoleGrant]:
    """The user's grants with their units, read once per request (the user object is per request)."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, _CACHE, None)
    if cached is None:
        cached = list(RoleGrant.objects.filter(user_id=user.pk).select_related("unit"))
        setattr(user, _CACHE, cached)
    return cached


def forget(user) -> None:
    """Drop the cached grants after they changed within the same request."""
    if hasattr(user, _CACHE):
        delattr(user, _CACHE)


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
