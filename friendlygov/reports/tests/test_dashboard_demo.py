"""The full demo (235 units in 2024): the dashboard and the summary API agree on every count,
percentage and target, and the number of queries does not grow with the number of units."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from friendlygov.accounts.models import Role, User
from friendlygov.assessments import permissions
from friendlygov.assessments.models import Assessment
from friendlygov.assessments.workflow import DECIDED
from friendlygov.programs.selectors import rules_for
from friendlygov.reports import selectors
from friendlygov.reports.targets import attainment

from .dashboard_fixtures import demo_cycles, grant

HAI_DUONG = "30@2024-01-01"
KIM_THANH_2024 = "293@2024-01-01"


@pytest.fixture(scope="module")
def cycles(full_demo, django_db_blocker):
    with django_db_blocker.unblock():
        return demo_cycles()


def test_2024_dashboard_api_and_targets_agree(cycles, admin_client, anonymous):
    summary = selectors.cycle_counts(cycles[2024], Assessment.objects.all())
    assert summary.units_total == 235 == summary.decided
    api = anonymous.get("/api/v1/cycles/2024/summary").json()
    assert api["units_total"] == 235
    assert api["by_level"] == {str(k): v for k, v in summary.by_level.items()}
    targets = attainment(2024, {int(k): v for k, v in api["by_level"].items()}, units_total=235)
    assert [(t["required"], t["actual"], t["met"], t["gap_units"]) for t in api["targets"]] == [
        (t.required_units, t.actual_units, t.met, t.gap_units) for t in targets
    ]
    page = re.sub(r"\s+", " ", admin_client.get(reverse("reports:dashboard", args=[2024])).content.decode())
    for share in summary.levels:
        percent = f"{share.percent.normalize():f}".replace(".", ",")
        assert f'<td class="numeric">{share.count}</td> <td class="numeric">{percent}</td>' in page
    for t in targets:
        cells = f'<td class="numeric">{t.required_units}</td> <td class="numeric">{t.actual_units}</td>'
        assert cells in page
    assert sum(summary.by_level.values()) == 235
    assert sum(share.percent for share in summary.levels) == pytest.approx(Decimal(100), abs=Decimal("0.05"))


def count_queries(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured.captured_queries)


def test_the_selectors_issue_as_many_queries_for_one_district_as_for_the_province(cycles, make_persona):
    small = grant(make_persona, "viewer-kt", Role.VIEWER, KIM_THANH_2024, year=2024).user
    large = grant(make_persona, "viewer-hd", Role.VIEWER, HAI_DUONG, year=2024).user

    def everything(user):
        def run():
            scope = permissions.visible(user)
            cycle = cycles[2024]
            snap = selectors.snapshot(cycle, scope, grouping=selectors.BY_FORMER_DISTRICT)
            for read in (selectors.summary, selectors.progress, selectors.discrepancy, selectors.results):
                read(snap)
            selectors.indicator_analysis(cycle, scope)
            selectors.trend(cycle, scope)

        return run

    rules_for(cycles[2024])  # read once per process (a rule version never changes)
    sizes = [permissions.visible(u).filter(cycle=cycles[2024]).count() for u in (small, large)]
    assert sizes[0] < 30 and sizes[1] == 235
    assert count_queries(everything(small)) == count_queries(everything(large))


def test_the_page_issues_as_many_queries_for_one_district_as_for_the_province(cycles, make_persona):
    small = grant(make_persona, "page-kt", Role.VIEWER, KIM_THANH_2024, year=2024)
    large = grant(make_persona, "page-hd", Role.VIEWER, HAI_DUONG, year=2024)
    url = reverse("reports:dashboard", args=[2024])
    small.get(url), large.get(url)  # warm caches (framework rules, templates)
    assert count_queries(lambda: small.get(url)) == count_queries(lambda: large.get(url))


def test_the_api_issues_as_many_queries_for_one_unit_as_for_the_city(cycles, make_persona):
    unit_id = cycles[2026].assessments.order_by("unit__code").first().unit_id
    small = grant(make_persona, "api-one", Role.COMMUNE_OFFICER, unit_id)
    large = grant(make_persona, "api-city", Role.VIEWER, "31@2025-07-01")
    url = "/api/v1/cycles/2026/results"
    assert small.get(url).json()["count"] == 1 and large.get(url).json()["count"] == 64
    assert count_queries(lambda: small.get(url)) == count_queries(lambda: large.get(url))


def test_2024_export_agrees_with_the_dashboard_and_the_api(cycles, admin_client, anonymous):
    import io
    from collections import Counter

    import openpyxl

    from friendlygov.frameworks.labels import LEVEL_LABELS

    summary = selectors.cycle_counts(cycles[2024], Assessment.objects.all())
    api = anonymous.get("/api/v1/cycles/2024/summary").json()
    response = admin_client.get(reverse("reports:export_cycle", args=[2024]))
    content = b"".join(response.streaming_content) if response.streaming else response.content
    book = openpyxl.load_workbook(io.BytesIO(content))

    level_of = {str(label): level for level, label in LEVEL_LABELS.items()}
    header, *rows = list(book["Kết quả"].iter_rows(values_only=True))
    levels = Counter(level_of[row[header.index("Mức")]] for row in rows if row[0] is not None)
    assert len([row for row in rows if row[0] is not None]) == api["units_total"] == summary.units_total
    assert {level: levels.get(level, 0) for level in range(5)} == summary.by_level
    assert {str(k): v for k, v in summary.by_level.items()} == api["by_level"]

    _header, *target_rows = list(book["Mục tiêu"].iter_rows(values_only=True))
    exported = [(row[1], row[3], row[6]) for row in target_rows if isinstance(row[1], int)]
    assert exported == [(t["required"], t["actual"], t["gap_units"]) for t in api["targets"]]
    shares = [round(row[4] * 100, 2) for row in target_rows if isinstance(row[1], int)]
    assert shares == [float(t.actual_percent) for t in summary.targets]


def _expected_point(cycle) -> tuple:
    """(year, units, decided, level ≥ 1, level ≥ 2) of the whole cycle, counted here from the rows."""
    rows = list(Assessment.objects.filter(cycle=cycle).values_list("status", "final_level"))
    decided = [(level or 0) if status == "recognised" else 0 for status, level in rows if status in DECIDED]
    return (
        cycle.year,
        len(rows),
        len(decided),
        sum(1 for level in decided if level >= 1),
        sum(1 for level in decided if level >= 2),
    )


def test_the_hai_phong_leader_reads_the_trend_from_2024_through_lineage(cycles, client):
    """The city's leader (a viewer grant on Thành phố Hải Phòng since 1 July 2025) sees Hải Dương's
    235 communes of 2024, all predecessors of the city's 64 units, beside 2025 and 2026."""
    leader = User.objects.get(username="lanhdao.haiphong")
    client.force_login(leader)
    points = selectors.trend_points(cycles[2026], permissions.visible(leader))
    assert [(p.year, p.units_total, p.decided, p.meeting, p.above) for p in points] == [
        _expected_point(cycles[year]) for year in (2024, 2025, 2026)
    ]
    assert [p.units_total for p in points] == [235, 64, 64]

    page = re.sub(r"\s+", " ", client.get(reverse("reports:dashboard", args=[2026])).content.decode())
    for year, units, decided, meeting, _above in (_expected_point(cycles[y]) for y in (2024, 2025, 2026)):
        cells = (
            f'<th scope="row">{year}</th> <td class="numeric">{units}</td> <td class="numeric">{decided}</td>'
        )
        assert cells + f' <td class="numeric">{meeting}</td>' in page
    assert client.get(reverse("reports:dashboard", args=[2024])).status_code == 200


def test_the_leader_reads_decided_history_but_not_the_unfinished_work_of_predecessors(cycles):
    """Only decided results come through lineage; the leader still acts on nothing."""
    leader = User.objects.get(username="lanhdao.haiphong")
    visible = permissions.visible(leader)
    assert visible.filter(cycle=cycles[2024]).count() == 235
    assert not visible.filter(cycle=cycles[2024]).exclude(status__in=DECIDED).exists()
    a_2024 = visible.filter(cycle=cycles[2024]).first()
    assert permissions.may(leader, permissions.VIEW, a_2024)
    assert not permissions.may(leader, permissions.VIEW_APPRAISAL, a_2024)
    appraiser_2024 = User.objects.get(username="thamdinh.kimthanh2024")
    assert not permissions.visible(appraiser_2024).filter(cycle=cycles[2026]).exists()
