"""Nothing typed is lost, in a real browser, at phone and desktop width: changes made without
network are sent when it returns, a save after the session ended is sent after signing in again
(in a new tab, with the new CSRF token), unsaved values survive a reload and are cleared at
sign-out, and a real conflict still gets the server's conflict message."""

from decimal import Decimal

import pytest
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from friendlygov.assessments import services
from friendlygov.core.testing import PERSONA_PASSWORD
from friendlygov.core.testing_browser import look_at

from .test_browser_cycle import PDF, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = pytest.mark.parametrize("width", [375, 1280])
NOTHING_UNSAVED = "() => !Object.keys(localStorage).some(k => k.startsWith('fg:unsaved:'))"


def rows(assessment):
    # Read before the browser writes: the test shares the live server's one database connection.
    manual = assessment.scores.filter(indicator__method="manual").order_by("pk")
    ratio = assessment.scores.filter(indicator__method="ratio").order_by("pk").first()
    return manual[0], manual[1], ratio


def open_form(page, live_server, officer, assessment, width):
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, live_server, officer, to=f"/assessments/{assessment.pk}/")


def change(page, score, name, value):
    field = page.locator(f"#row-{score.pk} [name='{name}']")
    field.fill(value)
    field.press("Tab")


def go_offline(page):
    page.context.set_offline(True)
    page.wait_for_function("() => !navigator.onLine")  # the page has heard it, under load too


def held_route(page, held):
    """The request a route holds, once Playwright has handed it to the handler (under load that
    can come after the page already shows the request running)."""
    for _ in range(150):
        if held:
            return held[0]
        page.wait_for_timeout(100)
    raise AssertionError("the request never reached the route")


def wait_until_saved(page, *scores):
    page.wait_for_function(NOTHING_UNSAVED)
    for score in scores:
        page.locator(f"#status-{score.pk}-self[data-save='saved']").wait_for()
    assert page.locator("#save-bar").is_hidden()


@WIDTHS
def test_changes_made_offline_are_all_saved_when_the_network_returns(
    page, live_server, dong_cam, people, width
):
    first, _second, ratio = rows(dong_cam)
    open_form(page, live_server, people["officer"], dong_cam, width)
    go_offline(page)
    change(page, first, "self_value", "3,5")
    change(page, first, "explanation", "Biên bản lưu tại văn phòng.")
    change(page, ratio, "self_value", "97")
    bar = page.locator("#save-bar")
    expect(bar).to_contain_text("3 thay đổi chưa lưu")
    assert "Không có mạng" in bar.inner_text()
    assert "Chưa lưu" in page.locator(f"#status-{ratio.pk}-self").inner_text()
    look_at(page, "save-state-offline")
    page.context.set_offline(False)  # and nothing else: no click, no reload
    wait_until_saved(page, first, ratio)
    first.refresh_from_db()
    ratio.refresh_from_db()
    assert first.self_value == Decimal("3.5") and first.explanation == "Biên bản lưu tại văn phòng."
    assert ratio.self_value == Decimal("97")


@WIDTHS
def test_a_save_after_the_session_ended_is_sent_after_signing_in_again(
    page, live_server, dong_cam, people, width
):
    first, second, _ratio = rows(dong_cam)
    officer = people["officer"]
    open_form(page, live_server, officer, dong_cam, width)
    change(page, first, "self_value", "4")
    wait_until_saved(page, first)
    Session.objects.all().delete()  # the idle sign-out, mid-form
    change(page, second, "self_value", "2,5")
    sign_in_link = page.get_by_role("button", name="Đăng nhập lại (thẻ mới)")
    sign_in_link.wait_for()
    assert "Phiên đăng nhập đã hết" in page.locator("#save-bar").inner_text()
    assert page.locator(f"#row-{second.pk} input[name='username']").count() == 0  # no login in the card
    look_at(page, "save-state-signed-out")
    with page.context.expect_page() as opened:
        sign_in_link.click()
    tab = opened.value
    tab.get_by_label("Tên đăng nhập").fill(officer.user.username)
    tab.get_by_label("Mật khẩu").fill(PERSONA_PASSWORD)
    tab.locator("main").get_by_role("button", name="Đăng nhập").click()
    tab.get_by_text("Đã đăng nhập lại").first.wait_for()
    wait_until_saved(page, second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.self_value, second.self_value) == (Decimal("4"), Decimal("2.5"))


@WIDTHS
def test_a_stale_version_still_gets_the_conflict_message(page, live_server, dong_cam, people, width):
    first, _second, _ratio = rows(dong_cam)
    open_form(page, live_server, people["officer"], dong_cam, width)
    go_offline(page)
    change(page, first, "self_value", "4")
    # Someone else saves the same indicator while this browser is offline.
    services.save_self_score(
        first, expected_version=first.version, actor=people["officer"].user, self_value=Decimal("1")
    )
    page.context.set_offline(False)
    status = page.locator(f"#status-{first.pk}-self[data-save='conflict']")
    status.wait_for()
    assert "vừa được người khác cập nhật" in status.inner_text()
    page.wait_for_function(NOTHING_UNSAVED)  # answered: not sent again and again
    first.refresh_from_db()
    assert first.self_value == Decimal("1")


