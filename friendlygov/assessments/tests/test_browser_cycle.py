"""The whole yearly cycle in a real browser, as the real roles do it: the officer fills the form
and uploads evidence, the chair submits, the appraiser returns one indicator, the officer explains
and resubmits, the appraiser approves, the head issues the decision, the .docx downloads and the
public page shows the result. Screenshots at desktop and phone width, axe-core on each page."""

import io
import re

import docx
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from friendlygov.assessments.workflow import Status
from friendlygov.core import testing_browser as browser
from friendlygov.core.testing import PERSONA_PASSWORD
from friendlygov.core.testing_browser import look_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
INPUT_FOR = {"manual": "4", "ratio": "96", "survey": "93", "deduction": "0"}


def sign_in_with_the_form(page, live_server, client):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(client.user.username)
    page.get_by_label("Mật khẩu").fill(PERSONA_PASSWORD)
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/")


def sign_in(page, live_server, client, to="/"):
    """Open `to` (a path) signed in as the persona: its session without walking the form again."""
    browser.sign_in(page, live_server, client.user, to=to)


def saving(page):
    """Wait for the autosave that the next action triggers, and check it was accepted."""
    return page.expect_response(lambda r: "/scores/" in r.url and r.request.method == "POST")


def check_saved(row, layer="self"):
    # Waits for htmx to settle the answer in: until then the old status keeps its classes.
    status = row.locator(f".save-status[id$='-{layer}']")
    expect(status).to_have_class(re.compile(r"\bok\b"))


def fill_self_assessment(page, assessment):
    # Read the rows before the browser starts writing: the test and the live server share one
    # connection to the in-memory test database, which two threads must not use at once.
    rows = list(assessment.scores.order_by("pk").values_list("pk", "indicator__method"))
    for pk, method in rows:
        row = page.locator(f"#row-{pk}")
        with saving(page) as answer:
            if method == "yes_no":
                field = row.get_by_label("Có", exact=True).first
                field.check()
            else:
                field = row.locator("input[name='self_value']")
                field.fill(INPUT_FOR[method])
                field.press("Tab")
        assert answer.value.status == 200, f"row {pk}: {answer.value.status}"
        note = row.locator("textarea[name='explanation']")
        note.fill("Hồ sơ gốc lưu tại văn phòng UBND xã.")
        with saving(page):
            note.press("Tab")
        check_saved(row)


