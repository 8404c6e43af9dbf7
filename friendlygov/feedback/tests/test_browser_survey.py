"""A citizen at phone width opens the commune's QR link (no scan: the link is what the code holds),
answers with large touch targets, and sees the thank-you page; the answer counts for that commune
on the QR channel. Then the appraiser's results panel. Screenshots at 375 and 1280 px, axe-core."""

import pytest
from django.utils import timezone

from friendlygov.core.testing import PERSONA_PASSWORD, printed_pages
from friendlygov.core.testing_browser import ARTIFACTS, VIEWPORTS, look_at
from friendlygov.feedback.models import Channel, SurveyResponse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def this_years_cycle(cycle_2024):
    """The QR link leads to the cycle of today's year: move the test cycle to this year."""
    cycle_2024.year = timezone.localdate().year
    cycle_2024.save(update_fields=["year"])
    return cycle_2024


def test_it_takes_an_answer_at_phone_width_and_thanks_the_citizen(
    page, live_server, this_years_cycle, dong_cam, survey_form
):
    page.set_viewport_size(VIEWPORTS["phone"])
    page.goto(f"{live_server.url}/y-kien/{dong_cam.unit.code}/")
    assert "Xã Đồng Cẩm" in page.locator("h1").inner_text()
    option = page.get_by_label("Rất hài lòng").first
    box = option.locator("xpath=ancestor::label").bounding_box()
    assert box["height"] >= 44 and box["width"] >= 300  # a thumb-sized target on a 375 px screen
    look_at(page, "feedback-public-form")
    option.check()
    page.locator("fieldset").nth(1).get_by_label("4 Hài lòng", exact=True).check()
    page.get_by_role("textbox").first.fill("Cán bộ hướng dẫn tận tình.")
    page.get_by_role("button", name="Gửi ý kiến").click()
    page.wait_for_url(f"{live_server.url}/y-kien/{dong_cam.unit.code}/cam-on/")
    assert "Cảm ơn ông/bà đã góp ý!" in page.content()
    look_at(page, "feedback-thanks")
    stored = SurveyResponse.objects.get()
    assert (stored.assessment_id, stored.channel, stored.overall) == (dong_cam.pk, Channel.QR, 5)


def test_it_works_with_javascript_off(chromium_browser, live_server, this_years_cycle, dong_cam, survey_form):
    context = chromium_browser.new_context(viewport=VIEWPORTS["phone"], java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/y-kien/{dong_cam.unit.code}/")
    page.get_by_label("Bình thường").first.check()
    page.get_by_role("button", name="Gửi ý kiến").click()
    page.wait_for_url("**/cam-on/")
    context.close()
    assert SurveyResponse.objects.get().overall == 3


def test_the_appraiser_sees_the_results_and_prints_the_poster(
    page, live_server, this_years_cycle, dong_cam, people, survey_form
):
    from .conftest import add_responses

    add_responses(dong_cam, survey_form, [5] * 30 + [4] * 8 + [2] * 4, aspects={"attitude": 5})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(people["appraiser"].user.username)
    page.get_by_label("Mật khẩu").fill(PERSONA_PASSWORD)
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/feedback/{dong_cam.pk}/")
    assert "90,5%" in page.locator("#results").inner_text()
    look_at(page, "feedback-unit-results")
    page.goto(f"{live_server.url}/feedback/{dong_cam.pk}/poster/")
    assert page.locator(".qr svg").count() == 1
    look_at(page, "feedback-poster")
    pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
    pages = printed_pages(pdf, "feedback-poster")
    assert len(pages) == 1  # the poster fits one A4 page: no blank second page
    assert dong_cam.unit.name in pages[0]


def test_the_officer_types_a_paper_forms_date_day_first_and_n_as_the_page_writes_numbers(
    page, live_server, this_years_cycle, dong_cam, people, survey_form
):
    today = timezone.localdate()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(people["officer"].user.username)
    page.get_by_label("Mật khẩu").fill(PERSONA_PASSWORD)
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/feedback/{dong_cam.pk}/")
    received = page.locator("#paper input[name='received_on']")
    assert received.input_value() == today.strftime("%d/%m/%Y")
    assert received.get_attribute("placeholder") == "ngày/tháng/năm"

    page.locator("#paper").get_by_label("4", exact=True).first.check()
    received.fill(f"31/02/{today.year}")
    page.get_by_role("button", name="Lưu phiếu giấy").click()
    page.get_by_text(f"“31/02/{today.year}”: tháng 2 năm {today.year} không có ngày 31.").wait_for()
    assert not SurveyResponse.objects.exists()
    for label, viewport in VIEWPORTS.items():  # the form itself, at both widths
        page.set_viewport_size(viewport)
        page.locator("#paper").screenshot(path=str(ARTIFACTS / f"feedback-paper-date-refused-{label}.png"))
    population = page.locator("#population input[name='population']")
    population.fill("1.000")
    page.get_by_role("button", name="Lưu N").click()
    page.get_by_text("“1.000”: hãy viết số không có dấu phân cách hàng nghìn, ví dụ 1000.").wait_for()
    look_at(page, "feedback-officer-refusals")
    page.locator("#population").screenshot(path=str(ARTIFACTS / "feedback-population-refused-desktop.png"))

    page.locator("#paper").get_by_label("4", exact=True).first.check()
    page.locator("#paper input[name='received_on']").fill(today.strftime("%-d/%-m/%Y"))
    page.get_by_role("button", name="Lưu phiếu giấy").click()
    page.wait_for_url(f"**/feedback/{dong_cam.pk}/**")
    assert SurveyResponse.objects.get().received_on == today
