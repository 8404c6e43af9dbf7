"""Deadlines and mergers in a real browser: the officer finds the self-assessment locked after its
close, the head of the appraising body grants an extension from the page, and the officer sees it
where the assessment stands; the province administrator moves the assessments of a merger.
Screenshots at desktop and phone width, axe-core on each page."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from friendlygov.accounts.models import Role
from friendlygov.assessments.models import Assessment, Cycle
from friendlygov.assessments.testing import commune, district
from friendlygov.core.testing_browser import look_at
from friendlygov.units.models import EventKind, LineageEvent, LineageLink, UnitType, UnitVersion

from .test_browser_cycle import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_head_extends_a_closed_self_assessment_and_the_officer_sees_it(
    page, live_server, dong_cam, people
):
    today = timezone.localdate()
    Cycle.objects.filter(pk=dong_cam.cycle_id).update(self_assessment_closes=today - timedelta(days=3))
    url = f"{live_server.url}/assessments/{dong_cam.pk}/"

    sign_in(page, live_server, people["officer"])
    page.goto(url)
    page.get_by_text("Đã quá hạn: hồ sơ đã khoá").wait_for()
    assert page.locator("input[name='self_value']").count() == 0
    look_at(page, "deadlines-1-locked")

    sign_in(page, live_server, people["head"])
    page.goto(url)
    page.get_by_text("Gia hạn cho đơn vị này").click()
    until = today + timedelta(days=7)
    page.get_by_label("Gia hạn đến ngày").fill(f"{until:%d/%m/%Y}")
    page.get_by_label("Lý do gia hạn").fill("Xã bị ngập lụt sau bão, không tổ chức họp được.")
    look_at(page, "deadlines-2-extension-form")
    page.get_by_role("button", name="Gia hạn", exact=True).click()
    page.get_by_text(f"đến ngày {until:%d/%m/%Y}").first.wait_for()

    sign_in(page, live_server, people["officer"])
    page.goto(url)
    standing = page.locator("section.standing")
    assert f"{until:%d/%m/%Y}" in standing.inner_text()
    assert "Xã bị ngập lụt sau bão" in standing.inner_text()
    assert page.locator("input[name='self_value']").count() > 0
    look_at(page, "deadlines-3-extended")


def test_the_province_administrator_moves_the_assessments_of_a_merger(page, live_server, dong_cam, persona):
    effective = date(2024, 10, 1)
    merged = UnitVersion.objects.create(
        id=f"99911@{effective}",
        code="99911",
        name="Xã Đồng Tâm",
        type=UnitType.COMMUNE,
        province_code="30",
        parent=district("Huyện Kim Thành"),
        valid_from=effective,
    )
    event = LineageEvent.objects.create(
        id="TEST-browser-merge",
        kind=EventKind.MERGE,
        effective_date=effective,
        legal_basis="Nghị quyết số …/NQ-UBTVQH (thử nghiệm)",
    )
    tam_ky = commune("Xã Tam Kỳ", "Huyện Kim Thành")
    for predecessor in (dong_cam.unit, tam_ky):
        LineageLink.objects.create(event=event, predecessor=predecessor, successor=merged)
    admin = persona(Role.PROVINCE_ADMIN, UnitVersion.objects.get(pk="30@2024-01-01"))

    sign_in(page, live_server, admin)
    page.goto(f"{live_server.url}/assessments/?year=2024")
    page.get_by_role("link", name="Chuyển hồ sơ theo sáp nhập, chia tách").click()
    page.get_by_role("heading", name="Chuyển hồ sơ theo sáp nhập, chia tách").wait_for()
    look_at(page, "moves-1-events")
    page.get_by_label("Xã Tam Kỳ").check()
    page.get_by_role("button", name="Chuyển hồ sơ").click()
    page.get_by_text("Đã chuyển hồ sơ sang Xã Đồng Tâm.").wait_for()
    look_at(page, "moves-2-done")
    assert Assessment.objects.get(cycle=dong_cam.cycle, unit=merged).unit_id == merged.pk
