"""The cycle export: three sheets, Vietnamese headers, formats, the same counts as the targets
rules, scoped by the policy, and a fixed number of queries whatever the number of units."""

import datetime
from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from friendlygov.assessments.models import AppraisingBody, Cycle
from friendlygov.assessments.services import open_cycle
from friendlygov.assessments.workflow import DECIDED
from friendlygov.core import office
from friendlygov.frameworks.models import FrameworkVersion
from friendlygov.programs.selectors import rules_for
from friendlygov.reports.targets import attainment
from friendlygov.units.models import UnitVersion

from .excel_fixtures import formula_cells, workbook

pytestmark = pytest.mark.django_db


def export(client, year=2024):
    response = client.get(reverse("reports:export_cycle", args=[year]))
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == office.XLSX_TYPE
    return workbook(response.content)


def test_it_exports_three_sheets_with_vietnamese_headers_frozen_and_filtered(issued, admin_client):
    book = export(admin_client)
    assert book.sheetnames == ["Kết quả", "Ma trận chỉ tiêu", "Mục tiêu"]
    results = book["Kết quả"]
    assert [c.value for c in results[1]] == [
        "STT",
        "Mã đơn vị",
        "Tên đơn vị",
        "Loại",
        "Cơ quan thẩm định",
        "Điểm tự chấm",
        "Điểm thẩm định",
        "Điểm cuối cùng",
        "Mức",
        "Trạng thái",
        "Số quyết định",
        "Ngày quyết định",
        "Lý do không đạt chuẩn",
    ]
    assert results.freeze_panes == "A2"
    assert results.auto_filter.ref.startswith("A1:M")
    assert results.column_dimensions["C"].width >= 20
    assert results["F2"].number_format == "0.00"
    assert results["L2"].number_format == "dd/mm/yyyy"
    assert book["Mục tiêu"]["C2"].number_format == "0.0%"
    assert book["Ma trận chỉ tiêu"].freeze_panes == "A3"
    assert book["Ma trận chỉ tiêu"]["A2"].value == "Điểm tối đa"


def test_it_writes_the_decided_units_with_level_decision_number_and_date(
    issued, appraised_units, admin_client
):
    rows = {r[1]: r for r in export(admin_client)["Kết quả"].iter_rows(min_row=2, values_only=True)}
    for assessment in appraised_units:
        assessment.refresh_from_db()
        row = rows[assessment.unit.code]
        assert row[7] == pytest.approx(float(assessment.final_score))
        assert row[8] in ("Không đạt chuẩn", f"Mức {assessment.final_level}")
        assert row[10] == issued.number
        assert row[11].date() == issued.signed_on


def test_its_targets_sheet_counts_undecided_units_as_not_qualified(issued, cycle_2024, admin_client):
    assessments = list(cycle_2024.assessments.all())
    levels = Counter(a.final_level or 0 for a in assessments if a.status in DECIDED)
    expected = attainment(2024, levels, units_total=len(assessments))
    sheet = export(admin_client)["Mục tiêu"]
    rows = [r for r in sheet.iter_rows(min_row=2, values_only=True) if r[1] is not None]
    assert len(rows) == len(expected) >= 1
    for row, target in zip(rows, expected, strict=True):
        assert row[1] == target.required_units
        assert row[3] == target.actual_units
        assert row[6] == target.gap_units
        assert row[7] == len(assessments)
        assert row[5] == ("Đạt" if target.met else "Chưa đạt")
        assert row[4] == pytest.approx(float(target.actual_percent) / 100)
    results = list(export(admin_client)["Kết quả"].iter_rows(min_row=2, values_only=True))
    assert len(results) == len(assessments)


def test_its_matrix_has_a_column_per_indicator_and_a_row_per_unit(cycle_2024, dong_cam, admin_client):
    sheet = export(admin_client)["Ma trận chỉ tiêu"]
    indicators = [c.value for c in sheet[1]][2:]
    leaves = [
        i.code for i in cycle_2024.framework.indicators.filter(children__isnull=True).order_by("order", "id")
    ]
    assert indicators == leaves
    codes = [r[0] for r in sheet.iter_rows(min_row=3, values_only=True) if r[1]]
    assert sorted(codes) == sorted(cycle_2024.assessments.values_list("unit__code", flat=True))


def test_a_commune_officer_exports_only_their_own_unit(people, dong_cam):
    rows = list(export(people["officer"])["Kết quả"].iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in rows] == [dong_cam.unit.code]


def test_someone_without_a_grant_gets_nothing(cycle_2024, signed_in):
    assert signed_in.get(reverse("reports:export_cycle", args=[2024])).status_code == 404


