"""Issue 17's done-when, walked in a real browser as the appraiser: the head assigns communes from
the queue; the appraiser receives five in bulk; from the queue, the review of a commune where
nothing differs is completed and approved in at most 8 clicks and 2 page loads, confirmation
included; on the next commune two explanations are requested from the indicators, the commune's
changes are shown after its resubmission, the bonus is decided and the approval confirmed. The
indicator table accepts a row. Clicks (pointer activations or key presses that trigger an action)
and page loads (main-frame navigations) are counted; screenshots at 1280 and 375 px, axe-core."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from friendlygov.assessments import services
from friendlygov.assessments.models import Assessment, ExplanationRequest
from friendlygov.assessments.testing import quick_fill_self
from friendlygov.assessments.workflow import Status
from friendlygov.audit.models import AuditEvent
from friendlygov.core.testing_browser import look_at

from .test_browser_cycle import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Counter:
    """Clicks and full document loads of the main frame, from the moment it starts."""

    def __init__(self, page):
        self.page, self.clicks, self.loads = page, 0, 0
        page.on("framenavigated", self._navigated)

    def _navigated(self, frame):
        if frame == self.page.main_frame:
            self.loads += 1

    def click(self, locator):
        self.clicks += 1
        locator.click()

    def press(self, locator, key):
        self.clicks += 1
        locator.press(key)

    def reset(self):
        self.clicks = self.loads = 0


def accept_criteria(page, count: Counter) -> int:
    """Accept the commune's values criterion by criterion (one click each); the number of criteria."""
    buttons = page.get_by_role("button", name="Chấp nhận số liệu của xã cho")
    n = buttons.count()
    for i in range(n):
        with page.expect_response(lambda r: r.url.endswith("/accept/") and r.status == 200):
            count.click(buttons.nth(i))
    return n


