"""Frameworks from Excel in a real browser: the administrator uploads a workbook with a wrong cell
and reads where it is, uploads the corrected one as the next draft and reads what changed before
publishing. Screenshots at desktop and phone width, axe-core on each page."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from friendlygov.core.testing_browser import look_at, sign_in
from friendlygov.frameworks.selectors import version_document
from friendlygov.frameworks.xlsx_export import framework_workbook

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(published, **cells) -> bytes:
    """The published framework's workbook with `cells` ({"Chỉ tiêu!F3": value}) changed."""
    book = load_workbook(BytesIO(framework_workbook(version_document(published))))
    for where, value in cells.items():
        sheet, cell = where.split("!")
        book[sheet][cell] = value
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def row_of(data: bytes, code: str) -> int:
    sheet = load_workbook(BytesIO(data))["Chỉ tiêu"]
    return next(cell.row for cell in sheet["B"] if cell.value == code)


def upload(page, name: str, data: bytes) -> None:
    page.get_by_label("Tệp bộ tiêu chí (.xlsx hoặc .yaml)").set_input_files(
        files=[{"name": name, "mimeType": XLSX, "buffer": data}]
    )
    page.get_by_role("button", name="Tải lên", exact=True).click()


def test_the_administrator_imports_a_framework_from_excel_and_reads_the_changes(
    page, live_server, published, make_persona
):
    admin = make_persona("quantri.frameworks", is_superuser=True, is_staff=True).user
    plain = framework_workbook(version_document(published))
    manual, deduction = row_of(plain, "TC1.2"), row_of(plain, "TC1.4")

    sign_in(page, live_server, admin, to="/frameworks/upload/")
    look_at(page, "frameworks-1-upload")

    upload(page, "bo-tieu-chi-sai.xlsx", workbook(published, **{f"Chỉ tiêu!F{manual}": "sáu"}))
    problems = page.locator("#sheet-problems-title").locator("xpath=..")
    problems.wait_for()
    assert f"Chỉ tiêu\n{manual}\nF" in problems.inner_text().replace("\t", "\n")
    assert "“sáu” không phải là số." in problems.inner_text()
    look_at(page, "frameworks-2-upload-errors")

    upload(
        page,
        "bo-tieu-chi-2025.xlsx",
        workbook(published, **{f"Chỉ tiêu!F{manual}": 6, f"Chỉ tiêu!F{deduction}": 3}),
    )
    page.get_by_text("Trước khi ban hành: thay đổi so với phiên bản trước").wait_for()
    changes = page.locator("section.changes-box")
    assert "0 mục thêm, 0 mục bỏ, 2 mục sửa." in changes.inner_text()
    assert "Chấm từ 0 đến 6 điểm, bước 0,5 điểm." in changes.inner_text()
    changes.scroll_into_view_if_needed()
    look_at(page, "frameworks-3-draft-changes")

    page.get_by_role("button", name="So sánh với phiên bản khác").click()
    page.get_by_role("heading", name="Thay đổi của bộ tiêu chí").wait_for()
    look_at(page, "frameworks-4-diff")
