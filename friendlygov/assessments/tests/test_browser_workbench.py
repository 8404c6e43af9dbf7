"""The appraiser's workbench in a real browser: the queue on the home page, bulk receipt from the
list, bulk approval after the summary table (one unit not ready), the bonus decided on the page
and the confirmed approval. Screenshots at desktop and phone width, axe-core on each page."""

from decimal import Decimal

import pytest

from friendlygov.assessments import services
from friendlygov.assessments.models import Assessment
from friendlygov.assessments.testing import approve_in_time, quick_fill_self
from friendlygov.assessments.workflow import Status
from friendlygov.core.testing_browser import look_at

from .test_browser_cycle import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_appraiser_receives_and_approves_in_bulk(page, live_server, dong_cam, people, kim_thanh_chair):
    others = dong_cam.cycle.assessments.filter(body=dong_cam.body).exclude(pk=dong_cam.pk)
    units = [dong_cam, *others.order_by("unit__code")[:2]]
    for unit in units:
        quick_fill_self(unit)
        services.submit_assessment(unit, actor=kim_thanh_chair)
    # The second commune claimed a bonus (as it stood when it submitted).
    Assessment.objects.filter(pk=units[1].pk).update(
        self_bonus_by_rule={"TH1": "1.5"}, self_bonus=Decimal("1.5")
    )

    sign_in(page, live_server, people["appraiser"])
    queue = page.locator("section[aria-labelledby='queue-title']")
    assert queue.locator("tbody tr").count() == 3
    assert "3 Mới gửi, chờ tiếp nhận" in queue.inner_text()
    look_at(page, "workbench-1-queue")

    page.goto(f"{live_server.url}/assessments/?year=2024&group={dong_cam.body.name}")
    for unit in units:
        page.get_by_label(f"Chọn {unit.unit.name}").check()
    look_at(page, "workbench-2-list")
    page.get_by_role("button", name="Tiếp nhận các hồ sơ đã chọn").click()
    page.get_by_role("heading", name="Kết quả tiếp nhận hồ sơ").wait_for()
    look_at(page, "workbench-3-received")
    assert {a.status for a in Assessment.objects.filter(pk__in=[u.pk for u in units])} == {
        Status.UNDER_APPRAISAL
    }

    for unit in units:
        services.copy_self_to_appraisal(unit, actor=people["appraiser"].user)
    page.goto(f"{live_server.url}/assessments/?year=2024&status=under_appraisal")
    for unit in units:
        page.get_by_label(f"Chọn {unit.unit.name}").check()
    page.get_by_role("button", name="Duyệt các hồ sơ đã chọn…").click()
    page.get_by_role("heading", name="Duyệt nhiều hồ sơ").wait_for()
    assert page.get_by_label(f"Duyệt {units[1].unit.name}").count() == 0
    look_at(page, "workbench-4-summary")
    page.get_by_role("button", name="Xác nhận duyệt các hồ sơ đã chọn").click()
    page.get_by_role("heading", name="Kết quả duyệt hồ sơ").wait_for()
    look_at(page, "workbench-5-approved")
    statuses = [Assessment.objects.get(pk=u.pk).status for u in units]
    assert statuses == [Status.APPRAISED, Status.UNDER_APPRAISAL, Status.APPRAISED]

    # The one left: decide its bonus on the page, then confirm the approval.
    page.goto(f"{live_server.url}/assessments/{units[1].pk}/")
    page.locator("#bonus-appraised-TH1").fill("1")
    page.locator("#bonus-appraised-TH1").locator("xpath=ancestor::form").get_by_role(
        "button", name="Lưu"
    ).click()
    page.get_by_role("button", name="Duyệt kết quả thẩm định…").click()
    page.get_by_role("heading", name="Xác nhận duyệt kết quả thẩm định").wait_for()
    look_at(page, "workbench-6-confirm")
    page.get_by_role("button", name="Xác nhận duyệt kết quả thẩm định").click()
    page.get_by_text("Đã duyệt kết quả thẩm định.").wait_for()
    left = Assessment.objects.get(pk=units[1].pk)
    assert left.status == Status.APPRAISED and left.appraised_bonus == Decimal("1")


def test_a_review_waits_in_the_queue_and_the_head_takes_over_in_one_click(
    page, live_server, dong_cam, people, kim_thanh_chair
):
    appraiser, head = people["appraiser"].user, people["head"].user
    other = (
        dong_cam.cycle.assessments.filter(body=dong_cam.body)
        .exclude(pk=dong_cam.pk)
        .order_by("unit__code")[0]
    )
    for unit in (dong_cam, other):
        quick_fill_self(unit)
        services.submit_assessment(unit, actor=kim_thanh_chair)
    services.assign_appraiser(dong_cam, appraiser=appraiser, actor=head)
    # The other commune was approved, then a review request about one indicator was accepted.
    services.copy_self_to_appraisal(other, actor=appraiser)
    approve_in_time(other, actor=appraiser)
    other.refresh_from_db()
    named = other.scores.select_related("indicator").order_by("indicator__order").first().indicator
    services.reopen_for_review(other, indicators=[named], actor=head, appraiser=appraiser)

    sign_in(page, live_server, people["appraiser"])
    queue = page.locator("section[aria-labelledby='queue-title']")
    row = queue.locator("tbody tr", has_text=other.unit.name)
    assert "Đang xem xét lại (kiến nghị được chấp nhận)" in row.inner_text()
    look_at(page, "workbench-7-queue-under-review")

    sign_in(page, live_server, people["head"])
    page.goto(f"{live_server.url}/?queue=all")
    look_at(page, "workbench-8-head-queue")
    page.get_by_role("button", name=f"Nhận về tự thẩm định: {dong_cam.unit.name}").click()
    page.get_by_text("Hồ sơ đã được giao cho bạn").wait_for()
    look_at(page, "workbench-9-taken-over")
    dong_cam.refresh_from_db()
    assert dong_cam.appraiser_id == head.pk
    assert page.get_by_role("button", name="Chấp nhận số liệu của xã cho").count() == 5
