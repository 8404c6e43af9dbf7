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


def test_above_the_size_limit_the_survey_export_is_offered_as_a_background_job_that_makes_the_same_file(
    people, dong_cam, survey_form, settings, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from friendlygov.core.testing import workbook_differences
    from friendlygov.feedback.exports import survey_export_lines
    from friendlygov.jobs.models import Job, Kind, State

    add_responses(dong_cam, survey_form, [5] * 9 + [1])
    appraiser = people["appraiser"]
    lines = survey_export_lines(dong_cam.cycle, appraiser.user)
    assert lines > 1
    direct = appraiser.get("/feedback/2024/export.xlsx")
    assert direct["Content-Type"].startswith("application/vnd.openxmlformats")

    settings.EXPORT_IN_REQUEST_MAX_UNITS = lines - 1
    offer = appraiser.get("/feedback/2024/export.xlsx")
    assert offer.status_code == 200 and offer["Content-Type"].startswith("text/html")
    start = reverse("jobs:start_survey_export", args=[2024])
    assert start in offer.text and reverse("jobs:list") in offer.text
    assert f"có {lines} đơn vị" in offer.text and "Tệp Excel khảo sát hài lòng" in offer.text

    with django_capture_on_commit_callbacks(execute=True):
        assert appraiser.post(start).status_code == 302
    job = Job.objects.get()
    assert (job.kind, job.state, job.done, job.total) == (Kind.SURVEY_EXPORT, State.DONE, lines, lines)
    download = appraiser.get(reverse("jobs:download", args=[job.pk]))
    assert workbook_differences(direct.content, b"".join(download.streaming_content)) == []
    # The offer page lists the job, and only its requester may download the file.
    assert reverse("jobs:download", args=[job.pk]) in appraiser.get("/feedback/2024/export.xlsx").text
    assert people["officer"].get(reverse("jobs:download", args=[job.pk])).status_code == 404


def test_no_survey_export_job_for_someone_who_reads_no_survey_results_of_the_cycle(dong_cam, signed_in):
    from django.urls import reverse

    from friendlygov.jobs.models import Job

    assert signed_in.post(reverse("jobs:start_survey_export", args=[2024])).status_code == 404
    assert not Job.objects.exists()
