"""A number typed the Vietnamese way arrives as meant: "9,5" in a percentage field once saved 95%,
because the field was type="number" and the browser read it by its own locale."""

from decimal import Decimal

import pytest

from friendlygov.core.testing_browser import look_at
from friendlygov.frameworks.templatetags.framework_tags import points

from .test_browser_cycle import saving, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [375, 1280])
def test_nine_comma_five_is_saved_as_nine_and_a_half_and_shows_its_points(
    page, live_server, dong_cam, people, width
):
    score = dong_cam.scores.filter(indicator__method="ratio").order_by("pk").first()
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, live_server, people["officer"], to=f"/assessments/{dong_cam.pk}/")
    row = page.locator(f"#row-{score.pk}")
    field = row.locator("input[name='self_value']")
    with saving(page):
        field.fill("9,5")
        field.press("Tab")
    status = row.locator(".save-status.ok[id$='-self']")
    status.wait_for()
    score.refresh_from_db()
    assert score.self_value == Decimal("9.5")
    # What it understood and the points it gives, written as the page writes numbers.
    assert f"9,5% → {points(score.self_points)} điểm" in " ".join(status.inner_text().split())
    page.reload()
    assert page.locator(f"#row-{score.pk} input[name='self_value']").input_value() == "9,5"
    look_at(page, "decimal-comma-saved")
