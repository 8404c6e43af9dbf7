"""The provincial administrator prepares 2027 in a real browser, never through /admin/: the
administration area from the account menu, an empty scope refused, 2026 copied into 2027 for the
units formed from Hải Dương (exactly 64 assessments), the deadlines set, 20 people imported from
.xlsx and one of them setting a password from the invitation. Screenshots at desktop and phone
width, axe-core on each page."""

import re
from datetime import date
from io import BytesIO

import pytest
from django.core import mail
from openpyxl import Workbook

from friendlygov.accounts.models import Role, RoleGrant, User
from friendlygov.assessments import cycles
from friendlygov.assessments.models import Assessment, Cycle
from friendlygov.core import testing_browser as browser
from friendlygov.core.testing_browser import look_at
from friendlygov.units.models import UnitVersion

from .test_administration import HAI_DUONG_2024, HAI_PHONG, retired_codes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def administrator(live_server, small_demo_committed):
    """The city's administrator: a province-administrator grant on Hải Phòng, no superuser, no staff."""
    user = User.objects.create_user("quantri.haiphong", full_name="Quản trị Hải Phòng", email="qt@example.vn")
    RoleGrant.objects.create(user=user, role=Role.PROVINCE_ADMIN, unit_id=HAI_PHONG)
    return user


def people_file(count: int) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["Họ và tên", "Thư điện tử", "Điện thoại", "Mã đơn vị", "Vai trò", "Năm đánh giá"])
    units = UnitVersion.objects.valid_on(date(2027, 12, 31)).filter(province_code="31", level=3)
    for number, unit in enumerate(units.order_by("code")[:count], start=1):
        sheet.append(
            [f"Cán bộ số {number}", f"canbo{number}@example.vn", "", unit.code, "Cán bộ cấp xã", 2027]
        )
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_administrator_prepares_2027_without_the_django_admin(page, live_server, administrator, tmp_path):
    browser.sign_in(page, live_server, administrator)
    page.locator("details.account-menu summary").click()
    page.get_by_role("link", name="Quản trị", exact=True).click()
    page.get_by_role("heading", name="Quản trị", level=1).wait_for()
    look_at(page, "administration-1-home")

    page.get_by_role("link", name="Tạo đợt mới từ đợt trước").first.click()
    source = page.get_by_label("Sao chép từ đợt")
    assert "2026" in source.locator("option:checked").inner_text()  # the latest cycle, by default
    page.get_by_label("Năm của đợt mới").fill("2027")
    page.get_by_label("Danh sách mã đơn vị").check()
    page.get_by_label("Mã đơn vị cấp xã").fill(" ".join(retired_codes()))
    page.get_by_role("button", name="Xem trước").click()
    page.get_by_text("Phạm vi đánh giá không có đơn vị nào còn hiệu lực ngày 31/12/2027").wait_for()
    assert page.get_by_role("button", name="Tạo đợt đánh giá").count() == 0
    look_at(page, "administration-2-empty-scope")

    page.get_by_label("Các đơn vị hình thành từ một đơn vị").check()
    page.get_by_label("Hình thành từ đơn vị").select_option(label="Tỉnh Hải Dương (01/01/2024 – 30/06/2025)")
    page.get_by_role("button", name="Xem trước").click()
    preview = page.locator("section.preview")
    preview.wait_for()
    assert "64 đơn vị" in preview.inner_text()
    assert re.search(r"Xã\s+43", preview.inner_text()) and re.search(r"Phường\s+21", preview.inner_text())
    look_at(page, "administration-3-preview")
    page.get_by_role("button", name="Tạo đợt đánh giá").click()
    page.get_by_text("với 64 hồ sơ đánh giá").wait_for()
    cycle = Cycle.objects.get(year=2027)
    assert Assessment.objects.filter(cycle=cycle).count() == 64
    look_at(page, "administration-4-cycle")

    page.get_by_label("Hạn tự đánh giá").fill("30/11/2027")
    page.get_by_label("Hạn thẩm định").fill("31/12/2027")
    page.get_by_label(re.compile("Cho phép nộp muộn")).check()
    page.get_by_role("button", name="Lưu lịch và hạn").click()
    page.get_by_text("Đã lưu cài đặt").wait_for()
    cycle.refresh_from_db()
    assert (cycle.self_assessment_closes, cycle.appraisal_deadline) == (
        date(2027, 11, 30),
        date(2027, 12, 31),
    )
    assert cycle.late_allowed

    page.goto(f"{live_server.url}/quan-tri/dot-danh-gia/")
    assert "64" in page.get_by_role("row", name=re.compile("Đánh giá năm 2027")).inner_text()
    look_at(page, "administration-4b-cycles")
    page.get_by_role("link", name="Đánh giá năm 2027").click()

    page.get_by_role("link", name=re.compile("^Sửa Sở Nội vụ")).click()
    page.get_by_role("heading", name="Sở Nội vụ thành phố Hải Phòng").wait_for()
    look_at(page, "administration-5-body")

    upload = tmp_path / "nguoi-dung-2027.xlsx"
    upload.write_bytes(people_file(20))
    page.goto(f"{live_server.url}/quan-tri/nguoi-dung/")
    page.get_by_label("Tệp Excel (.xlsx) danh sách người dùng").set_input_files(str(upload))
    page.get_by_role("button", name="Nhập người dùng").click()
    page.get_by_text("Đã nhập 20 dòng: 20 tài khoản mới").wait_for()
    imported = User.objects.filter(email__endswith="@example.vn").exclude(pk=administrator.pk)
    assert imported.count() == 20
    assert RoleGrant.objects.filter(user__in=imported, role=Role.COMMUNE_OFFICER, year=2027).count() == 20
    look_at(page, "administration-6-users")

    page.get_by_label("Tìm theo tên, tên đăng nhập hoặc thư điện tử").fill("canbo1@example.vn")
    page.keyboard.press("Enter")
    page.get_by_role("link", name="canbo1@example.vn").click()
    page.get_by_text("Cán bộ cấp xã ·").first.wait_for()
    look_at(page, "administration-7-user")

    page.goto(f"{live_server.url}/quan-tri/nhat-ky/")
    page.get_by_role("cell", name="cycle.copied").first.wait_for()
    look_at(page, "administration-8-audit")

    invitation = next(m for m in mail.outbox if m.to == ["canbo1@example.vn"])
    link = re.search(r"http\S+/accounts/dat-mat-khau/\S+", invitation.body).group(0)
    page.context.clear_cookies()
    page.goto(link)
    page.get_by_role("heading", name="Đặt mật khẩu").wait_for()
    look_at(page, "administration-9-set-password")
    page.get_by_label("Mật khẩu mới", exact=True).fill("mot-mat-khau-dai-2027")
    page.get_by_label("Xác nhận mật khẩu mới").fill("mot-mat-khau-dai-2027")
    page.get_by_role("button", name="Đặt mật khẩu").click()
    page.get_by_text("Đã đặt mật khẩu. Hãy đăng nhập.").wait_for()
    assert User.objects.get(email="canbo1@example.vn").check_password("mot-mat-khau-dai-2027")


