import pytest
from playwright.sync_api import expect

from friendlygov.core.testing_browser import look_at

pytestmark = pytest.mark.browser

PASSWORD = "smoke-test-pass-2026"


@pytest.fixture
def loaded_site(small_demo_committed, django_user_model, live_server):
    """Every unit and the default framework (the small demo's, copied from its built template
    rather than loaded again for each test), and an official without any role yet."""
    django_user_model.objects.create_user("officer", password=PASSWORD, full_name="Nguyễn Văn An")
    return live_server


def sign_in(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    look_at(page, "login")
    page.get_by_label("Tên đăng nhập").fill("officer")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/")


def test_an_official_signs_in_opens_the_units_and_searches(page, loaded_site):
    sign_in(page, loaded_site)
    look_at(page, "home")

    page.get_by_role("link", name="Đơn vị hành chính").first.click()
    page.wait_for_url("**/units/**")
    assert page.get_by_role("heading", level=1).first.is_visible()
    look_at(page, "units-tree")

    page.goto(f"{loaded_site.url}/units/search/?q=hong+phong&date=2024-12-31")
    results = page.locator("main").inner_text()
    assert results.count("Hồng Phong") >= 3
    look_at(page, "units-search")

    page.goto(f"{loaded_site.url}/frameworks/")
    look_at(page, "frameworks")


def test_the_interface_switches_to_english(page, loaded_site):
    sign_in(page, loaded_site)
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("link", name="Administrative units").first).to_be_visible()
    page.wait_for_load_state()
    look_at(page, "home-en")
