from datetime import date

from django.urls import reverse

from friendlygov.assessments.models import AppraisingBody, Cycle
from friendlygov.frameworks.models import FrameworkVersion
from friendlygov.units.models import UnitVersion


def test_an_administrator_configures_and_opens_a_cycle_in_the_admin(admin_client, reference_data):
    cycle = Cycle.objects.create(
        year=2026,
        name="Năm 2026",
        framework=FrameworkVersion.objects.get(code="hai-duong-2024"),
        self_assessment_opens=date(2026, 10, 1),
        self_assessment_closes=date(2026, 11, 30),
        appraisal_deadline=date(2026, 12, 31),
        decision_from=date(2027, 1, 1),
        decision_until=date(2027, 1, 31),
    )
    city = UnitVersion.objects.get(pk="31@2025-07-01")
    AppraisingBody.objects.create(
        cycle=cycle,
        name="Sở Nội vụ",
        unit=city,
        issuing_authority="ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG",
        place_name="Hải Phòng",
    )
    response = admin_client.post(
        reverse("admin:assessments_cycle_changelist"),
        {"action": "open_selected", "_selected_action": [cycle.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert cycle.assessments.count() == 114
    assert "đã tạo 114 hồ sơ" in response.content.decode()
    again = admin_client.post(
        reverse("admin:assessments_cycle_changelist"),
        {"action": "open_selected", "_selected_action": [cycle.pk]},
        follow=True,
    )
    assert "đã được mở" in again.content.decode()
    assert cycle.assessments.count() == 114


def test_assessments_cannot_be_edited_in_the_admin(admin_client, reference_data):
    assert admin_client.get(reverse("admin:assessments_assessment_add")).status_code == 403
