"""A review request through the services, as the real roles take it: filed by the commune chair,
assigned by the head, answered by the appraiser; accepted → re-appraised → corrective decision
under the register's supersede rules; rejected; and the deadlines."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from friendlygov.assessments import register, selectors
from friendlygov.assessments import services as assessment_services
from friendlygov.assessments.models import Decision
from friendlygov.assessments.workflow import Status
from friendlygov.audit.models import AuditEvent
from friendlygov.reviews import services
from friendlygov.reviews.models import ReviewRequest, ReviewState, Subject
from friendlygov.reviews.testing import issue_on_6_january, named_and_other, on

pytestmark = pytest.mark.django_db


def events(assessment, prefix="review."):
    return list(
        AuditEvent.objects.filter(
            target_type="assessments.assessment", target_id=str(assessment.pk), event_type__startswith=prefix
        )
        .order_by("pk")
        .values_list("event_type", flat=True)
    )


def file(assessment, chair, indicator, day=(2025, 1, 10)):
    with on(*day):
        return services.file_request(
            assessment, indicators=[indicator], reasons="Biên bản niêm yết đã nộp đủ.", actor=chair
        )


def test_it_walks_filed_accepted_reappraised_corrected(draft, people):
    old = issue_on_6_january(draft, people["head"].user)
    dong_cam = draft.items.get(assessment__unit__name="Xã Đồng Cẩm").assessment
    named, other = named_and_other(dong_cam)

    request = file(dong_cam, people["chair"].user, named.indicator)
    assert (request.subject, request.disputed_decision, request.state) == (
        Subject.DECISION,
        old,
        ReviewState.FILED,
    )
    assert request.answer_due.isoformat() == "2025-02-09"  # 30 days by default

    with on(2025, 1, 12):
        services.assign_request(request, appraiser=people["appraiser"].user, actor=people["head"].user)
        services.accept_request(request, answer="Xem xét lại TC1.", actor=people["appraiser"].user)
    dong_cam.refresh_from_db()
    assert dong_cam.status == Status.UNDER_REVIEW
    assert dong_cam.reopened_indicators == [named.indicator_id]
    assert register.in_force(dong_cam) == old  # still in force until the correction
    # The re-appraisal waits in the queue of the appraiser the request was given to, since the
    # day it was accepted, and in the body's; nobody else's.
    with on(2025, 1, 15):
        today = timezone.localdate()
        (item,) = selectors.appraisal_queue(people["appraiser"].user, today).items
        assert (item.assessment.pk, item.waiting, item.since.isoformat(), item.days) == (
            dong_cam.pk,
            "under_review",
            "2025-01-12",
            3,
        )
        assert item.waiting_label == "Đang xem xét lại (kiến nghị được chấp nhận)"
        body = selectors.appraisal_queue(people["head"].user, today, selectors.ALL).items
        assert [i.assessment.pk for i in body if i.waiting == "under_review"] == [dong_cam.pk]
        assert selectors.appraisal_queue(people["outsider_district"].user, today).items == []
        assert selectors.next_in_queue(people["appraiser"].user, named.assessment) is None

    # Only the named indicator may change.
    other.refresh_from_db()
    with pytest.raises(ValidationError, match="không thuộc kiến nghị"):
        assessment_services.save_appraised_score(
            other, expected_version=other.version, actor=people["appraiser"].user, appraised_value=Decimal(1)
        )
    named.refresh_from_db()
    with on(2025, 1, 13):
        assessment_services.save_appraised_score(
            named,
            expected_version=named.version,
            actor=people["appraiser"].user,
            appraised_value=named.indicator.max_points,
            appraisal_comment="Đã đủ biên bản theo kiến nghị.",
        )
        assessment_services.approve_appraisal(dong_cam, actor=people["appraiser"].user)
    dong_cam.refresh_from_db()
    assert dong_cam.status == Status.APPRAISED and dong_cam.reopened_indicators == []

    with on(2025, 1, 14):
        correction = services.draft_correction(
            request,
            actor=people["head"].user,
            number="",
            signed_on="2025-01-14",
            signer_name="Nguyễn Văn An",
            legal_bases="Căn cứ kết quả xem xét kiến nghị;",
            date_reason="",
        )
        assessment_services.issue_decision(correction, actor=people["head"].user)
    correction.refresh_from_db()
    assert (correction.kind, correction.supersedes, correction.state) == (
        Decision.Kind.RECOGNITION,
        old,
        Decision.State.ISSUED,
    )
    dong_cam.refresh_from_db()
    assert dong_cam.status in (Status.RECOGNISED, Status.NOT_RECOGNISED)
    assert register.in_force(dong_cam) == correction
    request.refresh_from_db()
    assert (request.state, request.corrective_decision) == (ReviewState.RESOLVED, correction)
    assert events(dong_cam) == [
        "review.filed",
        "review.assigned",
        "review.accepted",
        "review.correction_drafted",
        "review.resolved",
    ]
    # The corrective decision settles the request: it is not disputed again here.
    with on(2025, 1, 15), pytest.raises(ValidationError, match="đã giải quyết kiến nghị"):
        services.file_request(
            dong_cam, indicators=[named.indicator], reasons="Lại.", actor=people["chair"].user
        )
    # The other units of the old decision stay decided by it.
    neighbour = draft.items.exclude(assessment=dong_cam).first().assessment
    assert register.in_force(neighbour) == old


def test_it_walks_filed_rejected(draft, people):
    issue_on_6_january(draft, people["head"].user)
    dong_cam = draft.items.get(assessment__unit__name="Xã Đồng Cẩm").assessment
    named, _ = named_and_other(dong_cam)
    request = file(dong_cam, people["chair"].user, named.indicator)
    with on(2025, 1, 15):
        services.assign_request(request, appraiser=people["appraiser"].user, actor=people["head"].user)
        services.reject_request(
            request, answer="Biên bản nộp sau hạn, không đủ căn cứ.", actor=people["appraiser"].user
        )
    request.refresh_from_db()
    dong_cam.refresh_from_db()
    assert request.state == ReviewState.REJECTED and not request.answered_late
    assert dong_cam.status in (Status.RECOGNISED, Status.NOT_RECOGNISED)
    assert events(dong_cam) == ["review.filed", "review.assigned", "review.rejected"]


def test_it_refuses_filing_after_the_period_and_says_until_when(draft, people):
    issue_on_6_january(draft, people["head"].user)
    dong_cam = draft.items.get(assessment__unit__name="Xã Đồng Cẩm").assessment
    named, _ = named_and_other(dong_cam)
    with pytest.raises(ValidationError) as refused:
        file(dong_cam, people["chair"].user, named.indicator, day=(2025, 1, 22))
    assert "Đã hết thời hạn kiến nghị" in str(refused.value)
    assert "06/01/2025" in str(refused.value) and "21/01/2025" in str(refused.value)
    assert not ReviewRequest.objects.exists()
    # On the last day it is still accepted.
    assert file(dong_cam, people["chair"].user, named.indicator, day=(2025, 1, 21)).pk


def test_the_period_follows_the_setting(draft, people, settings):
    settings.REVIEW_FILING_DAYS = 3
    issue_on_6_january(draft, people["head"].user)
    dong_cam = draft.items.get(assessment__unit__name="Xã Đồng Cẩm").assessment
    named, _ = named_and_other(dong_cam)
    with pytest.raises(ValidationError, match="09/01/2025"):
        file(dong_cam, people["chair"].user, named.indicator, day=(2025, 1, 10))


def test_an_appraisal_result_may_be_disputed_before_any_decision(appraised_units, people):
    dong_cam = appraised_units[0]
    named, _ = named_and_other(dong_cam)
    request = file(dong_cam, people["chair"].user, named.indicator, day=(2024, 12, 28))
    assert (request.subject, request.disputed_decision) == (Subject.APPRAISAL, None)
    with pytest.raises(ValidationError, match="chưa giải quyết xong"):
        file(dong_cam, people["chair"].user, named.indicator, day=(2024, 12, 29))


def test_it_flags_a_late_answer(draft, people):
    issue_on_6_january(draft, people["head"].user)
    dong_cam = draft.items.get(assessment__unit__name="Xã Đồng Cẩm").assessment
    named, _ = named_and_other(dong_cam)
    request = file(dong_cam, people["chair"].user, named.indicator)
    with on(2025, 2, 10):  # due 9 February
        services.reject_request(request, answer="Giữ nguyên kết quả.", actor=people["head"].user)
    request.refresh_from_db()
    assert request.answered_late
    event = AuditEvent.objects.get(event_type="review.rejected")
    assert event.data["late"] is True


def test_bad_input_changes_nothing(draft, people):
    issue_on_6_january(draft, people["head"].user)
    dong_cam = draft.items.get(assessment__unit__name="Xã Đồng Cẩm").assessment
    named, _ = named_and_other(dong_cam)
    with on(2025, 1, 10), pytest.raises(ValidationError, match="Cần ghi lý do"):
        services.file_request(
            dong_cam, indicators=[named.indicator], reasons="  ", actor=people["chair"].user
        )
    with on(2025, 1, 10), pytest.raises(ValidationError, match="ít nhất một chỉ tiêu"):
        services.file_request(dong_cam, indicators=[], reasons="Sai.", actor=people["chair"].user)
    request = file(dong_cam, people["chair"].user, named.indicator)
    with on(2025, 1, 11), pytest.raises(ValidationError, match="cán bộ thẩm định phụ trách"):
        services.assign_request(
            request, appraiser=people["outsider_district"].user, actor=people["head"].user
        )
    with on(2025, 1, 11), pytest.raises(ValidationError, match="nội dung trả lời"):
        services.accept_request(request, answer="", actor=people["head"].user)
    request.refresh_from_db()
    assert request.state == ReviewState.FILED and request.assigned_to is None
    with on(2025, 1, 11), pytest.raises(PermissionDenied):
        services.file_request(
            dong_cam, indicators=[named.indicator], reasons="Sai.", actor=people["officer"].user
        )