def test_an_unsaved_value_survives_a_reload_and_is_then_saved(page, live_server, dong_cam, people):
    first, _second, _ratio = rows(dong_cam)
    open_form(page, live_server, people["officer"], dong_cam, 375)
    warnings = []
    page.on("dialog", lambda dialog: (warnings.append(dialog.type), dialog.accept()))
    page.route("**/scores/**", lambda route: route.abort())  # the server cannot be reached
    change(page, first, "self_value", "3")
    page.locator("#save-bar").get_by_text("1 thay đổi chưa lưu").wait_for()
    page.unroute("**/scores/**")
    page.reload()
    assert warnings == ["beforeunload"]  # leaving with unsaved changes warns
    wait_until_saved(page, first)
    assert page.locator(f"#row-{first.pk} [name='self_value']").input_value() == "3"
    first.refresh_from_db()
    assert first.self_value == Decimal("3")


def test_signing_out_clears_what_was_left_unsaved_on_this_computer(page, live_server, dong_cam, people):
    first, _second, _ratio = rows(dong_cam)
    open_form(page, live_server, people["officer"], dong_cam, 1280)
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.route("**/scores/**", lambda route: route.abort())
    change(page, first, "self_value", "3")
    page.locator("#save-bar").get_by_text("1 thay đổi chưa lưu").wait_for()
    page.locator(".account-menu summary").click()
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/accounts/login/")
    assert asked == ["Còn thay đổi chưa lưu trên máy này; đăng xuất sẽ xoá chúng. Vẫn đăng xuất?"]
    assert page.evaluate(NOTHING_UNSAVED)


def test_a_button_is_disabled_while_its_request_runs(page, live_server, dong_cam, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    first, _second, _ratio = rows(dong_cam)
    upload = SimpleUploadedFile("bien-ban.pdf", PDF, content_type="application/pdf")
    services.upload_evidence(dong_cam, first.indicator, upload, actor=people["officer"].user)
    open_form(page, live_server, people["officer"], dong_cam, 375)
    page.on("dialog", lambda dialog: dialog.accept())  # "Gỡ tài liệu này khỏi hồ sơ?"
    held = []
    page.route("**/remove/", lambda route: held.append(route))  # held until the test lets it go
    page.locator(f"#row-{first.pk}").get_by_role("button", name="Gỡ").click()
    page.wait_for_function(f"() => document.querySelector('#row-{first.pk} .evidence-list button').disabled")
    held_route(page, held).continue_()
    assert len(held) == 1
    page.locator(f"#row-{first.pk}").get_by_role("link", name="bien-ban.pdf").wait_for(state="detached")


@WIDTHS
def test_a_picked_file_uploads_at_once_and_shows_its_progress(
    page, live_server, dong_cam, people, settings, tmp_path, width
):
    settings.MEDIA_ROOT = tmp_path
    first, _second, _ratio = rows(dong_cam)
    open_form(page, live_server, people["officer"], dong_cam, width)
    held = []
    page.route("**/evidence/", lambda route: held.append(route))
    row = page.locator(f"#row-{first.pk}")
    row.locator("input[type='file']").set_input_files(
        {"name": "bien-ban.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    row.locator(".upload-progress").wait_for()  # visible while the upload runs
    request = held_route(page, held)
    assert len(held) == 1 and row.get_by_role("button", name="Tải lên").is_hidden()
    request.continue_()
    page.get_by_role("link", name="bien-ban.pdf").wait_for()
    assert page.locator(f"#row-{first.pk} .upload-progress").is_hidden()
    assert dong_cam.evidence.filter(indicator=first.indicator, removed_at=None).count() == 1
    # The row came back new from the server: its file field is in the page's words again.
    expect(page.locator(f"#row-{first.pk} .file-picker-button")).to_have_text("Chọn tệp…")
    expect(page.locator(f"#row-{first.pk} .file-picker-name")).to_have_text("Chưa chọn tệp nào")


@pytest.mark.parametrize("width", [375, 1280])
def test_a_21_mb_file_is_refused_before_anything_is_sent(
    page, live_server, dong_cam, people, width, tmp_path
):
    first, _second, _ratio = rows(dong_cam)
    open_form(page, live_server, people["officer"], dong_cam, width)
    sent = []
    page.on("request", lambda request: sent.append(request.url) if "/evidence/" in request.url else None)
    row = page.locator(f"#row-{first.pk}")
    # A file on disk, as a phone's camera roll gives it: Chromium is handed its path (Playwright
    # would otherwise stream all 21 MB through its protocol, which is slow and tests nothing more).
    photo = tmp_path / "anh-chup.jpg"
    with photo.open("wb") as handle:
        handle.write(b"\xff\xd8\xff")
        handle.truncate(21 * 1024 * 1024)
    row.locator("input[type='file']").set_input_files(photo)
    error = row.locator(".upload-error")
    error.wait_for()
    assert (
        error.inner_text()
        == "Tệp “anh-chup.jpg” quá lớn (21 MB); tối đa 20 MB. Chưa gửi gì; hãy chọn tệp nhỏ hơn."
    )
    assert row.get_by_role("alert").count() == 1  # one message, not two
    page.wait_for_timeout(300)
    assert sent == []
    assert row.locator("input[type='file']").input_value() == ""
    assert row.locator(".file-picker-name").inner_text() == "Chưa chọn tệp nào"  # not the refused file
