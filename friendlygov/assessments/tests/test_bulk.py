"""Bulk receipt and approval from the appraiser's list: each unit goes through the same service,
one refusal does not block the rest and says why, and every unit leaves its audit event."""

import re

from django.urls import reverse

from friendlygov.assessments import services
from friendlygov.assessments.models import Assessment
from friendlygov.assessments.testing import quick_fill_self
from friendlygov.assessments.workflow import Status
from friendlygov.audit.models import AuditEvent


def three_of_kim_thanh(dong_cam):
    others = dong_cam.cycle.assessments.filter(body=dong_cam.body).exclude(pk=dong_cam.pk)
    return [dong_cam, *others.order_by("unit__code")[:2]]


def submitted(assessments, chair):
    for assessment in assessments:
        quick_fill_self(assessment)
        services.submit_assessment(assessment, actor=chair)


def events_of(assessment, *types):
    return list(
        AuditEvent.objects.for_target(assessment)
        .filter(event_type__in=types)
        .values_list("event_type", flat=True)
    )


def test_bulk_approve_of_three_with_one_not_ready_approves_two_and_refuses_one_with_its_reason(
    dong_cam, people, kim_thanh_chair
):
    units = three_of_kim_thanh(dong_cam)
    submitted(units, kim_thanh_chair)
    appraiser = people["appraiser"].user
    for unit in units:
        services.copy_self_to_appraisal(unit, actor=appraiser)
    not_ready = units[1]  # the commune claims a bonus the appraiser has not decided
    Assessment.objects.filter(pk=not_ready.pk).update(self_bonus_by_rule={"TH1": "1.5"}, self_bonus=1.5)
    ids = [unit.pk for unit in units]

    summary = people["appraiser"].post(reverse("assessments:approve_many"), {"ids": ids})

    page = summary.content.decode()
    assert summary.status_code == 200
    assert "Xác nhận duyệt các hồ sơ đã chọn" in page
    assert f'name="expected_{not_ready.pk}"' not in page and "TH1: xã đề nghị điểm thưởng" in page
    assert all(Assessment.objects.get(pk=pk).status == Status.UNDER_APPRAISAL for pk in ids)

    form = {"confirmed": "1", "ids": ids}
    for unit in units:
        unit.refresh_from_db()
        form[f"expected_{unit.pk}"] = str(unit.appraised_score)
    result = people["appraiser"].post(reverse("assessments:approve_many"), form)

    statuses = {pk: Assessment.objects.get(pk=pk).status for pk in ids}
    assert [statuses[pk] for pk in ids] == [Status.APPRAISED, Status.UNDER_APPRAISAL, Status.APPRAISED]
    page = result.content.decode()
    assert "Không thực hiện được" in page and "TH1: xã đề nghị điểm thưởng" in page
    for unit in (units[0], units[2]):
        assert events_of(unit, "assessment.approve", "assessment.approve_refused") == ["assessment.approve"]
    (refused,) = AuditEvent.objects.for_target(not_ready).filter(event_type="assessment.approve_refused")
    assert "TH1" in refused.data["reason"]
    assert refused.actor == appraiser


def test_bulk_receipt_receives_the_submitted_and_says_why_not_for_the_others(
    dong_cam, people, kim_thanh_chair
):
    units = three_of_kim_thanh(dong_cam)
    submitted(units[:2], kim_thanh_chair)  # the third is still a draft

    result = people["appraiser"].post(
        reverse("assessments:receive_many"), {"ids": [unit.pk for unit in units]}
    )

    statuses = [Assessment.objects.get(pk=unit.pk).status for unit in units]
    assert statuses == [Status.UNDER_APPRAISAL, Status.UNDER_APPRAISAL, Status.DRAFT]
    assert "Không thể thực hiện" in result.content.decode()
    assert events_of(units[0], "assessment.start_appraisal") == ["assessment.start_appraisal"]
    assert events_of(units[2], "assessment.start_appraisal_refused") == ["assessment.start_appraisal_refused"]


def test_a_bulk_approval_of_a_result_that_moved_since_the_summary_is_refused(dong_cam, people):
    quick_fill_self(dong_cam)
    services.submit_assessment(dong_cam, actor=people["chair"].user)
    services.copy_self_to_appraisal(dong_cam, actor=people["appraiser"].user)
    dong_cam.refresh_from_db()

    people["appraiser"].post(
        reverse("assessments:approve_many"),
        {
            "confirmed": "1",
            "ids": [dong_cam.pk],
            f"expected_{dong_cam.pk}": str(dong_cam.appraised_score - 1),
        },
    )

    dong_cam.refresh_from_db()
    assert dong_cam.status == Status.UNDER_APPRAISAL


def test_nobody_outside_the_appraisal_approves_in_bulk_and_the_commune_never_reads_the_refusal(
    dong_cam, people
):
    quick_fill_self(dong_cam)
    services.submit_assessment(dong_cam, actor=people["chair"].user)
    services.copy_self_to_appraisal(dong_cam, actor=people["appraiser"].user)
    dong_cam.refresh_from_db()
    form = {"confirmed": "1", "ids": [dong_cam.pk], f"expected_{dong_cam.pk}": str(dong_cam.appraised_score)}

    for who in ("outsider_district", "outsider_commune", "officer"):
        people[who].post(reverse("assessments:approve_many"), form)

    dong_cam.refresh_from_db()
    assert dong_cam.status == Status.UNDER_APPRAISAL
    history = people["officer"].get(reverse("assessments:history", args=[dong_cam.pk])).content.decode()
    assert "Duyệt hàng loạt" not in history
    assert (
        AuditEvent.objects.for_target(dong_cam).filter(event_type="assessment.approve_refused").count() == 1
    )


def test_the_list_offers_bulk_choices_to_the_appraiser_only(dong_cam, people):
    quick_fill_self(dong_cam)
    services.submit_assessment(dong_cam, actor=people["chair"].user)

    appraiser = people["appraiser"].get(reverse("assessments:list")).content.decode()
    officer = people["officer"].get(reverse("assessments:list")).content.decode()

    assert re.search(rf'name="ids"\s+value="{dong_cam.pk}"', appraiser)
    assert "Tiếp nhận các hồ sơ đã chọn" in appraiser
    assert 'name="ids"' not in officer and "Tiếp nhận các hồ sơ đã chọn" not in officer
