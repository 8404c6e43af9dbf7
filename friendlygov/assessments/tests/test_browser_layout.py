"""On a phone the header is compact and its menu shows every entry (it was cut off after
"Quyết định", and took about 230 of 812 px); on a desktop it is one line. The history page reads
as sentences at both widths, with no serious accessibility issue."""

import pytest

from friendlygov.core.testing_browser import look_at

from .test_browser_cycle import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ENTRIES = ["Hồ sơ đánh giá", "Báo cáo", "Quyết định", "Đơn vị hành chính", "Bộ tiêu chí", "Kết quả công bố"]


@pytest.mark.parametrize(("width", "most"), [(375, 140), (1280, 110)])
def test_the_header_is_compact_and_shows_every_menu_entry(page, live_server, dong_cam, people, width, most):
    page.set_viewport_size({"width": width, "height": 812})
    sign_in(page, live_server, people["officer"], to=f"/assessments/{dong_cam.pk}/")
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= most, header
    menu = page.locator(".site-nav")
    for name in ENTRIES:
        box = menu.get_by_role("link", name=name, exact=True).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (name, box)
        assert box["y"] + box["height"] <= header["y"] + header["height"], (name, box)
    account = page.locator(".account-menu summary").bounding_box()
    assert account["x"] + account["width"] <= width


def test_the_history_reads_as_sentences_at_phone_and_desktop_width(page, live_server, dong_cam, people):
    from decimal import Decimal

    from friendlygov.assessments import services

    score = (
        dong_cam.scores.select_related("indicator").filter(indicator__method="ratio").order_by("pk").first()
    )
    services.save_self_score(
        score, expected_version=score.version, actor=people["officer"].user, self_value=Decimal("47.5")
    )
    sign_in(page, live_server, people["officer"], to=f"/assessments/{dong_cam.pk}/history/")
    line = page.locator(".history li").first
    assert line.inner_text().endswith(f"sửa {score.indicator.code}: (trống) → 47,5%")
    look_at(page, "history-sentences")
