"""Confirm before it counts: the chair's submission and the appraiser's approval each show what
they will record and need an explicit confirmation; a POST without it changes nothing."""

from decimal import Decimal

import pytest
from django.urls import reverse

from friendlygov.assessments import services
from friendlygov.assessments.models import Assessment
from friendlygov.assessments.testing import confirmed, quick_fill_self
from friendlygov.assessments.workflow import Status
from friendlygov.audit.models import AuditEvent

API = "/api/v1"


def under_appraisal_with_a_difference(assessment, people):
    quick_fill_self(assessment)
    services.save_flags(assessment, flags={}, bonus={"TH1": Decimal("1.5")}, actor=people["officer"].user)
    services.submit_assessment(assessment, actor=people["chair"].user)
    services.copy_self_to_appraisal(assessment, actor=people["appraiser"].user)
    score = assessment.scores.select_related("indicator").filter(indicator__method="manual").first()
    score.refresh_from_db()
    services.save_appraised_score(
        score,
        expected_version=score.version,
        actor=people["appraiser"].user,
        appraised_value=Decimal(0),
        appraisal_comment="Không có biên bản niêm yết.",
    )
    return score


def state(assessment):
    return Assessment.objects.values().get(pk=assessment.pk), AuditEvent.objects.count()


@pytest.mark.parametrize(
    ("who", "action", "data"),
    [
        ("chair", "submit", {}),
        ("chair", "submit", {"expected_score": "80"}),
        ("appraiser", "approve", {}),
        ("appraiser", "approve", {"confirmed": "1"}),
    ],
)
def test_a_post_without_confirmation_changes_nothing(dong_cam, people, who, action, data):
    if action == "submit":
        quick_fill_self(dong_cam)
    else:
        under_appraisal_with_a_difference(dong_cam, people)
        services.save_flags(
            dong_cam, flags={}, bonus={"TH1": Decimal("1")}, actor=people["appraiser"].user, layer="appraised"
        )
    before = state(dong_cam)
    url = reverse(f"assessments:{action}", args=[dong_cam.pk])

    response = people[who].post(url, data)

    assert response.status_code == 302 and response["Location"] == url
    assert state(dong_cam) == before


def test_the_chair_confirms_the_submission_after_seeing_its_summary(dong_cam, people):
    quick_fill_self(dong_cam)
    url = reverse("assessments:submit", args=[dong_cam.pk])

    page = people["chair"].get(url).content.decode()
    assert "Xác nhận ký duyệt và gửi thẩm định" in page
    assert 'name="confirmed" value="1"' in page
    people["chair"].post(url, confirmed(dong_cam, "submit"))

    dong_cam.refresh_from_db()
    assert dong_cam.status == Status.SUBMITTED


def test_the_approval_summary_shows_score_level_bonus_and_differences_with_comments(dong_cam, people):
    score = under_appraisal_with_a_difference(dong_cam, people)
    url = reverse("assessments:approve", args=[dong_cam.pk])

    page = people["appraiser"].get(url).content.decode()

    assert "Điểm cuối cùng sẽ ghi nhận" in page and "Mức theo thẩm định" in page
    assert "TH1." in page and "chưa quyết định" in page
    assert score.indicator.code in page and "Không có biên bản niêm yết." in page
    assert "Chưa thể xác nhận" in page and 'name="confirmed"' not in page

    services.save_flags(
        dong_cam, flags={}, bonus={"TH1": Decimal("1")}, actor=people["appraiser"].user, layer="appraised"
    )
    page = people["appraiser"].get(url).content.decode()
    assert 'name="confirmed" value="1"' in page
    people["appraiser"].post(url, confirmed(dong_cam, "approve"))
    dong_cam.refresh_from_db()
    assert dong_cam.status == Status.APPRAISED
    assert dong_cam.appraised_bonus == Decimal("1")


def test_a_confirmation_of_a_result_that_has_moved_since_is_refused(dong_cam, people):
    under_appraisal_with_a_difference(dong_cam, people)
    services.save_flags(
        dong_cam, flags={}, bonus={"TH1": Decimal("1")}, actor=people["appraiser"].user, layer="appraised"
    )
    seen = confirmed(dong_cam, "approve")
    services.save_flags(
        dong_cam, flags={}, bonus={"TH1": Decimal("1.5")}, actor=people["appraiser"].user, layer="appraised"
    )
    url = reverse("assessments:approve", args=[dong_cam.pk])

    response = people["appraiser"].post(url, seen, follow=True)

    assert "Kết quả đã thay đổi" in response.content.decode()
    dong_cam.refresh_from_db()
    assert dong_cam.status == Status.UNDER_APPRAISAL


def test_the_api_refuses_an_approval_whose_result_moved_since_it_was_read(dong_cam, people):
    under_appraisal_with_a_difference(dong_cam, people)
    services.save_flags(
        dong_cam, flags={}, bonus={"TH1": Decimal("1")}, actor=people["appraiser"].user, layer="appraised"
    )
    right = confirmed(dong_cam, "approve")["expected_score"]

    moved = people["appraiser"].post(
        f"{API}/assessments/{dong_cam.pk}/approve?expected_score={Decimal(right) + 1}",
        {},
        content_type="application/json",
    )
    assert moved.status_code == 409
    assert moved.json()["error"]["code"] == "result_changed"

    approved = people["appraiser"].post(
        f"{API}/assessments/{dong_cam.pk}/approve?expected_score={right}", {}, content_type="application/json"
    )
    assert approved.status_code == 200, approved.content
    assert approved.json()["final_score"] == format(Decimal(right).normalize(), "f")


def test_the_api_still_approves_without_a_body(dong_cam, people):
    under_appraisal_with_a_difference(dong_cam, people)
    services.save_flags(
        dong_cam, flags={}, bonus={"TH1": Decimal("0")}, actor=people["appraiser"].user, layer="appraised"
    )
    response = people["appraiser"].generic("POST", f"{API}/assessments/{dong_cam.pk}/approve")
    assert response.status_code == 200, response.content
