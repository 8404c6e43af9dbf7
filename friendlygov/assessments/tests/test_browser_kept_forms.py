"""The page's plain-post forms (here the bonus claim) keep what is typed in this browser like the
autosaved fields: a post made without network is sent when it returns, a post after the session
ended is sent after signing in again in a new tab, a refused value is put back to be corrected,
and sign-out clears it. Checked against the server's rows, at phone and desktop width."""

from decimal import Decimal

import pytest
from django.contrib.sessions.models import Session

from friendlygov.core.testing import PERSONA_PASSWORD
from friendlygov.core.testing_browser import ARTIFACTS, VIEWPORTS, look_at

from .test_browser_save_state import NOTHING_UNSAVED, go_offline, open_form

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = pytest.mark.parametrize("width", [375, 1280])
FORM = "form[data-keep='flags-self']"


def claim(page, value):
    field = page.locator(f"{FORM} input[name^='bonus_']").first
    field.fill(value)
    return field


def flags_section(page):
    return page.locator("section[aria-labelledby='flags-title']")


def bonus_of(assessment):
    assessment.refresh_from_db()
    return assessment.self_bonus


@WIDTHS
def test_a_bonus_claim_posted_offline_is_sent_when_the_network_returns(
    page, live_server, dong_cam, people, width
):
    open_form(page, live_server, people["officer"], dong_cam, width)
    go_offline(page)
    claim(page, "1,5")
    page.locator(FORM).get_by_role("button", name="Lưu").click()
    note = page.locator(f"{FORM} .kept-note")
    note.get_by_text("Chưa gửi: không có mạng").wait_for()
    assert bonus_of(dong_cam) in (None, Decimal("0"))
    look_at(page, "kept-form-offline")
    page.locator("#flags-title").locator("..").screenshot(
        path=str(ARTIFACTS / f"kept-form-offline-{width}-flags.png")
    )
    page.context.set_offline(False)  # and nothing else
    page.get_by_text("Đã lưu điểm thưởng và các điều kiện.").wait_for()
    page.wait_for_function(NOTHING_UNSAVED)  # the page the server answered shows it: not kept
    assert bonus_of(dong_cam) == Decimal("1.5")


@WIDTHS
def test_a_bonus_claim_posted_after_the_session_ended_is_sent_after_signing_in(
    page, live_server, dong_cam, people, width
):
    officer = people["officer"]
    open_form(page, live_server, officer, dong_cam, width)
    Session.objects.all().delete()  # the idle sign-out, mid-form
    claim(page, "2")
    page.locator(FORM).get_by_role("button", name="Lưu").click()
    page.locator(f"{FORM} .kept-note").get_by_text("Chưa gửi: phiên đăng nhập đã hết").wait_for()
    assert page.locator("input[name='username']").count() == 0  # still the form, no login page
    sign_in_link = page.get_by_role("button", name="Đăng nhập lại (thẻ mới)")
    with page.context.expect_page() as opened:
        sign_in_link.click()
    tab = opened.value
    tab.get_by_label("Tên đăng nhập").fill(officer.user.username)
    tab.get_by_label("Mật khẩu").fill(PERSONA_PASSWORD)
    tab.locator("main").get_by_role("button", name="Đăng nhập").click()
    tab.get_by_text("Đã đăng nhập lại").first.wait_for()
    page.bring_to_front()
    page.get_by_text("Đã lưu điểm thưởng và các điều kiện.").wait_for()
    page.wait_for_function(NOTHING_UNSAVED)
    assert bonus_of(dong_cam) == Decimal("2")


def test_a_refused_claim_is_put_back_to_correct_and_survives_a_reload(page, live_server, dong_cam, people):
    open_form(page, live_server, people["officer"], dong_cam, 375)
    field = claim(page, "1.234")  # ambiguous: refused by the server, changes nothing
    page.locator(FORM).get_by_role("button", name="Lưu").click()
    page.get_by_text("“1.234” có thể hiểu hai cách").wait_for()
    note = page.locator(f"{FORM} .kept-note")
    note.get_by_text("Chưa lưu: nội dung bạn nhập trước đó được giữ").wait_for()
    assert field.input_value() == "1.234"
    look_at(page, "kept-form-refused")
    for label, viewport in VIEWPORTS.items():  # the form itself: the full page is 15,000 px tall
        page.set_viewport_size(viewport)
        page.locator("#flags-title").locator("..").screenshot(
            path=str(ARTIFACTS / f"kept-form-refused-{label}-flags.png")
        )
    page.reload()
    assert field.input_value() == "1.234" and note.is_visible()
    assert bonus_of(dong_cam) in (None, Decimal("0"))
    field.fill("1")
    page.locator(FORM).get_by_role("button", name="Lưu").click()
    page.get_by_text("Đã lưu điểm thưởng và các điều kiện.").wait_for()
    page.wait_for_function(NOTHING_UNSAVED)
    assert bonus_of(dong_cam) == Decimal("1")


def test_signing_out_clears_a_kept_form_on_this_computer(page, live_server, dong_cam, people):
    open_form(page, live_server, people["officer"], dong_cam, 1280)
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    claim(page, "1")
    assert not page.evaluate(NOTHING_UNSAVED)  # typed, not sent: kept
    page.locator(".account-menu summary").click()
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/accounts/login/")
    assert asked == ["Còn thay đổi chưa lưu trên máy này; đăng xuất sẽ xoá chúng. Vẫn đăng xuất?"]
    assert page.evaluate(NOTHING_UNSAVED)
    assert bonus_of(dong_cam) in (None, Decimal("0"))
