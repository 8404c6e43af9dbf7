"""A merger or a division while a cycle is open: the province administrator moves the open
assessments to the successors (the choice recorded, audited), and nothing moves when anything is
refused."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from friendlygov.assessments import services
from friendlygov.assessments.models import Assessment, IndicatorScore
from friendlygov.assessments.testing import commune, district
from friendlygov.assessments.workflow import Status
from friendlygov.audit.models import AuditEvent
from friendlygov.units.models import EventKind, LineageEvent, LineageLink, UnitType, UnitVersion

EFFECTIVE = date(2024, 10, 1)


@pytest.fixture
def admin(django_user_model):
    return django_user_model.objects.create_superuser("moves-admin", password="x-moves-admin-2026")


@pytest.fixture
def tam_ky(cycle_2024):
    return cycle_2024.assessments.get(unit=commune("Xã Tam Kỳ", "Huyện Kim Thành"))


def new_commune(code, name):
    return UnitVersion.objects.create(
        id=f"{code}@{EFFECTIVE}",
        code=code,
        name=name,
        type=UnitType.COMMUNE,
        province_code="30",
        parent=district("Huyện Kim Thành"),
        valid_from=EFFECTIVE,
    )


def event(kind, pairs, name="ev"):
    made = LineageEvent.objects.create(id=f"TEST-{name}", kind=kind, effective_date=EFFECTIVE)
    for predecessor, successor in pairs:
        LineageLink.objects.create(event=made, predecessor=predecessor, successor=successor)
    return made


def save_one(assessment, officer, value=Decimal(3)):
    row = assessment.scores.select_related("indicator").filter(indicator__method="manual").first()
    services.save_self_score(row, expected_version=row.version, actor=officer, self_value=value)
    return row


def test_a_merger_seeds_the_successor_from_the_chosen_predecessor(
    cycle_2024, dong_cam, tam_ky, people, admin
):
    row = save_one(dong_cam, people["officer"].user)
    merged_unit = new_commune("99901", "Xã Đồng Tâm")
    merger = event(EventKind.MERGE, [(dong_cam.unit, merged_unit), (tam_ky.unit, merged_unit)])
    before = cycle_2024.assessments.count()

    moved = services.move_to_successors(cycle_2024, merger, carrier=dong_cam.unit_id, actor=admin)

    carried = Assessment.objects.get(cycle=cycle_2024, unit=merged_unit)
    assert carried.pk == dong_cam.pk == moved.carried.pk
    assert carried.body == dong_cam.body and carried.status == Status.DRAFT
    assert IndicatorScore.objects.get(pk=row.pk).self_value == 3
    assert not Assessment.objects.filter(pk=tam_ky.pk).exists()
    assert cycle_2024.assessments.count() == before - 1
    (audit,) = AuditEvent.objects.for_target(carried).filter(event_type="assessment.moved")
    assert audit.data["carrier"] == dong_cam.unit_id and audit.data["to"] == merged_unit.pk
    assert [item["unit"] for item in audit.data["merged"]] == [tam_ky.unit_id]
    assert AuditEvent.objects.for_target(cycle_2024).filter(event_type="cycle.units_moved").count() == 1


def test_a_division_records_which_successor_carries_the_assessment(cycle_2024, dong_cam, people, admin):
    save_one(dong_cam, people["officer"].user)
    east, west = new_commune("99902", "Xã Đồng Cẩm Đông"), new_commune("99903", "Xã Đồng Cẩm Tây")
    division = event(EventKind.DIVIDE, [(dong_cam.unit, east), (dong_cam.unit, west)], "divide")

    moved = services.move_to_successors(cycle_2024, division, carrier=west.pk, actor=admin)

    assert Assessment.objects.get(pk=dong_cam.pk).unit == west
    fresh = Assessment.objects.get(cycle=cycle_2024, unit=east)
    assert fresh.status == Status.DRAFT and fresh.scores.count() > 0
    assert not fresh.scores.filter(self_value__isnull=False).exists()
    assert moved.created == [east.pk]
    (audit,) = AuditEvent.objects.for_target(moved.carried).filter(event_type="assessment.moved")
    assert audit.data["carrier"] == west.pk and audit.data["created"] == [east.pk]


def unchanged(cycle):
    return sorted(cycle.assessments.values_list("pk", "unit_id", "status"))


def test_only_the_province_administrator_moves_assessments(cycle_2024, dong_cam, tam_ky, people):
    merged_unit = new_commune("99904", "Xã Đồng Tâm")
    merger = event(EventKind.MERGE, [(dong_cam.unit, merged_unit), (tam_ky.unit, merged_unit)])
    before = unchanged(cycle_2024)
    for who in ("head", "appraiser", "officer"):
        with pytest.raises(PermissionDenied):
            services.move_to_successors(cycle_2024, merger, carrier=dong_cam.unit_id, actor=people[who].user)
    assert unchanged(cycle_2024) == before


def test_it_refuses_a_carrier_that_is_not_in_the_event_a_taken_successor_and_a_decided_unit(
    cycle_2024, dong_cam, tam_ky, admin
):
    merged_unit = new_commune("99905", "Xã Đồng Tâm")
    merger = event(EventKind.MERGE, [(dong_cam.unit, merged_unit), (tam_ky.unit, merged_unit)])
    into_tam_ky = event(EventKind.MERGE, [(dong_cam.unit, tam_ky.unit)], "into-tam-ky")
    before = unchanged(cycle_2024)

    with pytest.raises(ValidationError, match="Hãy chọn hồ sơ của một đơn vị trước sáp nhập"):
        services.move_to_successors(cycle_2024, merger, carrier=merged_unit.pk, actor=admin)
    with pytest.raises(ValidationError, match="Xã Tam Kỳ đã có hồ sơ trong đợt đánh giá này"):
        services.move_to_successors(cycle_2024, into_tam_ky, carrier=dong_cam.unit_id, actor=admin)
    Assessment.objects.filter(pk=tam_ky.pk).update(status=Status.RECOGNISED, final_level=1)
    with pytest.raises(ValidationError, match="Hồ sơ của Xã Tam Kỳ đã có quyết định"):
        services.move_to_successors(cycle_2024, merger, carrier=dong_cam.unit_id, actor=admin)
    assert [row[:2] for row in unchanged(cycle_2024)] == [row[:2] for row in before]
    assert not AuditEvent.objects.filter(event_type="assessment.moved").exists()


def test_the_command_moves_and_names_a_refusal(cycle_2024, dong_cam, tam_ky, admin):
    merged_unit = new_commune("99906", "Xã Đồng Tâm")
    merger = event(EventKind.MERGE, [(dong_cam.unit, merged_unit), (tam_ky.unit, merged_unit)])
    args = {"cycle": 2024, "event": merger.pk, "user": admin.username}
    with pytest.raises(CommandError, match="Hãy chọn hồ sơ của một đơn vị trước sáp nhập"):
        call_command("move_assessments", carrier="nowhere", stdout=StringIO(), **args)
    out = StringIO()
    call_command("move_assessments", carrier=tam_ky.unit_id, stdout=out, **args)
    assert f"now belongs to {merged_unit.pk}; merged into it: {dong_cam.unit_id}" in out.getvalue()
    assert Assessment.objects.get(pk=tam_ky.pk).unit == merged_unit


@pytest.fixture
def province_admin(persona):
    from friendlygov.accounts.models import Role

    return persona(Role.PROVINCE_ADMIN, UnitVersion.objects.get(pk="30@2024-01-01"))


def test_the_page_lists_the_event_and_moves_the_assessments(cycle_2024, dong_cam, tam_ky, province_admin):
    merged_unit = new_commune("99907", "Xã Đồng Tâm")
    merger = event(EventKind.MERGE, [(dong_cam.unit, merged_unit), (tam_ky.unit, merged_unit)])
    url = reverse("assessments:moves", args=[2024])

    page = province_admin.get(url).content.decode()
    assert "Xã Đồng Tâm" in page and "Xã Đồng Cẩm" in page and "Xã Tam Kỳ" in page
    assert "Hồ sơ của đơn vị nào làm hồ sơ của đơn vị sau sáp nhập?" in page

    response = province_admin.post(url, {"event": merger.pk, "carrier": tam_ky.unit_id}, follow=True)
    assert "Đã chuyển hồ sơ sang Xã Đồng Tâm." in response.content.decode()
    assert Assessment.objects.get(pk=tam_ky.pk).unit == merged_unit
    assert (
        "Không có sự kiện nào còn hồ sơ chưa có quyết định cần chuyển."
        in province_admin.get(url).content.decode()
    )


def test_the_page_names_a_refusal_and_is_the_administrators_only(
    cycle_2024, dong_cam, people, province_admin
):
    url = reverse("assessments:moves", args=[2024])
    for who in ("officer", "appraiser", "head"):
        assert people[who].get(url).status_code == 403
        assert people[who].post(url, {"event": "x", "carrier": "y"}).status_code == 403
    into_tam_ky = event(EventKind.MERGE, [(dong_cam.unit, commune("Xã Tam Kỳ", "Huyện Kim Thành"))], "p")
    response = province_admin.post(url, {"event": into_tam_ky.pk, "carrier": dong_cam.unit_id}, follow=True)
    assert "Xã Tam Kỳ đã có hồ sơ trong đợt đánh giá này" in response.content.decode()
    assert Assessment.objects.get(pk=dong_cam.pk).unit == dong_cam.unit


def test_an_event_after_the_cycles_year_moves_nothing(cycle_2024, dong_cam, admin):
    """1 January 2025 (Hải Dương's renamings and mergers) is after the 2024 cycle's 31 December."""
    later = LineageEvent.objects.filter(links__predecessor=dong_cam.unit, effective_date__year=2025).first()
    with pytest.raises(ValidationError, match="sau ngày 31/12/2024"):
        services.move_to_successors(cycle_2024, later, carrier=dong_cam.unit_id, actor=admin)
    assert Assessment.objects.get(pk=dong_cam.pk).unit == dong_cam.unit
