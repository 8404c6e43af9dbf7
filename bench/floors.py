"""The floors: bare SQL aggregates computing the numbers a page shows, on Django's connection,
with no ORM, no Python per row and no template. A page can hardly be faster than its floor.

Province dashboard (per cycle and scope): units per appraising body, status and level with the sums
behind the means (summary, groups, progress); the largest self − appraised gaps; points per
indicator over approved appraisals; the units within 5 points below the next band and their points
per indicator; levels per year and district over the programme (trend); and the years visible.
National summary: units per status and level of the cycle.

The lists of the pages part (bench/pages.py), each the bare SQL of the page it stands beside: the
rows matching its filters counted (by status, level or in all) and one page of 50 rows with the
columns shown, ordered as the page orders them (`assessment_page`, `all_assessments_page`,
`public_page`, `decision_page`, `survey_page`); the dashboard's lists of units near the next level
(`near_level`) and of levels per year and district (`trend`). A floor leaves out what the app adds
on top (the register's revocations and supersessions, permission checks beyond the unit tree), so
it is a lower bound, not the same answer.
"""

from django.db import connection

from friendlygov.assessments.workflow import DECIDED, Status
from friendlygov.core.i18n import fold

DONE = [Status.APPRAISED.value, *(s.value for s in DECIDED)]


LOSSES = (
    "SELECT s.indicator_id, count(*), sum(s.appraised_points) FROM assessments_indicatorscore s"
    " JOIN assessments_assessment a ON a.id = s.assessment_id"
    " WHERE a.cycle_id = %s AND a.status = ANY(%s) AND NOT s.appraised_na"
    " AND s.appraised_points IS NOT NULL AND {where} {near} GROUP BY 1"
)
NEAR = (
    "AND a.final_score < CASE coalesce(a.final_level, 0) WHEN 0 THEN 80 WHEN 1 THEN 85 WHEN 2 THEN 90"
    " ELSE 95 END AND a.final_score >= CASE coalesce(a.final_level, 0) WHEN 0 THEN 75 WHEN 1 THEN 80"
    " WHEN 2 THEN 85 ELSE 90 END AND coalesce(a.final_level, 0) < 4"
)


def scope_for(user) -> str | None:
    """The unit the user's grant reaches down from, None for everything (a superuser, or the
    public: anonymous visitors see the published results of every unit)."""
    if user is None or user.is_superuser:
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


def _bodies(scope: str | None) -> tuple[str, list]:
    """As _units, for the appraising body's unit (a decision's reach)."""
    where, params = _units(scope)
    return where.replace("a.unit_id", "b.unit_id"), params


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
    out.append(_run(LOSSES.format(where=where, near=""), [cycle.pk, DONE, *params]))
    out.append(_run(LOSSES.format(where=where, near=NEAR), [cycle.pk, DONE, *params]))
    out.append(trend(cycle, scope))
    return out


def near_level(cycle, scope) -> list:
    """The units within 5 points below the next band, and their points per indicator."""
    where, params = _units(scope)
    units = _run(
        "SELECT a.id, u.name, a.final_score, a.final_level FROM assessments_assessment a"  # noqa: S608
        f" JOIN units_unitversion u ON u.id = a.unit_id WHERE a.cycle_id = %s AND a.status = ANY(%s)"
        f" AND {where} {NEAR} ORDER BY a.final_score DESC, u.search_name",
        [cycle.pk, DONE, *params],
    )
    return [units, _run(LOSSES.format(where=where, near=NEAR), [cycle.pk, DONE, *params])]


def trend(cycle, scope) -> list:
    """Levels per year and district over the programme, up to the cycle's year."""
    where, params = _units(scope)
    return _run(
        "SELECT c.year, u.parent_id, a.status, a.final_level, count(*) FROM assessments_assessment a"  # noqa: S608
        " JOIN assessments_cycle c ON c.id = a.cycle_id JOIN units_unitversion u ON u.id = a.unit_id"
        f" WHERE c.program_id = %s AND c.year <= %s AND {where} GROUP BY 1, 2, 3, 4",
        [cycle.program_id, cycle.year, *params],
    )


PAGE = 50


