"""The "còn thiếu" list in a real browser, at phone and desktop width: each link lands on its
indicator, in view and not under the sticky summary; the criteria bar reaches each criterion;
the list follows the saves."""

import pytest

from friendlygov.core.testing_browser import look_at

from .test_browser_cycle import saving, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# The page has not scrolled for three animation frames in a row.
SCROLL_SETTLED = """() => new Promise((settled) => {
    let last = null, still = 0;
    const frame = () => {
        still = window.scrollY === last ? still + 1 : 0;
        last = window.scrollY;
        still >= 3 ? settled(true) : requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
})"""


def assert_lands_below_the_summary(page, target):
    """The target's top is just under the sticky summary: in view, and not hidden by it."""
    where = """(id) => [document.getElementById(id).getBoundingClientRect().top,
                       document.getElementById('summary').getBoundingClientRect().bottom]"""
    page.wait_for_function(SCROLL_SETTLED)  # a smooth scroll, if the browser makes one
    top, bar_bottom = page.evaluate(where, target)
    assert bar_bottom - 1 <= top < bar_bottom + 120, (top, bar_bottom)


@pytest.mark.parametrize("width", [375, 1280])
def test_the_missing_links_land_on_their_indicators(page, live_server, dong_cam, people, width):
    scores = list(dong_cam.scores.select_related("indicator").order_by("indicator__order", "pk"))
    far = next(s for s in reversed(scores) if s.indicator.method == "ratio")
    criterion = far.indicator.criterion
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, live_server, people["officer"], to=f"/assessments/{dong_cam.pk}/")

    page.locator("#missing").get_by_role("link", name=f"{far.indicator.code}: chưa chấm điểm.").click()
    assert page.evaluate("location.hash") == f"#row-{far.pk}"
    assert_lands_below_the_summary(page, f"row-{far.pk}")
    look_at(page, "missing-link-landed")

    page.locator("#summary nav").get_by_role("link", name=criterion.code, exact=False).first.click()
    assert_lands_below_the_summary(page, f"criterion-{criterion.pk}")

    # Scoring it takes it off the list, without a reload.
    field = page.locator(f"#row-{far.pk} input[name='self_value']")
    with saving(page):
        field.fill("99")
        field.press("Tab")
    page.locator("#missing").get_by_role("link", name=f"{far.indicator.code}: chưa chấm điểm.").wait_for(
        state="detached"
    )
    assert f"Đã chấm 1/{len(scores)} chỉ tiêu" in page.locator("#summary").inner_text()