def _province_cycle(year, units, admin):
    cycle = Cycle.objects.create(
        year=year,
        name=f"Đánh giá {year}",
        framework=FrameworkVersion.objects.get(code="hai-duong-2024"),
        self_assessment_opens=date(year, 10, 1),
        self_assessment_closes=date(year, 11, 30),
        appraisal_deadline=date(year, 12, 31),
        decision_from=date(year + 1, 1, 1),
        decision_until=date(year + 1, 1, 31),
    )
    province = units[0]
    while province.parent is not None:
        province = province.parent
    AppraisingBody.objects.create(
        cycle=cycle,
        name="Sở Nội vụ",
        unit=province,
        issuing_authority="ỦY BAN NHÂN DÂN",
        place_name="Hải Phòng",
    )
    open_cycle(cycle, units=units, actor=admin)
    return cycle


def _communes(year, province_code):
    day = date(year, 12, 31)
    return list(
        UnitVersion.objects.valid_on(day)
        .filter(province_code=province_code, level=3)
        .select_related("parent__parent")
        .order_by("code")
    )


def test_it_issues_the_same_number_of_queries_for_5_units_as_for_every_unit_of_hai_duong(
    reference_data, admin_client
):
    hai_duong = _communes(2024, "30")
    assert len(hai_duong) == 235
    small = _province_cycle(2025, _communes(2025, "31")[:5], admin_client.user)
    large = _province_cycle(2024, hai_duong, admin_client.user)
    counts = []
    for cycle in (small, large):
        rules_for(cycle)  # each program's rule version is read once per process (ADR 0032)
        with CaptureQueriesContext(connection) as queries:
            response = admin_client.get(reverse("reports:export_cycle", args=[cycle.year]))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert workbook(response.content)["Kết quả"].max_row == len(hai_duong) + 1


def test_the_command_writes_the_workbook(issued, tmp_path):
    from django.core.management import call_command

    target = tmp_path / "out.xlsx"
    call_command("export_cycle", "2024", output=target, stdout=StringIO())
    assert workbook(target.read_bytes()).sheetnames[0] == "Kết quả"


def test_a_decision_number_typed_as_a_formula_is_exported_as_text(issued, admin_client):
    """Formula injection: text starting with "=" must never become a live formula."""
    from friendlygov.assessments.models import Decision

    typed = '=1+1&"/QĐ"'
    Decision.objects.filter(pk=issued.pk).update(number=typed)
    response = admin_client.get(reverse("reports:export_cycle", args=[2024]))
    assert formula_cells(response.content) == []
    numbers = {
        row[10] for row in workbook(response.content)["Kết quả"].iter_rows(min_row=2, values_only=True)
    }
    assert typed in numbers


def test_every_sheet_prints_with_titles_fit_to_width_borders_and_the_cycle_on_every_page(
    issued, admin_client
):
    book = export(admin_client)
    for sheet in book.worksheets:
        assert sheet.print_title_rows == "$1:$1"
        assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.oddHeader.center.text == f"{issued.cycle.name} — {sheet.title}"
        assert sheet.oddFooter.center.text == "Trang &P/&N"
        assert sheet["A1"].border.left.style == sheet["B2"].border.bottom.style == "thin"


def shown_length(value) -> int:
    return 10 if isinstance(value, datetime.date) else len(str(value))  # dates show as 05/01/2025


def test_every_column_is_as_wide_as_what_it_holds(issued, admin_client):
    """Nothing prints cut or runs into the next column: a column is at least as wide as its longest
    value (up to a limit), whatever width it was given."""
    from friendlygov.reports.exports import WIDTH_MAX

    for sheet in export(admin_client).worksheets:
        # Read back, neighbouring columns of one width are one <col min max> range.
        widths = {
            column: dimension.width
            for dimension in sheet.column_dimensions.values()
            for column in range(dimension.min, dimension.max + 1)
        }
        last_row = int(sheet.auto_filter.ref.split(":")[1].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        for cells in sheet.iter_cols(min_row=2, max_row=last_row):  # the table, not the note below it
            longest = max((shown_length(c.value) for c in cells if c.value is not None), default=0)
            width = widths.get(cells[0].column, 0)
            assert width >= min(longest + 2, WIDTH_MAX), (sheet.title, cells[0].column_letter, width, longest)


def test_above_the_size_limit_the_page_offers_the_background_job_and_says_where_the_file_will_be(
    issued, cycle_2024, admin_client, settings
):
    units = cycle_2024.assessments.count()
    settings.EXPORT_IN_REQUEST_MAX_UNITS = units - 1
    response = admin_client.get(reverse("reports:export_cycle", args=[2024]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert reverse("jobs:start_cycle_export", args=[2024]) in response.text
    assert reverse("jobs:list") in response.text
    assert f"có {units} đơn vị" in response.text
    settings.EXPORT_IN_REQUEST_MAX_UNITS = units
    assert admin_client.get(reverse("reports:export_cycle", args=[2024]))["Content-Type"] == office.XLSX_TYPE
