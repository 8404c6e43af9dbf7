"""The trend of the 64 units of Hải Phòng formed from Hải Dương: 2024 as imported from the
province's sheets (235 communes), 2025 and 2026 as cycles here, joined through lineage; each
year with its own denominator and targets, the change of scope marked, divided units flagged."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from friendlygov.accounts.models import Role
from friendlygov.assessments import permissions, services
from friendlygov.assessments.models import AppraisingBody, Cycle
from friendlygov.demo.generator import hai_duong_communes, hai_phong_from_hai_duong
from friendlygov.frameworks.levels import level_for_score
from friendlygov.frameworks.models import FrameworkVersion
from friendlygov.reports import selectors
from friendlygov.reports.history import history_of
from friendlygov.reports.models import ImportedResult
from friendlygov.units.models import UnitVersion
from friendlygov.units.selectors import divided_later, predecessors_of

from .dashboard_fixtures import grant

pytestmark = pytest.mark.django_db
HAI_PHONG_CITY = "31@2025-07-01"
XA_KIM_THANH = "10804@2025-07-01"
XA_HA_NAM = "10843@2025-07-01"


def score_of(index: int) -> Decimal:
    """A spread of scores over every band: 70.00, 71.25, … wrapping below 100."""
    return Decimal(70) + Decimal(index % 24) * Decimal("1.25")


@pytest.fixture
def history(reference_data, tmp_path, django_user_model):
    communes = hai_duong_communes(2024)
    book = Workbook()
    sheet = book.active
    sheet.append(["Mã đơn vị", "Điểm cuối cùng", "Số quyết định", "Ngày quyết định"])
    for index, unit in enumerate(communes):
        sheet.append([unit.code, float(score_of(index)), "12/QĐ-UBND", date(2025, 1, 10)])
    path = tmp_path / "ket-qua-2024.xlsx"
    book.save(path)
    call_command("import_results", str(path), cycle=2024, stdout=StringIO(), stderr=StringIO())
    admin = django_user_model.objects.create_superuser("admin-trend", "a@example.org", "x")
    cycles = {year: open_city_cycle(year, admin) for year in (2025, 2026)}
    return communes, cycles


def open_city_cycle(year, admin):
    cycle = Cycle.objects.create(
        year=year,
        name=f"Đánh giá năm {year}",
        framework=FrameworkVersion.objects.get(code="hai-duong-2024"),
        self_assessment_opens=date(year, 10, 1),
        self_assessment_closes=date(year, 11, 30),
        appraisal_deadline=date(year, 12, 31),
        decision_from=date(year + 1, 1, 1),
        decision_until=date(year + 1, 1, 31),
    )
    AppraisingBody.objects.create(
        cycle=cycle,
        name="Sở Nội vụ thành phố Hải Phòng",
        unit_id=HAI_PHONG_CITY,
        issuing_authority="ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG",
        place_name="Hải Phòng",
    )
    services.open_cycle(cycle, units=hai_phong_from_hai_duong(year), actor=admin)
    return cycle


def points_for(user, cycle):
    return selectors.trend_points(cycle, permissions.visible(user), selectors.imported_results_for(user))


def test_the_64_units_count_2024_to_2026_through_lineage_with_the_imported_results(history, make_persona):
    communes, cycles = history
    assert len(communes) == 235 and ImportedResult.objects.filter(year=2024).count() == 235
    assert cycles[2026].assessments.count() == 64
    leader = grant(make_persona, "leader-hp", Role.VIEWER, HAI_PHONG_CITY).user
    p2024, p2025, p2026 = points_for(leader, cycles[2026])
    levels = [level_for_score(score_of(i)) for i in range(235)]
    assert (p2024.year, p2024.units_total, p2024.decided, p2024.imported) == (2024, 235, 235, 235)
    assert p2024.meeting == sum(1 for level in levels if level >= 1)
    assert p2024.above == sum(1 for level in levels if level >= 2)
    assert [t.required_units for t in p2024.targets] == [47]  # 20% of 235 at level ≥ 1
    assert p2024.meeting_target == Decimal(20) and not p2024.scope_changed
    # 1 July 2025: 207 → 64 units; the year counts its own 64 (none decided yet), the target its own.
    assert (p2025.year, p2025.units_total, p2025.decided, p2025.imported) == (2025, 64, 0, 0)
    assert p2025.scope_changed and p2025.previous_total == 235
    assert p2025.above_target == Decimal(20) and p2025.targets[0].required_units == 13
    assert (p2026.units_total, p2026.scope_changed, p2026.above_target) == (64, False, Decimal(50))


def test_a_divided_commune_is_flagged_in_the_trend_of_each_unit_it_went_to(history, make_persona):
    """Xã Hòa Bình (Kim Thành), formed on 1 January 2025, was divided on 1 July 2025 between Xã Kim
    Thành and Xã Hà Nam: the 2024 communes it came from count, flagged, in the trend of each."""
    communes, cycles = history
    hoa_binh = UnitVersion.objects.valid_on(date(2025, 6, 30)).get(
        name="Xã Hòa Bình", parent__name="Huyện Kim Thành"
    )
    before = {link.predecessor_id for link in predecessors_of(hoa_binh)}
    dong_cam = next(u for u in communes if u.name == "Xã Đồng Cẩm")
    assert before and before <= divided_later({u.pk for u in communes})
    assert dong_cam.pk not in divided_later([dong_cam.pk])
    for successor in (XA_KIM_THANH, XA_HA_NAM):
        viewer = grant(make_persona, f"viewer-{successor}", Role.VIEWER, successor).user
        p2024 = points_for(viewer, cycles[2026])[0]
        reached = set(
            ImportedResult.objects.filter(permissions.decided_results_q(viewer), year=2024).values_list(
                "unit_id", flat=True
            )
        )
        assert before <= reached and p2024.units_total == len(reached)
        assert p2024.divided == len(reached & divided_later(reached)) >= len(before)


def test_the_history_of_each_part_marks_the_divided_commune(history):
    _communes, cycles = history
    hoa_binh_2024 = {"10798@2024-01-01", "10807@2024-01-01"}
    for successor in (XA_KIM_THANH, XA_HA_NAM):
        assessment = cycles[2026].assessments.get(unit_id=successor)
        entries = {e.unit.pk: e for y in history_of(assessment).years if y.year == 2024 for e in y.entries}
        assert hoa_binh_2024 <= set(entries)
        assert all(entries[pk].divided for pk in hoa_binh_2024)
