import io

import pytest
from openpyxl import load_workbook

from .conftest import AFTER_EMBARGO, DURING_EMBARGO, add_responses

pytestmark = pytest.mark.django_db


def rows_of(response):
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_the_export_has_one_line_per_unit_with_sample_margin_and_points(
    people, dong_cam, survey_form, on_day
):
    add_responses(dong_cam, survey_form, [5] * 9 + [1])
    add_responses(dong_cam, survey_form, [4] * 2, channel="paper")
    with on_day(DURING_EMBARGO):
        response = people["appraiser"].get("/feedback/2024/export.xlsx")
    assert response.status_code == 200
    header, *lines = rows_of(response)
    line = dict(zip(header, next(r for r in lines if r[0] == dong_cam.unit.code), strict=True))
    assert (line["Phiếu: Mã QR"], line["Phiếu: Phiếu giấy"], line["Tổng số phiếu"]) == (10, 2, 12)
    assert line["Số phiếu hài lòng"] == 11
    assert float(line["Tỷ lệ hài lòng (%)"]) == pytest.approx(91.67)
    assert line["Mẫu quá nhỏ"] == "Có"
    assert float(line["Điểm theo khảo sát TC5.1"]) == 7  # ≥90% → 7 points in the default framework


def test_the_export_leaves_out_the_communes_own_line_during_the_embargo(
    people, dong_cam, survey_form, on_day
):
    add_responses(dong_cam, survey_form, [5, 5])
    with on_day(DURING_EMBARGO):
        during = rows_of(people["officer"].get("/feedback/2024/export.xlsx"))
    with on_day(AFTER_EMBARGO):
        after = rows_of(people["officer"].get("/feedback/2024/export.xlsx"))
    assert len(during) == 1  # the header only
    assert [row[0] for row in after[1:]] == [dong_cam.unit.code]


def test_the_export_prints_with_titles_borders_fitted_widths_and_the_cycle_on_every_page(people, dong_cam):
    response = people["appraiser"].get("/feedback/2024/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.oddHeader.center.text == f"{dong_cam.cycle.name} — Khảo sát hài lòng"
    assert sheet.oddFooter.center.text == "Trang &P/&N"
    assert sheet["A1"].border.bottom.style == "thin"
    # Every header's longest word fits its column: none is clipped at the default width.
    for cell in sheet[1]:
        longest = max(len(word) for word in str(cell.value).split())
        assert sheet.column_dimensions[cell.column_letter].width >= longest
