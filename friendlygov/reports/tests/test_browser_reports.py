"""The results pages in a real browser, on the small demo data set: the province dashboard, the
commune's "explain my level", and the public page — which shows nothing for an undecided cycle.
Screenshots at desktop and phone width, axe-core on each page."""

import re

import pytest
from playwright.sync_api import expect

from friendlygov.accounts.models import User
from friendlygov.assessments.models import Assessment
from friendlygov.core import testing_browser as browser
from friendlygov.core.testing_browser import look_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(live_server, small_demo_committed):
    """The small demo (`setup_demo --small`, copied from its template) behind the live server."""
    return live_server


def sign_in(page, live_server, username, to="/"):
    browser.sign_in(page, live_server, User.objects.get(username=username), to=to)


def test_the_public_page_shows_decided_results_and_nothing_before_a_decision(page, demo):
    page.goto(f"{demo.url}/public/2025/")
    decided = Assessment.objects.filter(cycle__year=2025).select_related("unit").first()
    assert decided.unit.name in page.locator("main").inner_text()
    look_at(page, "reports-public-2025")

    page.goto(f"{demo.url}/public/2026/")
    text = page.locator("main").inner_text()
    assert "Chưa có kết quả được công bố cho năm này" in text
    for assessment in Assessment.objects.filter(cycle__year=2026).select_related("unit"):
        assert assessment.unit.name not in text
    look_at(page, "reports-public-2026-undecided")


def test_a_leader_reads_the_dashboard(page, demo):
    sign_in(page, demo, "lanhdao.haiphong")
    page.get_by_role("link", name="Báo cáo").click()
    expect(page.get_by_role("heading", level=1).first).to_have_text(re.compile("^Kết quả năm"))
    page.wait_for_load_state()
    page.goto(f"{demo.url}/reports/2025/")
    main = page.locator("main").inner_text()
    assert "Phân bố theo mức" in main
    look_at(page, "reports-dashboard-2025")
    page.goto(f"{demo.url}/reports/2026/")
    look_at(page, "reports-dashboard-2026")
    # The year not decided yet: its forecast, and the units that decide each target, opened.
    assert "Dự báo" in page.locator("#targets").inner_text()
    page.get_by_text("Đơn vị quyết định mục tiêu").click()
    page.locator("#targets .deciding-list").first.wait_for()
    look_at(page, "reports-dashboard-2026-deciding")
    page.goto(f"{demo.url}/reports/2024/#map")
    labels = page.locator("#map svg text").all_text_contents()
    assert any("Kim Thành" in label for label in labels)
    look_at(page, "reports-dashboard-2024")


def test_the_public_page_tells_namesakes_apart_by_district(page, demo):
    page.goto(f"{demo.url}/public/2024/?q=xa")
    rows = page.locator("main table tbody tr").all_inner_texts()
    assert rows and all("Huyện " in row for row in rows)
    look_at(page, "reports-public-2024-search")


def test_a_commune_reads_why_it_got_its_level(page, demo):
    assessment = Assessment.objects.get(cycle__year=2025, unit_id="10804@2025-07-01")
    sign_in(page, demo, "canbo.kimthanh", to=f"/assessments/{assessment.pk}/")
    page.get_by_role("link", name="Giải thích mức đạt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Giải thích mức đạt")
    page.wait_for_load_state()
    look_at(page, "reports-commune-2025")