def test_the_whole_cycle_in_the_browser(page, live_server, dong_cam, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    path = f"/assessments/{dong_cam.pk}/"
    detail = f"{live_server.url}{path}"

    # The commune officer fills every indicator (each field saves itself) and uploads evidence.
    returned = dong_cam.scores.filter(indicator__method="manual").order_by("pk").first()
    sign_in_with_the_form(page, live_server, people["officer"])
    page.goto(detail)
    fill_self_assessment(page, dong_cam)
    first_row = page.locator(".indicator-row").first
    first_row.locator("input[type='file']").set_input_files(
        {"name": "bien-ban-niem-yet.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    # Picking the file uploads it (evidence.js): no button to find.
    page.get_by_role("link", name="bien-ban-niem-yet.pdf").wait_for()
    look_at(page, "cycle-1-officer-filled")

    # The chair submits.
    sign_in(page, live_server, people["chair"], to=path)
    page.get_by_role("button", name="Ký duyệt và gửi thẩm định…").click()
    page.get_by_role("heading", name="Xác nhận ký duyệt và gửi thẩm định").wait_for()
    look_at(page, "cycle-2-chair-confirms")
    page.get_by_role("button", name="Xác nhận ký duyệt và gửi thẩm định").click()
    page.get_by_text("Đã gửi hồ sơ tự đánh giá để thẩm định.").wait_for()
    look_at(page, "cycle-2-chair-submitted")

    # The appraiser takes the commune's numbers and asks for an explanation on one indicator.
    sign_in(page, live_server, people["appraiser"], to=path)
    accept = page.get_by_role("button", name="Chấp nhận số liệu của xã cho")
    for i in range(accept.count()):
        with page.expect_response(lambda r: r.url.endswith("/accept/")):
            accept.nth(i).click()
    asked = page.locator(f"#row-{returned.pk}")
    asked.get_by_text("Yêu cầu giải trình chỉ tiêu này").click()
    asked.locator("textarea[name='reason']").fill("Thiếu biên bản niêm yết tháng 10.")
    with page.expect_response(lambda r: "/request/" in r.url):
        asked.get_by_role("button", name="Thêm vào yêu cầu giải trình").click()
    page.get_by_role("button", name="Gửi yêu cầu giải trình (1 chỉ tiêu)").click()
    page.get_by_text("Đã gửi yêu cầu giải trình cho xã.").wait_for()
    look_at(page, "cycle-3-appraiser-returned")

    # The officer sees exactly what to fix and by when, explains and resubmits.
    sign_in(page, live_server, people["officer"], to=path)
    standing = page.locator(".standing")
    assert "Thiếu biên bản niêm yết tháng 10." in standing.inner_text()
    assert "Hạn:" in standing.inner_text()
    look_at(page, "cycle-4-officer-sees-return")
    page.locator(f"#row-{returned.pk} textarea[name='response']").fill("Đã bổ sung biên bản ngày 12/10.")
    page.locator(f"#row-{returned.pk}").get_by_role("button", name="Lưu giải trình").click()
    page.get_by_text("Đã lưu nội dung giải trình.").wait_for()
    page.get_by_role("button", name="Gửi lại sau giải trình").click()
    page.get_by_text("Đã gửi lại hồ sơ sau giải trình.").wait_for()

    # The appraiser lowers one score with a comment and approves.
    sign_in(page, live_server, people["appraiser"], to=path)
    row = page.locator(f"#row-{returned.pk}")
    value = row.locator("input[name='appraised_value']")
    value.fill("3")
    with saving(page):
        value.press("Tab")
    comment = row.locator("textarea[name='appraisal_comment']")
    comment.fill("Biên bản bổ sung chỉ chứng minh một phần.")
    with saving(page):
        comment.press("Tab")
    check_saved(row, "appraised")
    page.get_by_role("button", name="Duyệt kết quả thẩm định…").click()
    summary = page.locator("article.confirmation")
    assert "Biên bản bổ sung chỉ chứng minh một phần." in summary.inner_text()
    look_at(page, "cycle-5-appraiser-confirms")
    page.get_by_role("button", name="Xác nhận duyệt kết quả thẩm định").click()
    page.get_by_text("Đã duyệt kết quả thẩm định.").wait_for()
    look_at(page, "cycle-5-appraised")
    dong_cam.refresh_from_db()
    assert dong_cam.status == Status.APPRAISED

    # The head drafts and issues the decision, and downloads the .docx.
    sign_in(page, live_server, people["head"], to=f"/assessments/decisions/new/{dong_cam.body_id}/")
    page.locator(f"#pick-{dong_cam.pk}").check()
    page.get_by_label("Số quyết định").fill("15/QĐ-UBND")
    # Approved today, so signed today: after the 2024 cycle's decision window, with the reason.
    page.get_by_label("Ngày ký").fill(timezone.localdate().strftime("%d/%m/%Y"))  # as the page writes it
    page.get_by_label("Người ký", exact=True).fill("Nguyễn Văn An")
    page.get_by_label("Lý do ký ngoài thời hạn").fill("Hồ sơ thẩm định hoàn thành sau thời hạn.")
    look_at(page, "cycle-6-decision-draft")
    page.get_by_role("button", name="Lưu dự thảo").click()
    page.get_by_role("button", name="Ban hành").click()
    confirm = page.get_by_role("button", name="Xác nhận ban hành")
    confirm.wait_for()  # the confirmation page has loaded: look at it, not at the page it replaces
    look_at(page, "cycle-6-issue-confirm")
    confirm.click()
    page.get_by_role("button", name="Tải bản Word (.docx)").wait_for()
    look_at(page, "cycle-7-decision-issued")
    with page.expect_download() as download:
        page.get_by_role("button", name="Tải bản Word (.docx)").click()
    document = docx.Document(io.BytesIO(download.value.path().read_bytes()))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert "15/QĐ-UBND" in text and "Xã Đồng Cẩm" in text

    # Anyone can now see the result on the public page.
    dong_cam.refresh_from_db()
    assert dong_cam.status in (Status.RECOGNISED, Status.NOT_RECOGNISED)
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/public/2024/")
    public = page.locator("main").inner_text()
    assert "Xã Đồng Cẩm" in public and "15/QĐ-UBND" in public
    look_at(page, "cycle-8-public-results")
