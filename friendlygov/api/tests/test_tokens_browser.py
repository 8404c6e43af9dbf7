"""The API tokens page in a real browser: reached from the header, create a token (shown once,
selectable), see it listed by its prefix, revoke it. Screenshots at desktop and phone width."""

import pytest

from friendlygov.api.models import ApiToken
from friendlygov.core.testing import PERSONA_PASSWORD
from friendlygov.core.testing_browser import look_at

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
