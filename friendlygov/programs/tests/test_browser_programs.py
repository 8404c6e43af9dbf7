"""The program pages in a real browser, as the province administrator: the list, the program, the
edit page with a preview of the dashboard's change, a refused row named beside its input, and the
saved version. Screenshots at desktop and phone width, axe-core on each page."""

import pytest

from friendlygov.assessments.models import Cycle
from friendlygov.core.testing_browser import look_at, sign_in
from friendlygov.programs.models import DEFAULT_PROGRAM_CODE, RuleVersion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_administrator_previews_and_saves_a_new_target(page, live_server, cycle_2024, django_user_model):
    Cycle.objects.filter(pk=cycle_2024.pk).update(year=2027)
    admin = django_user_model.objects.create_superuser(
        "province-admin-browser", password="x-admin-2026-browser"
    )
    versions = RuleVersion.objects.filter(program__code=DEFAULT_PROGRAM_CODE).count()

    sign_in(page, live_server, admin, "/quan-tri/chuong-trinh/")
    page.get_by_role("heading", name="Chương trình và quy định xếp mức").wait_for()
    look_at(page, "programs-1-list")
    page.get_by_role("link", name="Chính quyền cấp xã thân thiện, vì Nhân dân phục vụ").click()
    page.get_by_role("heading", name="Các mức", exact=True).wait_for()
    look_at(page, "programs-2-detail")

    page.get_by_role("button", name="Sửa các mức và chỉ tiêu").click()
    year_cells = page.locator("input[name$='-year']")
    row = next(i for i in range(year_cells.count()) if year_cells.nth(i).input_value() == "2027")
    page.locator(f"input[name='targets-{row}-value']").fill("60")
    page.get_by_role("button", name="Xem trước thay đổi").click()
    preview = page.locator("#preview")
    preview.wait_for()
    assert "Ít nhất 60% số đơn vị đạt mức 1 trở lên" in preview.inner_text()
    look_at(page, "programs-3-preview")

    page.locator("input[name='bands-1-lowest']").fill("79")
    page.get_by_role("button", name="Lưu phiên bản mới").click()
    page.locator("#bands-1-lowest-error").wait_for()
    assert "phải cao hơn của mức dưới (80)" in page.locator("#bands-1-lowest-error").inner_text()
    look_at(page, "programs-4-refused")

    page.locator("input[name='bands-1-lowest']").fill("85")
    page.get_by_label("Ghi chú thay đổi (căn cứ, lý do)").fill("Kế hoạch điều chỉnh năm 2027")
    page.get_by_role("button", name="Lưu phiên bản mới").click()
    page.get_by_text("Đã lưu phiên bản").wait_for()
    assert RuleVersion.objects.filter(program__code=DEFAULT_PROGRAM_CODE).count() == versions + 1
    look_at(page, "programs-5-saved")

    page.goto(f"{live_server.url}/reports/2027/")
    assert "Ít nhất 60% số đơn vị đạt mức 1 trở lên" in page.locator("#targets").inner_text()