def test_the_administrator_changes_a_2027_target_and_the_2027_dashboard_follows(
    page, live_server, administrator
):
    """The targets of a copied cycle are counted over its own scope: 90% of 64 units is 58. The
    administrator lowers the 2027 share to 60% on the program's page (from the administration
    home, without the Django admin) and the dashboard asks for 39."""
    source = Cycle.objects.get(year=2026)
    scope = cycles.scope_by_lineage(UnitVersion.objects.get(pk=HAI_DUONG_2024), 2027)
    cycles.copy_cycle(source, scope, actor=administrator)
    browser.sign_in(page, live_server, administrator, to="/reports/2027/")
    targets = page.locator("#targets")
    targets.wait_for()
    assert "58 đơn vị (90" in targets.inner_text()
    look_at(page, "administration-10-dashboard-2027")

    page.goto(f"{live_server.url}/quan-tri/")
    page.get_by_role("link", name="Chương trình và quy định xếp mức").click()
    page.get_by_role("link", name="Chính quyền cấp xã thân thiện, vì Nhân dân phục vụ").click()
    page.get_by_role("button", name="Sửa các mức và chỉ tiêu").click()
    years = page.locator("input[name$='-year']")
    row = next(
        i
        for i in range(years.count())
        if years.nth(i).input_value() == "2027"
        and page.locator(f"input[name='targets-{i}-value']").input_value() == "90"
    )
    page.locator(f"input[name='targets-{row}-value']").fill("60")
    page.get_by_label("Ghi chú thay đổi (căn cứ, lý do)").fill("Kế hoạch năm 2027 của thành phố")
    page.get_by_role("button", name="Lưu phiên bản mới").click()
    page.get_by_text("Đã lưu phiên bản").wait_for()

    page.goto(f"{live_server.url}/reports/2027/")
    assert "39 đơn vị (60" in page.locator("#targets").inner_text()
