"""On a phone the header is compact and its menu shows every entry (it was cut off after
"Quyết định", and took about 230 of 812 px); on a desktop it is one line."""

import pytest

from .test_browser_cycle import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ENTRIES = ["Hồ sơ đánh giá", "Báo cáo", "Quyết định", "Đơn vị hành chính", "Bộ tiêu chí", "Kết quả công bố"]


@pytest.mark.parametrize(("width", "most"), [(375, 140), (1280, 110)])
def test_the_header_is_compact_and_shows_every_menu_entry(page, live_server, dong_cam, people, width, most):
    page.set_viewport_size({"width": width, "height": 812})
    sign_in(page, live_server, people["officer"])
    page.goto(f"{live_server.url}/assessments/{dong_cam.pk}/")
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= most, header
    menu = page.locator(".site-nav")
    for name in ENTRIES:
        box = menu.get_by_role("link", name=name, exact=True).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (name, box)
        assert box["y"] + box["height"] <= header["y"] + header["height"], (name, box)
    account = page.locator(".account-menu summary").bounding_box()
    assert account["x"] + account["width"] <= width