def test_the_appraisers_workbench_end_to_end(page, live_server, dong_cam, people, kim_thanh_chair):
    appraiser = people["appraiser"].user
    others = dong_cam.cycle.assessments.filter(body=dong_cam.body).exclude(pk=dong_cam.pk)
    units = [dong_cam, *others.order_by("unit__code")[:4]]
    for unit in units:
        quick_fill_self(unit)
        services.submit_assessment(unit, actor=kim_thanh_chair)
    # The second commune claimed a bonus when it submitted.
    Assessment.objects.filter(pk=units[1].pk).update(
        self_bonus_by_rule={"TH1": "1.5"}, self_bonus=Decimal("1.5")
    )

    # The head gives three communes to the appraiser from the body's queue.
    sign_in(page, live_server, people["head"])
    page.goto(f"{live_server.url}/?queue=all")
    for unit in units[2:]:
        page.get_by_label(f"Chọn {unit.unit.name}").check()
    page.get_by_label("Giao các hồ sơ đã chọn cho").select_option(label=str(appraiser))
    look_at(page, "review-0-assign")
    page.get_by_role("button", name="Giao hồ sơ").click()
    page.get_by_role("heading", name="Kết quả giao hồ sơ cho người thẩm định").wait_for()
    assert set(
        Assessment.objects.filter(pk__in=[u.pk for u in units[2:]]).values_list("appraiser", flat=True)
    ) == {appraiser.pk}
    assert AuditEvent.objects.filter(event_type="assessment.assigned").count() == 3

    # The appraiser receives the five in bulk from the list.
    sign_in(page, live_server, people["appraiser"])
    page.goto(f"{live_server.url}/assessments/?year=2024&group={dong_cam.body.name}")
    for unit in units:
        page.get_by_label(f"Chọn {unit.unit.name}").check()
    page.get_by_role("button", name="Tiếp nhận các hồ sơ đã chọn").click()
    page.get_by_role("heading", name="Kết quả tiếp nhận hồ sơ").wait_for()
    received = Assessment.objects.filter(pk__in=[u.pk for u in units])
    assert {a.status for a in received} == {Status.UNDER_APPRAISAL}
    assert {a.appraiser_id for a in received} == {appraiser.pk}

    # From the queue: a commune where nothing differs, reviewed and approved.
    page.goto(f"{live_server.url}/")
    queue = page.locator("section[aria-labelledby='queue-title']")
    assert queue.locator("tbody tr").count() == 5
    assert str(appraiser) in queue.inner_text()
    look_at(page, "review-1-queue")
    count = Counter(page)
    count.click(queue.get_by_role("link", name=units[0].unit.name))
    page.get_by_role("heading", name=units[0].unit.name, level=1).wait_for()
    assert "đã xem 0/" in page.locator("#summary").inner_text()
    criteria = accept_criteria(page, count)
    assert criteria == 5
    page.locator("#summary").get_by_text("Xem xét xong, có thể duyệt").wait_for()
    summary = page.locator("#summary").inner_text()
    total = units[0].scores.count()
    assert f"đã xem {total}/{total}" in summary
    look_at(page, "review-2-reviewed")
    count.click(page.get_by_role("button", name="Duyệt kết quả thẩm định…"))
    page.get_by_role("heading", name="Xác nhận duyệt kết quả thẩm định").wait_for()
    look_at(page, "review-3-confirm-inline")
    count.click(page.get_by_role("button", name="Xác nhận duyệt kết quả thẩm định"))
    page.get_by_text("Đã duyệt kết quả thẩm định.").wait_for()
    assert Assessment.objects.get(pk=units[0].pk).status == Status.APPRAISED
    assert count.clicks <= 8, count.clicks
    assert count.loads <= 2, count.loads
    assert (count.clicks, count.loads) == (8, 2)

    # "Tiếp theo" leads to the next commune of the queue without going back to the list.
    count.reset()
    count.click(page.get_by_role("link", name="Tiếp theo"))
    page.get_by_role("heading", name=units[1].unit.name, level=1).wait_for()
    assert count.loads == 1

    # Two explanations requested from the indicators, then sent as one round.
    rows = list(
        units[1]
        .scores.select_related("indicator")
        .order_by("indicator__criterion__order", "indicator__order")
    )
    asked = rows[:2]
    for row, reason in zip(asked, ("Bổ sung biên bản họp.", "Số liệu chưa khớp báo cáo."), strict=True):
        article = page.locator(f"#row-{row.pk}")
        count.click(article.get_by_text("Yêu cầu giải trình chỉ tiêu này"))
        article.get_by_label(f"Lý do, điều xã cần bổ sung ({row.indicator.code})").fill(reason)
        with page.expect_response(lambda r: "/request/" in r.url):
            count.click(article.get_by_role("button", name="Thêm vào yêu cầu giải trình"))
    send = page.get_by_role("button", name="Gửi yêu cầu giải trình (2 chỉ tiêu)")
    look_at(page, "review-4-requests")
    count.click(send)
    page.get_by_text("Đã gửi yêu cầu giải trình cho xã.").wait_for()
    returned = Assessment.objects.get(pk=units[1].pk)
    assert returned.status == Status.RETURNED
    assert ExplanationRequest.objects.filter(assessment=returned, draft=False).count() == 2

    # The commune answers: a new value on the first, a file on the second; then resubmits.
    first, second = (services.open_requests(returned).get(indicator=row.indicator) for row in asked)
    old_value = asked[0].self_value
    new_value = Decimal("0") if asked[0].indicator.method == "yes_no" else Decimal("1")
    if old_value == new_value:
        new_value = Decimal("1") if asked[0].indicator.method == "yes_no" else Decimal("2")
    fresh = returned.scores.get(pk=asked[0].pk)
    services.save_self_score(
        fresh, expected_version=fresh.version, actor=kim_thanh_chair, self_value=new_value
    )
    services.upload_evidence(
        returned, asked[1].indicator, SimpleUploadedFile("bien-ban.pdf", PDF), actor=kim_thanh_chair
    )
    services.respond_to_request(first, response="Đã sửa theo báo cáo quý IV.", actor=kim_thanh_chair)
    services.respond_to_request(second, response="Đã bổ sung biên bản.", actor=kim_thanh_chair)
    services.resubmit_assessment(returned, actor=kim_thanh_chair)
    back = Assessment.objects.get(pk=units[1].pk)
    assert back.status == Status.RESUBMITTED and back.appraiser_id == appraiser.pk

    # After the resubmission: the commune's changes on the indicators, no new receipt needed.
    page.goto(f"{live_server.url}/")
    assert "Đã giải trình, gửi lại" in page.locator("section[aria-labelledby='queue-title']").inner_text()
    page.get_by_role("link", name=units[1].unit.name).first.click()
    changed = page.locator(f"#row-{asked[0].pk} .request-changes")
    assert "→" in changed.inner_text()
    assert "Chưa xem xét" in page.locator(f"#row-{asked[0].pk}").inner_text()
    assert "bien-ban.pdf" in page.locator(f"#row-{asked[1].pk} .request-changes").inner_text()
    assert page.get_by_role("button", name="Tiếp nhận và bắt đầu thẩm định").count() == 0
    look_at(page, "review-5-changes")

    # The A key accepts the row that has the focus; then the criteria, the bonus, the approval.
    page.locator(f"#row-{asked[0].pk} details summary").first.focus()
    with page.expect_response(lambda r: r.url.endswith("/accept/")):
        count.press(page.locator(f"#row-{asked[0].pk} details summary").first, "a")
    page.locator(f"#row-{asked[0].pk}").get_by_text("Đã chấp nhận số liệu của xã").wait_for()
    accept_criteria(page, count)
    page.locator("#bonus-appraised-TH1").fill("1")
    page.locator("#bonus-appraised-TH1").locator("xpath=ancestor::form").get_by_role(
        "button", name="Lưu"
    ).click()
    page.get_by_text("Đã lưu điểm thưởng và các điều kiện.").wait_for()
    page.get_by_role("button", name="Duyệt kết quả thẩm định…").click()
    page.get_by_role("heading", name="Xác nhận duyệt kết quả thẩm định").wait_for()
    page.get_by_role("button", name="Xác nhận duyệt kết quả thẩm định").click()
    page.get_by_text("Đã duyệt kết quả thẩm định.").wait_for()
    done = Assessment.objects.get(pk=units[1].pk)
    assert done.status == Status.APPRAISED and done.appraised_bonus == Decimal("1")
    assert done.appraiser_id == appraiser.pk

    # One indicator across the communes of the queue: accept one row.
    code = rows[0].indicator.code
    page.goto(f"{live_server.url}/assessments/by-indicator/?indicator={code}")
    table = page.locator("table.indicator-table")
    assert table.locator("tbody tr").count() == 3  # the three still under appraisal
    look_at(page, "review-6-indicator-table")
    target = units[2].scores.get(indicator__code=code)
    with page.expect_response(lambda r: "/by-indicator/" in r.url and r.request.method == "POST"):
        page.get_by_role("button", name=f"Chấp nhận số liệu của {units[2].unit.name}").click()
    page.locator(f"#table-row-{target.pk}").get_by_text("Đã chấp nhận số liệu của xã").wait_for()
    target.refresh_from_db()
    assert target.review == "accepted" and target.appraised_value == target.self_value
