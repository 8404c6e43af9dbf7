"""Issue 17 items 1, 2, 3 and 7 below the browser: review on the indicator (accept per row or per
criterion, never the whole commune; change with a comment; reviewed again after the commune
changes a value), explanation requests written on the indicators and sent as one round, what
changed since a request, assignment by the head (the assigned appraiser appraises, the others
read), the queue (mine/all, the appraiser, next), and one indicator across communes."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from friendlygov.accounts.models import Role
from friendlygov.assessments import permissions, selectors, services
from friendlygov.assessments.completeness import UNREVIEWED, missing_for_approval
from friendlygov.assessments.models import Assessment, ExplanationRequest
from friendlygov.assessments.testing import district, quick_fill_self
from friendlygov.assessments.workflow import Status
from friendlygov.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"


def submitted(assessment, chair):
    quick_fill_self(assessment)
    services.submit_assessment(assessment, actor=chair)
    assessment.refresh_from_db()
    return assessment


def rows_of(assessment):
    return list(assessment.scores.select_related("indicator__criterion").order_by("indicator__order"))


def by_criterion(assessment):
    blocks = {}
    for row in rows_of(assessment):
        blocks.setdefault(row.indicator.criterion_id, []).append(row)
    return list(blocks.values())


def test_accepting_a_criterion_marks_its_rows_and_starts_the_appraisal(dong_cam, people):
    submitted(dong_cam, people["chair"].user)
    appraiser = people["appraiser"].user
    first = by_criterion(dong_cam)[0]

    services.accept_indicators(dong_cam, score_ids=[r.pk for r in first], actor=appraiser)

    dong_cam.refresh_from_db()
    assert dong_cam.status == Status.UNDER_APPRAISAL and dong_cam.appraiser == appraiser
    for row in dong_cam.scores.filter(pk__in=[r.pk for r in first]):
        assert row.review == "accepted"
        assert (row.appraised_value, row.appraised_na) == (row.self_value, row.self_na)
    progress = selectors.review_progress(rows_of(dong_cam))
    assert (progress.reviewed, progress.total) == (len(first), len(rows_of(dong_cam)))


def test_accepting_never_takes_more_than_one_criterion_at_once(dong_cam, people):
    submitted(dong_cam, people["chair"].user)
    blocks = by_criterion(dong_cam)
    everything = [row.pk for block in blocks for row in block]

    with pytest.raises(ValidationError, match="một tiêu chí"):
        services.accept_indicators(dong_cam, score_ids=everything, actor=people["appraiser"].user)

    assert not dong_cam.scores.exclude(review="").exists()
    dong_cam.refresh_from_db()
    assert dong_cam.status == Status.SUBMITTED


def test_a_changed_value_needs_a_comment_and_a_commune_change_needs_a_new_review(dong_cam, people):
    chair, appraiser = people["chair"].user, people["appraiser"].user
    submitted(dong_cam, chair)
    for block in by_criterion(dong_cam):
        services.accept_indicators(dong_cam, score_ids=[r.pk for r in block], actor=appraiser)
    row = dong_cam.scores.filter(indicator__method="manual").select_related("indicator").first()
    services.save_appraised_score(
        row, expected_version=row.version, actor=appraiser, appraised_value=Decimal("0")
    )
    row.refresh_from_db()
    assert row.review == "changed"
    assert [m.kind for m in missing_for_approval(dong_cam)] == ["comment"]

    # Returned, the commune changes another value: that row waits for a new review.
    other = (
        dong_cam.scores.exclude(pk=row.pk)
        .filter(indicator__method="manual")
        .select_related("indicator")
        .first()
    )
    services.return_for_explanation(dong_cam, reasons={other.indicator_id: "Kiểm tra lại."}, actor=appraiser)
    other.refresh_from_db()
    services.save_self_score(
        other, expected_version=other.version, actor=chair, self_value=other.self_value - 1
    )
    other.refresh_from_db()
    assert other.review == ""
    kinds = {m.kind for m in missing_for_approval(dong_cam)}
    assert UNREVIEWED in kinds


def test_requests_written_on_the_indicators_are_sent_once_and_hidden_from_the_commune_until_then(
    dong_cam, people, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    chair = people["chair"].user
    first, second = rows_of(dong_cam)[:2]
    services.upload_evidence(dong_cam, second.indicator, SimpleUploadedFile("cu.pdf", PDF), actor=chair)
    old_file = dong_cam.evidence.get()
    submitted(dong_cam, chair)

    for row, reason in ((first, "Thiếu biên bản niêm yết."), (second, "Tài liệu không rõ.")):
        people["appraiser"].post(
            reverse("assessments:draft_request", args=[dong_cam.pk, row.pk]),
            {"reason": reason},
            HTTP_HX_REQUEST="true",
        )
    assert ExplanationRequest.objects.filter(assessment=dong_cam, draft=True).count() == 2
    commune_page = people["officer"].get(reverse("assessments:detail", args=[dong_cam.pk])).content.decode()
    assert "Thiếu biên bản niêm yết." not in commune_page
    appraiser_page = (
        people["appraiser"].get(reverse("assessments:detail", args=[dong_cam.pk])).content.decode()
    )
    assert "Gửi yêu cầu giải trình (2 chỉ tiêu)" in appraiser_page

    people["appraiser"].post(reverse("assessments:return", args=[dong_cam.pk]))

    dong_cam.refresh_from_db()
    assert dong_cam.status == Status.RETURNED and dong_cam.explanation_rounds == 1
    sent = {r.indicator_id: r for r in ExplanationRequest.objects.filter(assessment=dong_cam)}
    assert set(sent) == {first.indicator_id, second.indicator_id}
    assert not any(r.draft for r in sent.values())
    assert sent[second.indicator_id].evidence_then == [old_file.pk]
    assert AuditEvent.objects.for_target(dong_cam).filter(event_type="assessment.return").count() == 1

    # The commune answers: a new value, a file withdrawn and another added.
    first.refresh_from_db()
    services.save_self_score(first, expected_version=first.version, actor=chair, self_value=0)
    services.remove_evidence(old_file, actor=chair)
    services.upload_evidence(dong_cam, second.indicator, SimpleUploadedFile("moi.pdf", PDF), actor=chair)

    blocks = selectors.rows_by_criterion(dong_cam)
    rows = {row.pk: row for block in blocks for row in block.rows}
    first_changes = rows[first.pk].requests[0].changes
    assert first_changes.value_changed and first_changes.old == (False, Decimal("1.00"))
    assert first_changes.new == (False, Decimal("0.00"))
    second_changes = rows[second.pk].requests[0].changes
    assert [e.original_name for e in second_changes.added] == ["moi.pdf"]
    assert [e.original_name for e in second_changes.withdrawn] == ["cu.pdf"]
    assert not second_changes.value_changed


def test_the_assigned_appraiser_appraises_and_the_others_of_the_body_read(dong_cam, people, persona):
    submitted(dong_cam, people["chair"].user)
    colleague = persona(Role.APPRAISER, district("Huyện Kim Thành"))
    services.assign_appraiser(dong_cam, appraiser=people["appraiser"].user, actor=people["head"].user)
    dong_cam.refresh_from_db()

    mine, theirs = people["appraiser"].user, colleague.user
    assert permissions.may(mine, permissions.APPRAISE, dong_cam)
    assert not permissions.may(theirs, permissions.APPRAISE, dong_cam)
    assert not permissions.may(theirs, "start_appraisal", dong_cam)
    assert permissions.may(theirs, permissions.VIEW_APPRAISAL, dong_cam)
    assert not permissions.which(theirs, permissions.APPRAISE).filter(pk=dong_cam.pk).exists()
    assert permissions.which(mine, permissions.APPRAISE).filter(pk=dong_cam.pk).exists()
    assert colleague.get(reverse("assessments:detail", args=[dong_cam.pk])).status_code == 200
    colleague.post(reverse("assessments:start_appraisal", args=[dong_cam.pk]))
    dong_cam.refresh_from_db()
    assert dong_cam.status == Status.SUBMITTED

    # The queue: "all" shows it with its appraiser to the colleague; "mine" does not.
    today = timezone.localdate()
    assert dong_cam.pk not in [i.assessment.pk for i in selectors.appraisal_queue(theirs, today).items]
    everyone = selectors.appraisal_queue(theirs, today, selectors.ALL).items
    (item,) = [i for i in everyone if i.assessment.pk == dong_cam.pk]
    assert item.assessment.appraiser == mine and not item.mine
    page = colleague.get(reverse("home") + "?queue=all").content.decode()
    assert str(mine) in page


def test_only_an_appraiser_of_the_body_may_be_assigned(dong_cam, people):
    submitted(dong_cam, people["chair"].user)
    with pytest.raises(ValidationError, match="không phải người thẩm định"):
        services.assign_appraiser(
            dong_cam, appraiser=people["outsider_district"].user, actor=people["head"].user
        )
    with pytest.raises(ValidationError, match="không phải người thẩm định"):
        services.assign_appraiser(dong_cam, appraiser=people["chair"].user, actor=people["head"].user)
    dong_cam.refresh_from_db()
    assert dong_cam.appraiser is None


def test_a_resubmission_returns_to_its_appraiser_without_a_new_receipt(dong_cam, people):
    chair, appraiser = people["chair"].user, people["appraiser"].user
    submitted(dong_cam, chair)
    services.start_appraisal(dong_cam, actor=appraiser)
    row = rows_of(dong_cam)[0]
    services.return_for_explanation(dong_cam, reasons={row.indicator_id: "Bổ sung."}, actor=appraiser)
    for request in services.open_requests(dong_cam):
        services.respond_to_request(request, response="Đã bổ sung.", actor=chair)
    services.resubmit_assessment(dong_cam, actor=chair)
    dong_cam.refresh_from_db()
    assert dong_cam.status == Status.RESUBMITTED and dong_cam.appraiser == appraiser

    queue = selectors.appraisal_queue(appraiser, timezone.localdate())
    assert [i.waiting for i in queue.items if i.assessment.pk == dong_cam.pk] == ["resubmitted"]
    page = people["appraiser"].get(reverse("assessments:detail", args=[dong_cam.pk])).content.decode()
    assert "Tiếp nhận và bắt đầu thẩm định" not in page

    for block in by_criterion(dong_cam):
        services.accept_indicators(dong_cam, score_ids=[r.pk for r in block], actor=appraiser)
    dong_cam.refresh_from_db()
    assert dong_cam.status == Status.UNDER_APPRAISAL and dong_cam.appraiser == appraiser


def test_next_moves_along_my_queue(dong_cam, people, kim_thanh_chair):
    others = dong_cam.cycle.assessments.filter(body=dong_cam.body).exclude(pk=dong_cam.pk)
    units = [dong_cam, *others.order_by("unit__code")[:2]]
    for unit in units:
        submitted(unit, kim_thanh_chair)
    appraiser = people["appraiser"].user
    order = [i.assessment.pk for i in selectors.appraisal_queue(appraiser, timezone.localdate()).items]
    assert order == [u.pk for u in units]  # oldest submission first
    assert selectors.next_in_queue(appraiser, units[0]).pk == units[1].pk
    assert selectors.next_in_queue(appraiser, units[2]).pk == units[0].pk
    page = people["appraiser"].get(reverse("assessments:detail", args=[units[0].pk])).content.decode()
    assert reverse("assessments:detail", args=[units[1].pk]) in page and "Tiếp theo" in page
    commune = people["officer"].get(reverse("assessments:detail", args=[dong_cam.pk])).content.decode()
    assert "Tiếp theo" not in commune


def test_the_indicator_table_accepts_and_changes_rows_through_the_same_services(
    dong_cam, people, kim_thanh_chair
):
    others = dong_cam.cycle.assessments.filter(body=dong_cam.body).exclude(pk=dong_cam.pk)
    units = [dong_cam, *others.order_by("unit__code")[:2]]
    for unit in units:
        submitted(unit, kim_thanh_chair)
    manual = dong_cam.scores.filter(indicator__method="manual").select_related("indicator").first()
    code = manual.indicator.code
    client = people["appraiser"]

    page = client.get(reverse("assessments:indicator_table") + f"?indicator={code}").content.decode()
    assert all(unit.unit.name in page for unit in units)

    row = units[1].scores.get(indicator__code=code)
    client.post(reverse("assessments:indicator_row", args=[units[1].pk, row.pk]), {"do": "accept"})
    row.refresh_from_db()
    assert row.review == "accepted"

    row = units[2].scores.get(indicator__code=code)
    refused = client.post(
        reverse("assessments:indicator_row", args=[units[2].pk, row.pk]),
        {"do": "change", "appraised_value": "0", "version": row.version, "appraisal_comment": ""},
        HTTP_HX_REQUEST="true",
    )
    assert "cần ghi nhận xét" in refused.content.decode()
    row.refresh_from_db()
    assert row.appraised_value is None
    client.post(
        reverse("assessments:indicator_row", args=[units[2].pk, row.pk]),
        {
            "do": "change",
            "appraised_value": "0",
            "version": row.version,
            "appraisal_comment": "Không có biên bản.",
        },
    )
    row.refresh_from_db()
    assert row.review == "changed" and row.appraised_value == 0
    assert AuditEvent.objects.for_target(units[2]).filter(event_type="score.appraised_saved").exists()

    # The commune cannot open the table's rows of another commune, nor act on its own.
    outsider = people["outsider_commune"].post(
        reverse("assessments:indicator_row", args=[units[1].pk, row.pk]), {"do": "accept"}
    )
    assert outsider.status_code == 404


def test_the_commune_never_sees_the_review_or_the_appraised_values_before_approval(dong_cam, people):
    submitted(dong_cam, people["chair"].user)
    appraiser = people["appraiser"].user
    row = dong_cam.scores.filter(indicator__method="manual").select_related("indicator").first()
    services.save_appraised_score(
        row,
        expected_version=row.version,
        actor=appraiser,
        appraised_value=Decimal("0.5"),
        appraisal_comment="Nhận xét riêng của thẩm định",
    )
    page = people["officer"].get(reverse("assessments:detail", args=[dong_cam.pk])).content.decode()
    for secret in ("Nhận xét riêng của thẩm định", "Đã sửa, có nhận xét", "đã xem", "Chưa xem xét"):
        assert secret not in page
    assert Assessment.objects.get(pk=dong_cam.pk).status == Status.UNDER_APPRAISAL


def test_bulk_approval_uses_the_review_definition_and_reports_each_unit(dong_cam, people, kim_thanh_chair):
    others = dong_cam.cycle.assessments.filter(body=dong_cam.body).exclude(pk=dong_cam.pk)
    units = [dong_cam, *others.order_by("unit__code")[:2]]
    appraiser = people["appraiser"].user
    for unit in units:
        submitted(unit, kim_thanh_chair)
        for block in by_criterion(unit):
            services.accept_indicators(unit, score_ids=[r.pk for r in block], actor=appraiser)
    not_ready = units[1]  # one row accepted, then emptied of its review (as after a commune's change)
    not_ready.scores.filter(pk=rows_of(not_ready)[0].pk).update(review="")
    expected = {u.pk: Assessment.objects.get(pk=u.pk).appraised_score for u in units}

    outcomes = services.approve_many(units, expected_scores=expected, actor=appraiser)

    assert [o.done for o in outcomes] == [True, False, True]
    assert "cần xem xét lại" in outcomes[1].reason
    refused = AuditEvent.objects.for_target(not_ready).get(event_type="assessment.approve_refused")
    assert "cần xem xét lại" in refused.data["reason"]
    for unit in (units[0], units[2]):
        assert AuditEvent.objects.for_target(unit).filter(event_type="assessment.approve").count() == 1
