"""Review requests in a real browser, walked by the real roles: the commune chair files a request
on the decision in force, the head assigns it, the appraiser accepts it and re-appraises the named
indicator, the head issues the corrective decision; a second request is rejected with reasons.
Screenshots at desktop and phone width in Vietnamese, axe-core on each new page."""

from types import SimpleNamespace

import pytest

from friendlygov.assessments import register, services
from friendlygov.assessments.testing import draft_for
from friendlygov.assessments.tests.test_browser_cycle import check_saved, saving, sign_in
from friendlygov.assessments.workflow import Status
from friendlygov.core.testing_browser import ARTIFACTS, look_at
from friendlygov.reviews.models import ReviewRequest, ReviewState
from friendlygov.reviews.testing import named_and_other

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def standing_shot(page, name):
    """The "where you stand" panel alone, at both widths: the assessment page itself is long."""
    for label, width in (("desktop", 1280), ("phone", 375)):
        page.set_viewport_size({"width": width, "height": 900})
        page.locator(".standing").screenshot(path=str(ARTIFACTS / f"{name}-{label}.png"))
    page.set_viewport_size({"width": 1280, "height": 900})


def file_request(page, live_server, assessment, indicator, reasons, name):
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/")
    panel = page.locator(".review-panel")
    assert "có thể gửi kiến nghị đến hết ngày" in panel.inner_text()
    panel.get_by_role("button", name="Gửi kiến nghị…").click()
    page.get_by_role("heading", name="Gửi kiến nghị về kết quả").wait_for()
    page.get_by_role("button", name="Gửi kiến nghị").click()  # nothing chosen: refused, says why
    page.get_by_text("Cần chọn ít nhất một chỉ tiêu được kiến nghị.").first.wait_for()
    page.get_by_label(f"{indicator.code} —").check()
    page.get_by_label("Lý do kiến nghị").fill(reasons)
    page.get_by_label("Tài liệu kèm theo").set_input_files(
        {"name": "bien-ban-bo-sung.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    look_at(page, f"{name}-1-chair-files")
    page.get_by_role("button", name="Gửi kiến nghị").click()
    page.get_by_text("Đã gửi kiến nghị đến cơ quan thẩm định.").wait_for()
    return ReviewRequest.objects.get(assessment=assessment, state=ReviewState.FILED)


def assign(page, live_server, people, request, name):
    sign_in(page, live_server, people["head"])  # the home page leads to the open requests
    page.get_by_role("link", name="Xem danh sách kiến nghị").click()
    page.get_by_role("link", name=request.assessment.unit.name).click()
    page.get_by_label("Giao cho cán bộ thẩm định").select_option(str(people["appraiser"].user.pk))
    look_at(page, f"{name}-2-head-assigns")
    page.get_by_role("button", name="Phân công", exact=True).click()
    page.get_by_text("Đã phân công người xem xét kiến nghị.").wait_for()


def answer(page, live_server, people, request, outcome, text):
    sign_in(page, live_server, people["appraiser"])
    page.goto(f"{live_server.url}/reviews/{request.pk}/")
    page.get_by_label(outcome).check()
    page.get_by_label("Nội dung trả lời").fill(text)
    page.get_by_role("button", name="Gửi trả lời").click()


def test_filed_accepted_reappraised_corrected_and_filed_rejected(
    page, live_server, appraised_units, people, kim_thanh_chair, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    dong_cam, neighbour = appraised_units[0], appraised_units[1]
    old = draft_for(appraised_units, people["head"].user, "15/QĐ-UBND")
    services.issue_decision(old, actor=people["head"].user)  # issued today: the period runs
    named, _ = named_and_other(dong_cam)
    named_score = dong_cam.scores.get(pk=named.pk)

    # The chair files on the decision in force, naming one indicator, with a reason and a file.
    sign_in(page, live_server, people["chair"])
    request = file_request(
        page, live_server, dong_cam, named.indicator, "Biên bản niêm yết tháng 10 đã nộp đủ.", "review-accept"
    )
    assert "Đã gửi, chờ phân công" in page.locator(".standing").inner_text()
    look_at(page, "review-accept-1-filed")
    # The public page marks the unit, and says nothing of what the request says.
    page.goto(f"{live_server.url}/public/2024/")
    row = page.get_by_role("row").filter(has_text="Xã Đồng Cẩm")
    assert "Đang xem xét kiến nghị" in row.inner_text()
    assert "Biên bản niêm yết" not in page.locator("main").inner_text()
    look_at(page, "review-public-under-review")

    assign(page, live_server, people, request, "review-accept")
    answer(
        page,
        live_server,
        people,
        request,
        "Chấp nhận: thẩm định lại",
        "Xem xét lại chỉ tiêu theo biên bản bổ sung.",
    )
    page.get_by_text("Đã chấp nhận kiến nghị").wait_for()
    look_at(page, "review-accept-3-accepted")

    # The appraiser re-appraises the named indicator on the assessment, which says "đang xem xét lại".
    page.get_by_role("link", name="Mở hồ sơ để thẩm định lại").click()
    page.wait_for_load_state()  # the page's scripts, which save a value when it is left
    assert "Đang xem xét lại" in page.locator(".standing").inner_text()
    row = page.locator(f"#row-{named_score.pk}")
    value = row.locator("input[name='appraised_value']")
    value.fill(str(named.indicator.max_points).replace(".", ","))
    with saving(page):
        value.press("Tab")
    comment = row.locator("textarea[name='appraisal_comment']")
    comment.fill("Đủ biên bản theo kiến nghị.")
    with saving(page):
        comment.press("Tab")
    check_saved(row, "appraised")
    look_at(page, "review-accept-4-reappraising")
    standing_shot(page, "review-accept-4-reappraising-standing")
    page.get_by_role("button", name="Duyệt kết quả thẩm định…").click()
    page.get_by_role("button", name="Xác nhận duyệt kết quả thẩm định").click()
    page.get_by_text("Đã duyệt kết quả thẩm định.").wait_for()
    dong_cam.refresh_from_db()
    assert dong_cam.status == Status.APPRAISED

    # The head drafts the corrective decision from the request and issues it.
    sign_in(page, live_server, people["head"])
    page.goto(f"{live_server.url}/reviews/{request.pk}/")
    assert "thay thế Quyết định số 15/QĐ-UBND" in page.locator("main").inner_text()
    page.get_by_label("Người ký", exact=True).fill("Nguyễn Văn An")
    page.get_by_label("Lý do ký ngoài thời hạn").fill("Điều chỉnh theo kết quả xem xét kiến nghị.")
    look_at(page, "review-accept-5-head-drafts-correction")
    page.get_by_role("button", name="Lưu dự thảo quyết định điều chỉnh").click()
    page.get_by_text("Đã lập dự thảo quyết định điều chỉnh").wait_for()
    page.get_by_role("button", name="Ban hành").click()
    page.get_by_role("button", name="Xác nhận ban hành").click()
    page.get_by_role("button", name="Tải bản Word (.docx)").wait_for()
    dong_cam.refresh_from_db()
    correction = register.in_force(dong_cam)
    assert correction.supersedes_id == old.pk and dong_cam.status in (
        Status.RECOGNISED,
        Status.NOT_RECOGNISED,
    )
    assert register.in_force(neighbour) == old  # the other units keep the old decision
    request.refresh_from_db()
    assert (request.state, request.corrective_decision_id) == (ReviewState.RESOLVED, correction.pk)

    # The chair sees where the request ended.
    sign_in(page, live_server, people["chair"])
    page.goto(f"{live_server.url}/assessments/{dong_cam.pk}/")
    panel = page.locator(".review-panel").inner_text()
    assert "Đã có quyết định điều chỉnh" in panel and "Gửi kiến nghị" not in panel
    look_at(page, "review-accept-6-chair-sees-resolved")
    standing_shot(page, "review-accept-6-chair-sees-resolved-standing")

    # A second commune's request is rejected with reasons; its result stands.
    neighbour_chair = SimpleNamespace(user=kim_thanh_chair)
    sign_in(page, live_server, neighbour_chair)
    other_named, _ = named_and_other(neighbour)
    second = file_request(
        page, live_server, neighbour, other_named.indicator, "Điểm chưa đúng với báo cáo.", "review-reject"
    )
    assign(page, live_server, people, second, "review-reject")
    answer(page, live_server, people, second, "Không chấp nhận", "Báo cáo nộp sau hạn, không đủ căn cứ.")
    page.get_by_text("Đã trả lời: không chấp nhận kiến nghị.").wait_for()
    look_at(page, "review-reject-3-rejected")
    sign_in(page, live_server, neighbour_chair)
    page.goto(f"{live_server.url}/assessments/{neighbour.pk}/")
    assert "Kiến nghị không được chấp nhận; kết quả giữ nguyên." in page.locator(".review-panel").inner_text()
    page.goto(f"{live_server.url}/reviews/")
    look_at(page, "review-list")
    second.refresh_from_db()
    neighbour.refresh_from_db()
    assert second.state == ReviewState.REJECTED and register.in_force(neighbour) == old
