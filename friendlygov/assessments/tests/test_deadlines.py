"""Deadlines that hold: past its close a stage is refused, by a page and by the API alike, with a
message naming the deadline, unless the appraising body extended it for the unit or the cycle
allows late work (then marked late)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from friendlygov.assessments import services
from friendlygov.assessments.deadlines import DeadlinePassed
from friendlygov.assessments.models import Assessment, Cycle, DeadlineExtension, IndicatorScore
from friendlygov.assessments.testing import fill_self
from friendlygov.assessments.workflow import Stage
from friendlygov.audit.models import AuditEvent

API = "/api/v1"
HTMX = {"HTTP_HX_REQUEST": "true"}


def today():
    return timezone.localdate()


def close_self_assessment(assessment, *, days_ago=1, late_allowed=False):
    closes = today() - timedelta(days=days_ago)
    Cycle.objects.filter(pk=assessment.cycle_id).update(
        self_assessment_closes=closes, late_allowed=late_allowed
    )
    return closes


def a_score(assessment):
    """One row, with the assessment and cycle as they stand now (not the test's copy in memory)."""
    fresh = Assessment.objects.select_related("cycle").get(pk=assessment.pk)
    return fresh.scores.select_related("indicator").filter(indicator__method="manual").first()


def page_save(client, assessment, score, value="3"):
    url = reverse("assessments:save_self", args=[assessment.pk, score.pk])
    return client.post(url, {"version": score.version, "self_value": value}, **HTMX)


def api_save(client, assessment, score, value="3"):
    url = f"{API}/assessments/{assessment.pk}/scores/{score.indicator.code}"
    data = {"version": score.version, "self_value": value}
    return client.patch(url, data, content_type="application/json")


def extend(assessment, head, *, days=5, stage=Stage.SELF_ASSESSMENT, reason="Mất điện cả tuần do bão số 3."):
    return services.grant_extension(
        Assessment.objects.get(pk=assessment.pk),
        stage=stage,
        until=today() + timedelta(days=days),
        reason=reason,
        actor=head,
    )


def test_it_refuses_a_page_save_after_the_close_and_accepts_it_with_an_extension(dong_cam, people):
    closes = close_self_assessment(dong_cam)
    score = a_score(dong_cam)

    refused = page_save(people["officer"], dong_cam, score).content.decode()
    assert f"Hạn tự đánh giá là ngày {closes:%d/%m/%Y} và đã qua" in refused
    assert IndicatorScore.objects.get(pk=score.pk).self_value is None

    extend(dong_cam, people["head"].user)
    page_save(people["officer"], dong_cam, score)
    assert IndicatorScore.objects.get(pk=score.pk).self_value == 3


def test_it_refuses_an_api_save_after_the_close_and_accepts_it_with_an_extension(dong_cam, people):
    closes = close_self_assessment(dong_cam)
    score = a_score(dong_cam)

    def deadline():
        return people["officer"].get(f"{API}/assessments/{dong_cam.pk}").json()["deadline"]

    refused = api_save(people["officer"], dong_cam, score)
    assert refused.status_code == 422
    assert f"Hạn tự đánh giá là ngày {closes:%d/%m/%Y} và đã qua" in refused.json()["error"]["message"]
    assert IndicatorScore.objects.get(pk=score.pk).self_value is None
    assert deadline() == {
        "stage": "self_assessment",
        "due": f"{closes:%Y-%m-%d}",
        "until": f"{closes:%Y-%m-%d}",
        "extended": False,
        "extension_reason": None,
        "late_allowed": False,
        "locked": True,
    }

    extension = extend(dong_cam, people["head"].user)
    accepted = api_save(people["officer"], dong_cam, score)
    assert accepted.status_code == 200, accepted.content.decode()
    assert IndicatorScore.objects.get(pk=score.pk).self_value == 3
    assert deadline() == {
        "stage": "self_assessment",
        "due": f"{closes:%Y-%m-%d}",
        "until": f"{extension.until:%Y-%m-%d}",
        "extended": True,
        "extension_reason": "Mất điện cả tuần do bão số 3.",
        "late_allowed": False,
        "locked": False,
    }


def test_the_page_locks_the_form_and_says_why_after_the_close(dong_cam, people):
    close_self_assessment(dong_cam)
    page = people["officer"].get(reverse("assessments:detail", args=[dong_cam.pk])).content.decode()
    assert "Đã quá hạn: hồ sơ đã khoá" in page
    assert 'name="self_value"' not in page

    extend(dong_cam, people["head"].user, days=5)
    page = people["officer"].get(reverse("assessments:detail", args=[dong_cam.pk])).content.decode()
    assert "Đã quá hạn" not in page and 'name="self_value"' in page
    assert f"{today() + timedelta(days=5):%d/%m/%Y}" in page  # where it stands: the extended date
    assert "Mất điện cả tuần do bão số 3." in page


def test_an_extension_that_has_run_out_locks_again_and_says_so(dong_cam, people):
    close_self_assessment(dong_cam, days_ago=10)
    extension = extend(dong_cam, people["head"].user)
    DeadlineExtension.objects.filter(pk=extension.pk).update(until=today() - timedelta(days=2))
    with pytest.raises(DeadlinePassed, match="được gia hạn đến ngày"):
        services.save_self_score(
            a_score(dong_cam), expected_version=1, actor=people["officer"].user, self_value=3
        )


def test_a_cycle_allowing_late_work_accepts_it_and_marks_it_late_once(dong_cam, people):
    close_self_assessment(dong_cam, late_allowed=True)
    officer = people["officer"].user
    fill_self(Assessment.objects.get(pk=dong_cam.pk), officer)

    dong_cam.refresh_from_db()
    assert dong_cam.late_stages == [Stage.SELF_ASSESSMENT]
    late = AuditEvent.objects.for_target(dong_cam).filter(event_type="assessment.late")
    assert late.count() == 1 and late.get().data["stage"] == Stage.SELF_ASSESSMENT
    page = people["officer"].get(reverse("assessments:detail", args=[dong_cam.pk])).content.decode()
    assert "Làm sau hạn:" in page


def test_submission_after_the_close_is_refused_too(dong_cam, people):
    fill_self(dong_cam, people["officer"].user)
    close_self_assessment(dong_cam)
    with pytest.raises(DeadlinePassed):
        services.submit_assessment(Assessment.objects.get(pk=dong_cam.pk), actor=people["chair"].user)
    assert Assessment.objects.get(pk=dong_cam.pk).status == "draft"


def test_the_appraisal_deadline_holds_for_the_appraiser(dong_cam, people):
    fill_self(dong_cam, people["officer"].user)
    services.submit_assessment(dong_cam, actor=people["chair"].user)
    due = today() - timedelta(days=1)
    Cycle.objects.filter(pk=dong_cam.cycle_id).update(appraisal_deadline=due)
    with pytest.raises(DeadlinePassed, match=f"Hạn thẩm định là ngày {due:%d/%m/%Y}"):
        services.start_appraisal(Assessment.objects.get(pk=dong_cam.pk), actor=people["appraiser"].user)

    extend(dong_cam, people["head"].user, stage=Stage.APPRAISAL)
    services.start_appraisal(Assessment.objects.get(pk=dong_cam.pk), actor=people["appraiser"].user)
    assert Assessment.objects.get(pk=dong_cam.pk).status == "under_appraisal"


def test_the_explanation_deadline_holds_for_the_commune(dong_cam, people):
    fill_self(dong_cam, people["officer"].user)
    services.submit_assessment(dong_cam, actor=people["chair"].user)
    services.start_appraisal(dong_cam, actor=people["appraiser"].user)
    score = a_score(dong_cam)
    (request,) = services.return_for_explanation(
        dong_cam, reasons={score.indicator_id: "Bổ sung biên bản."}, actor=people["appraiser"].user
    )
    Assessment.objects.filter(pk=dong_cam.pk).update(explanation_due=today() - timedelta(days=1))
    with pytest.raises(DeadlinePassed, match="Hạn giải trình"):
        services.respond_to_request(request, response="Đã bổ sung.", actor=people["officer"].user)

    extend(dong_cam, people["head"].user, stage=Stage.EXPLANATION)
    services.respond_to_request(request, response="Đã bổ sung.", actor=people["officer"].user)


def test_only_the_body_grants_an_extension_with_a_reason_and_a_later_date(dong_cam, people):
    close_self_assessment(dong_cam)
    for who in ("officer", "chair", "appraiser", "outsider_district"):
        with pytest.raises(PermissionDenied):
            extend(dong_cam, people[who].user)
    with pytest.raises(ValidationError, match="Cần ghi lý do gia hạn"):
        extend(dong_cam, people["head"].user, reason="  ")
    with pytest.raises(ValidationError, match="phải sau hạn tự đánh giá"):
        extend(dong_cam, people["head"].user, days=-3)
    assert not DeadlineExtension.objects.exists()

    extend(dong_cam, people["head"].user, days=5)
    extend(dong_cam, people["head"].user, days=9, reason="Gia hạn thêm theo đề nghị của xã.")
    extension = DeadlineExtension.objects.get()
    assert extension.until == today() + timedelta(days=9)
    events = AuditEvent.objects.for_target(dong_cam).filter(event_type="deadline.extended").order_by("pk")
    assert [e.data["until"]["new"] for e in events] == [
        f"{today() + timedelta(days=5):%Y-%m-%d}",
        f"{today() + timedelta(days=9):%Y-%m-%d}",
    ]
    assert events.last().data["reason"] == "Gia hạn thêm theo đề nghị của xã."


def test_the_head_grants_an_extension_from_the_assessment_page(dong_cam, people):
    close_self_assessment(dong_cam)
    page = people["head"].get(reverse("assessments:detail", args=[dong_cam.pk])).content.decode()
    assert "Gia hạn cho đơn vị này" in page
    officer_page = people["officer"].get(reverse("assessments:detail", args=[dong_cam.pk])).content.decode()
    assert "Gia hạn cho đơn vị này" not in officer_page

    until = today() + timedelta(days=7)
    response = people["head"].post(
        reverse("assessments:grant_extension", args=[dong_cam.pk]),
        {"stage": Stage.SELF_ASSESSMENT, "until": until.isoformat(), "reason": "Xã bị ngập lụt."},
        follow=True,
    )
    assert f"đến ngày {until:%d/%m/%Y}" in response.content.decode()
    assert DeadlineExtension.objects.get().reason == "Xã bị ngập lụt."

    refused = people["officer"].post(
        reverse("assessments:grant_extension", args=[dong_cam.pk]),
        {"stage": Stage.SELF_ASSESSMENT, "until": until.isoformat(), "reason": "Tự gia hạn."},
        follow=True,
    )
    assert "Chỉ thủ trưởng cơ quan thẩm định" in refused.content.decode()
    assert DeadlineExtension.objects.get().reason == "Xã bị ngập lụt."


def test_an_extended_unit_is_not_called_overdue_in_the_list(dong_cam, people):
    from friendlygov.assessments.selectors import assessment_list, mark_overdue

    def listed_overdue():
        listing = assessment_list(people["head"].user, year=dong_cam.cycle.year)
        overdue = {item.pk for item in mark_overdue(listing.rows) if item.is_overdue}
        return dong_cam.pk in overdue, listing.overdue_count - len(overdue - {dong_cam.pk})

    close_self_assessment(dong_cam, days_ago=3)
    assert listed_overdue() == (True, 1)  # the whole cycle closed; Đồng Cẩm among the overdue
    extend(dong_cam, people["head"].user)
    assert listed_overdue() == (False, 0)


def test_an_explanation_extended_is_not_overdue_in_the_appraisers_queue(dong_cam, people):
    from friendlygov.assessments.selectors import Waiting, appraisal_queue

    fill_self(dong_cam, people["officer"].user)
    services.submit_assessment(dong_cam, actor=people["chair"].user)
    services.start_appraisal(dong_cam, actor=people["appraiser"].user)
    score = a_score(dong_cam)
    services.return_for_explanation(
        dong_cam, reasons={score.indicator_id: "Bổ sung biên bản."}, actor=people["appraiser"].user
    )
    Assessment.objects.filter(pk=dong_cam.pk).update(explanation_due=today() - timedelta(days=2))

    def waiting():
        queue = appraisal_queue(people["appraiser"].user, today())
        return [(item.assessment.pk, item.waiting) for item in queue.items]

    assert waiting() == [(dong_cam.pk, Waiting.EXPLANATION_OVERDUE)]
    extend(dong_cam, people["head"].user, stage=Stage.EXPLANATION)
    assert waiting() == []
