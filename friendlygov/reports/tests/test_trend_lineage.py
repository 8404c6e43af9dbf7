"""History across mergers: the results imported for a past year count in the trend of whoever
sees the units formed from those communes, by the one reach policy."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from friendlygov.accounts.models import Role
from friendlygov.assessments import permissions
from friendlygov.assessments.models import Cycle
from friendlygov.frameworks.models import FrameworkVersion
from friendlygov.reports import selectors
from friendlygov.reports.models import ImportedResult
from friendlygov.units.models import UnitVersion

from .dashboard_fixtures import grant

pytestmark = pytest.mark.django_db
HAI_PHONG_CITY = "31@2025-07-01"


@pytest.fixture
def imported_2024(reference_data, tmp_path):
    """Three Hải Dương communes of 2024 imported through `import_results`: levels 4, 1 and 0."""
    units = list(
        UnitVersion.objects.valid_on(date(2024, 12, 31))
        .filter(province_code="30", level=3)
        .order_by("code")[:3]
    )
    book = Workbook()
    sheet = book.active
    sheet.append(["Mã đơn vị", "Điểm cuối cùng", "Số quyết định", "Ngày quyết định"])
    for unit, score in zip(units, (96.5, 84.99, 79), strict=True):
        sheet.append([unit.code, score, "12/QĐ-UBND", date(2025, 1, 10)])
    path = tmp_path / "ket-qua-2024.xlsx"
    book.save(path)
    call_command("import_results", str(path), cycle=2024, stdout=StringIO(), stderr=StringIO())
    assert ImportedResult.objects.count() == 3
    return units


@pytest.fixture
def cycle_2025(reference_data):
    return Cycle.objects.create(
        year=2025,
        name="Đánh giá năm 2025",
        framework=FrameworkVersion.objects.get(code="hai-duong-2024"),
        self_assessment_opens=date(2025, 10, 1),
        self_assessment_closes=date(2025, 11, 30),
        appraisal_deadline=date(2025, 12, 31),
        decision_from=date(2026, 1, 1),
        decision_until=date(2026, 1, 31),
    )


def points_for(user, cycle):
    points = selectors.trend_points(cycle, permissions.visible(user), selectors.imported_results_for(user))
    return [(p.year, p.units_total, p.decided, p.meeting, p.above) for p in points]


def test_the_city_trend_counts_the_imported_results_of_its_predecessors(
    imported_2024, cycle_2025, make_persona
):
    leader = grant(make_persona, "leader-hp", Role.VIEWER, HAI_PHONG_CITY).user
    assert points_for(leader, cycle_2025) == [(2024, 3, 3, 2, 1)]
    trend = selectors.trend(
        cycle_2025, permissions.visible(leader), imported=selectors.imported_results_for(leader)
    )
    assert trend.years == [2024] and sum(g.points[2024].units_total for g in trend.groups) == 3


def test_a_grant_reads_imported_results_only_of_what_it_reaches(imported_2024, cycle_2025, make_persona):
    one_commune = grant(make_persona, "viewer-one", Role.VIEWER, imported_2024[0].pk).user
    assert points_for(one_commune, cycle_2025) == [(2024, 1, 1, 1, 1)]
    before_the_merger = grant(make_persona, "leader-2023", Role.VIEWER, HAI_PHONG_CITY, year=2023).user
    assert points_for(before_the_merger, cycle_2025) == []
    nobody = make_persona("no-grants").user
    assert points_for(nobody, cycle_2025) == []
