"""The API tokens page in a real browser: reached from the header, create a token (shown once,
selectable), see it listed by its prefix, revoke it. Screenshots at desktop and phone width."""

import pytest

from friendlygov.api.models import ApiToken
from friendlygov.core.testing import PERSONA_PASSWORD
from friendlygov.core.testing_browser import VIEWPORTS, look_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_creates_shows_once_and_revokes_a_token(page, live_server, make_persona):
    user = make_persona("canbo.thu").user
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PERSONA_PASSWORD)
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/")

    page.locator("details.account-menu summary").click()
    page.get_by_role("link", name="Mã API").click()
    page.get_by_label("Tên gọi").fill("Hệ thống quản lý văn bản của Sở")
    page.get_by_label("Hết hạn sau ngày").fill("2099-12-31")
    page.get_by_role("button", name="Tạo mã").click()

    secret = page.locator("#new-token").input_value()
    token = ApiToken.objects.get(user=user)
    assert secret.startswith(token.prefix) and len(secret) > 40
    look_at(page, "api-tokens-created")

    page.goto(f"{live_server.url}/accounts/api-tokens/")
    assert page.locator("#new-token").count() == 0
    assert secret not in page.content()
    page.get_by_role("button", name="Thu hồi").click()
    page.wait_for_selector("text=Đã thu hồi mã")
    token.refresh_from_db()
    assert token.revoked_at is not None
    look_at(page, "api-tokens-revoked")


def test_a_vietnamese_page_shows_and_takes_dates_day_first_in_an_english_browser(
    chromium_browser, live_server, make_persona
):
    """An English browser's own date widget would show 12/31/2099 month first: the page's text
    box says ngày/tháng/năm and reads what is typed day first, whatever the browser's locale."""
    user = make_persona("canbo.thu").user
    context = chromium_browser.new_context(viewport=VIEWPORTS["desktop"], locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Tên đăng nhập").fill(user.username)
        page.get_by_label("Mật khẩu").fill(PERSONA_PASSWORD)
        page.locator("main").get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(f"{live_server.url}/")

        page.goto(f"{live_server.url}/accounts/api-tokens/")
        expiry = page.get_by_label("Hết hạn sau ngày")
        assert expiry.get_attribute("type") == "text"
        assert expiry.get_attribute("placeholder") == "ngày/tháng/năm"
        page.get_by_label("Tên gọi").fill("Văn bản")
        expiry.fill("12/31/2099")  # month first, as an English browser would have it
        page.get_by_role("button", name="Tạo mã").click()
        page.wait_for_selector("text=“12/31/2099”: không có tháng 31")
        assert page.get_by_label("Hết hạn sau ngày").input_value() == "12/31/2099"
        assert not ApiToken.objects.exists()
        look_at(page, "api-tokens-date-refused")

        page.get_by_label("Hết hạn sau ngày").fill("31/12/2099")
        page.get_by_role("button", name="Tạo mã").click()
        page.wait_for_selector("#new-token")
        assert ApiToken.objects.get(user=user).expires_at.date().isoformat() == "2099-12-31"
        assert "31/12/2099" in page.locator("main table").inner_text()

        page.goto(f"{live_server.url}/units/?date=2024-12-31")  # an ISO link still works
        assert page.get_by_label("Ngày", exact=True).input_value() == "31/12/2024"
        page.get_by_label("Ngày", exact=True).fill("1/7/2025")
        page.get_by_role("button", name="Xem").click()
        page.wait_for_url("**date=1%2F7%2F2025**")
        assert page.get_by_label("Ngày", exact=True).input_value() == "01/07/2025"
        look_at(page, "units-tree-date")

        page.goto(f"{live_server.url}/units/search/?q=hong&date=2024-12-31")
        assert page.get_by_label("Còn hiệu lực vào ngày").input_value() == "31/12/2024"
        look_at(page, "units-search-date")
    finally:
        context.close()