def assessment_page(cycle, scope, *, status=None, q=None, offset=0) -> list:
    """The assessment list of a cycle: counts by status, then one page ordered by name."""
    where, params = _units(scope)
    if status:
        where, params = f"{where} AND a.status = %s", [*params, status]
    if q:
        where, params = f"{where} AND u.search_name LIKE %s", [*params, f"%{fold(q)}%"]
    units = " FROM assessments_assessment a JOIN units_unitversion u ON u.id = a.unit_id"
    body = " JOIN assessments_appraisingbody b ON b.id = a.body_id"
    condition = f" WHERE a.cycle_id = %s AND {where}"
    return [
        _run(f"SELECT a.status, count(*){units}{condition} GROUP BY 1", [cycle.pk, *params]),
        _run(
            "SELECT a.id, u.code, u.name, b.name, a.status, a.self_score, a.final_score, a.final_level"
            f"{units}{body}{condition} ORDER BY u.search_name, a.id LIMIT %s OFFSET %s",
            [cycle.pk, *params, PAGE, offset],
        ),
    ]


def all_assessments_page(cycle, scope, *, offset=0) -> list:
    """The API's assessments of every year: the count, then one page by year (newest), unit code."""
    where, params = _units(scope)
    base = (
        " FROM assessments_assessment a JOIN assessments_cycle c ON c.id = a.cycle_id"
        f" JOIN units_unitversion u ON u.id = a.unit_id WHERE {where}"
    )
    return [
        _run(f"SELECT count(*){base}", params),
        _run(
            f"SELECT a.id, c.year, u.code, u.name, a.status, a.final_score, a.final_level{base}"
            " ORDER BY c.year DESC, u.code, a.id LIMIT %s OFFSET %s",
            [*params, PAGE, offset],
        ),
    ]


def public_page(cycle, scope=None, *, q=None, offset=0) -> list:
    """Published results: the items of the cycle's issued decisions counted by level, then one
    page by level (highest first) and name."""
    where, params = _units(scope)
    if q:
        where, params = f"{where} AND u.search_name LIKE %s", [*params, f"%{fold(q)}%"]
    base = (
        " FROM assessments_decisionitem i JOIN assessments_decision d ON d.id = i.decision_id"
        " JOIN assessments_assessment a ON a.id = i.assessment_id"
        " JOIN units_unitversion u ON u.id = a.unit_id"
        f" WHERE d.cycle_id = %s AND d.state = 'issued' AND {where}"
    )
    return [
        _run(f"SELECT i.level, count(*){base} GROUP BY 1", [cycle.pk, *params]),
        _run(
            f"SELECT u.code, u.name, i.level, i.final_score, d.number, d.signed_on{base}"
            " ORDER BY i.level DESC, u.search_name, a.id LIMIT %s OFFSET %s",
            [cycle.pk, *params, PAGE, offset],
        ),
    ]


def decision_page(cycle, scope, *, offset=0) -> list:
    """The decisions the scope's bodies issued, of every year: the count, then one page (newest
    first) with the number of units each names."""
    where, params = _bodies(scope)
    base = f" FROM assessments_decision d JOIN assessments_appraisingbody b ON b.id = d.body_id WHERE {where}"
    return [
        _run(f"SELECT d.state, count(*){base} GROUP BY 1", params),
        _run(
            "SELECT d.id, d.number, d.signed_on, b.name,"  # noqa: S608
            " (SELECT count(*) FROM assessments_decisionitem i WHERE i.decision_id = d.id)"
            f"{base} ORDER BY d.signed_on DESC, d.number, d.id LIMIT %s OFFSET %s",
            [*params, PAGE, offset],
        ),
    ]


def survey_page(cycle, scope, *, offset=0) -> list:
    """The survey results of a cycle: the units counted, then one page of units by code with
    their responses, satisfied responses and answers per aspect."""
    where, params = _units(scope)
    page = (
        "SELECT a.id, u.code, u.name FROM assessments_assessment a JOIN units_unitversion u"  # noqa: S608
        f" ON u.id = a.unit_id WHERE a.cycle_id = %s AND {where} ORDER BY u.code, a.id LIMIT %s OFFSET %s"
    )
    return [
        _run(
            f"SELECT count(*) FROM assessments_assessment a WHERE a.cycle_id = %s AND {where}",  # noqa: S608
            [cycle.pk, *params],
        ),
        _run(
            f"SELECT p.id, p.code, p.name, r.channel, count(*), count(*) FILTER (WHERE r.overall >= 4)"  # noqa: S608
            f" FROM ({page}) p JOIN feedback_surveyresponse r ON r.assessment_id = p.id GROUP BY 1, 2, 3, 4",
            [cycle.pk, *params, PAGE, offset],
        ),
        _run(
            f"SELECT p.id, s.question, count(*), count(*) FILTER (WHERE s.value >= 4) FROM ({page}) p"  # noqa: S608
            " JOIN feedback_surveyresponse r ON r.assessment_id = p.id"
            " JOIN feedback_surveyanswer s ON s.response_id = r.id GROUP BY 1, 2",
            [cycle.pk, *params, PAGE, offset],
        ),
    ]
