"""The floors: bare SQL aggregates computing the numbers a page shows, on Django's connection,
with no ORM, no Python per row and no template. A page can hardly be faster than its floor.

Province dashboard (per cycle and scope): units per appraising body, status and level with the sums
behind the means (summary, groups, progress); the largest self − appraised gaps; points per
indicator over approved appraisals; the units within 5 points below the next band and their points
per indicator; levels per year and district over the programme (trend); and the years visible.
National summary: units per status and level of the cycle.
"""

from django.db import connection

from friendlygov.assessments.workflow import DECIDED, Status

DONE = [Status.APPRAISED.value, *(s.value for s in DECIDED)]


def scope_for(user) -> str | None:
    """The unit the user's grant reaches down from, None for everything (a superuser)."""
    if user.is_superuser:
        return None
    return user.grants.get().unit_id


def _units(scope: str | None) -> tuple[str, list]:
    if scope is None:
        return "TRUE", []
    sql = (
        "a.unit_id IN (SELECT u.id FROM units_unitversion u"
        " LEFT JOIN units_unitversion p ON p.id = u.parent_id"
        " WHERE u.id = %s OR u.parent_id = %s OR p.parent_id = %s)"
    )
    return sql, [scope, scope, scope]


def _run(sql: str, params: list) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def national_summary(cycle, scope) -> list:
    where, params = _units(scope)
    return _run(
        f"SELECT a.status, a.final_level, count(*) FROM assessments_assessment a"  # noqa: S608
        f" WHERE a.cycle_id = %s AND {where} GROUP BY 1, 2",
        [cycle.pk, *params],
    )


def province_dashboard(cycle, scope) -> list:
    where, params = _units(scope)
    out = []
    out.append(
        _run(
            "SELECT DISTINCT c.year FROM assessments_assessment a"  # noqa: S608
            f" JOIN assessments_cycle c ON c.id = a.cycle_id WHERE {where}",
            params,
        )
    )
    out.append(
        _run(
            "SELECT b.unit_id, b.name, a.status, a.final_level, count(*), sum(a.final_score),"  # noqa: S608
            " sum(a.self_score - a.appraised_score) FILTER (WHERE a.status = ANY(%s)),"
            " count(*) FILTER (WHERE a.status = ANY(%s) AND a.self_score - a.appraised_score > 3)"
            " FROM assessments_assessment a JOIN assessments_appraisingbody b ON b.id = a.body_id"
            f" WHERE a.cycle_id = %s AND {where} GROUP BY 1, 2, 3, 4",
            [DONE, DONE, cycle.pk, *params],
        )
    )
    out.append(
        _run(
            "SELECT u.name, a.self_score - a.appraised_score AS gap FROM assessments_assessment a"  # noqa: S608
            " JOIN units_unitversion u ON u.id = a.unit_id"
            f" WHERE a.cycle_id = %s AND a.status = ANY(%s) AND {where}"
            " ORDER BY gap DESC, u.search_name LIMIT 15",
            [cycle.pk, DONE, *params],
        )
    )
    losses = (
        "SELECT s.indicator_id, count(*), sum(s.appraised_points) FROM assessments_indicatorscore s"
        " JOIN assessments_assessment a ON a.id = s.assessment_id"
        " WHERE a.cycle_id = %s AND a.status = ANY(%s) AND NOT s.appraised_na"
        " AND s.appraised_points IS NOT NULL AND {where} {near} GROUP BY 1"
    )
    out.append(_run(losses.format(where=where, near=""), [cycle.pk, DONE, *params]))
    near = (
        "AND a.final_score < CASE coalesce(a.final_level, 0) WHEN 0 THEN 80 WHEN 1 THEN 85 WHEN 2 THEN 90"
        " ELSE 95 END AND a.final_score >= CASE coalesce(a.final_level, 0) WHEN 0 THEN 75 WHEN 1 THEN 80"
        " WHEN 2 THEN 85 ELSE 90 END AND coalesce(a.final_level, 0) < 4"
    )
    out.append(_run(losses.format(where=where, near=near), [cycle.pk, DONE, *params]))
    out.append(
        _run(
            "SELECT c.year, u.parent_id, a.status, a.final_level, count(*) FROM assessments_assessment a"  # noqa: S608
            " JOIN assessments_cycle c ON c.id = a.cycle_id JOIN units_unitversion u ON u.id = a.unit_id"
            f" WHERE c.program_id = %s AND c.year <= %s AND {where} GROUP BY 1, 2, 3, 4",
            [cycle.program_id, cycle.year, *params],
        )
    )
    return out
