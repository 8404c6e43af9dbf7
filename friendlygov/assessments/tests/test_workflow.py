import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from friendlygov.assessments import services
from friendlygov.assessments.models import Decision, IssuedDecisionImmutable
from friendlygov.assessments.testing import approve_in_time, fill_self
from friendlygov.assessments.workflow import TRANSITIONS, Status, TransitionNotAllowed, target_of
from friendlygov.audit.models import AuditEvent


def test_opening_the_cycle_creates_one_assessment_per_unit_with_its_district_as_appraiser(cycle_2024):
    assessments = cycle_2024.assessments.select_related("unit__parent", "body__unit")
    assert assessments.count() > 20
    leaves = [i for i in cycle_2024.framework.indicators.all() if not i.children.exists()]
    for assessment in assessments:
        assert assessment.body.unit == assessment.unit.parent
        assert assessment.status == Status.DRAFT
        applicable = {i.pk for i in leaves if not i.unit_types or assessment.unit.type in i.unit_types}
        assert set(assessment.scores.values_list("indicator_id", flat=True)) == applicable


@pytest.mark.parametrize("action", list(TRANSITIONS))
def test_every_action_is_refused_from_a_state_outside_its_table_row(action):
    for status in Status.values:
        if status in TRANSITIONS[action].sources:
            assert target_of(action, status) == TRANSITIONS[action].target
        else:
            with pytest.raises(TransitionNotAllowed):
                target_of(action, status)


def test_approving_a_draft_is_refused_with_a_clear_message_and_changes_nothing(dong_cam, people):
    with pytest.raises(TransitionNotAllowed, match=r"Duyệt kết quả thẩm định.*Đang tự đánh giá"):
        services.approve_appraisal(dong_cam, actor=people["appraiser"].user)
    dong_cam.refresh_from_db()
    assert dong_cam.status == Status.DRAFT
    assert not AuditEvent.objects.filter(event_type="assessment.approve").exists()


def test_a_stale_save_is_refused_and_the_first_value_is_kept(dong_cam, people):
    score = dong_cam.scores.select_related("indicator").filter(indicator__method="manual").first()
    loaded_version = score.version
    services.save_self_score(
        score, expected_version=loaded_version, actor=people["officer"].user, self_value=3
    )
    with pytest.raises(services.StaleVersion, match="vừa được người khác cập nhật"):
        services.save_self_score(
            score, expected_version=loaded_version, actor=people["chair"].user, self_value=1
        )
    score.refresh_from_db()
    assert score.self_value == 3
    assert score.version == loaded_version + 1


def test_a_value_the_method_cannot_take_is_refused(dong_cam, people):
    score = dong_cam.scores.select_related("indicator").filter(indicator__method="manual").first()
    with pytest.raises(ValidationError, match="theo bước"):
        services.save_self_score(
            score, expected_version=score.version, actor=people["officer"].user, self_value="0.3"
        )
    ratio = dong_cam.scores.filter(indicator__method="ratio").first()
    with pytest.raises(ValidationError, match="từ 0 đến 100"):
        services.save_self_score(
            ratio, expected_version=ratio.version, actor=people["officer"].user, self_value=120
        )


def test_submitting_needs_every_indicator_scored(dong_cam, people):
    with pytest.raises(ValidationError) as refused:
        services.submit_assessment(dong_cam, actor=people["chair"].user)
    assert len(refused.value.messages) == dong_cam.scores.count()
    assert "chưa chấm điểm" in refused.value.messages[0]


def test_only_the_chair_submits(dong_cam, people):
    fill_self(dong_cam, people["officer"].user)
    with pytest.raises(PermissionDenied):
        services.submit_assessment(dong_cam, actor=people["officer"].user)
    services.submit_assessment(dong_cam, actor=people["chair"].user)
    dong_cam.refresh_from_db()
    assert dong_cam.status == Status.SUBMITTED


@pytest.mark.parametrize("who", ["outsider_commune", "outsider_district", "appraiser"])
def test_outsiders_cannot_edit_the_self_assessment(dong_cam, people, who):
    score = dong_cam.scores.first()
    with pytest.raises(PermissionDenied):
        services.save_self_score(score, expected_version=score.version, actor=people[who].user, self_value=1)
    score.refresh_from_db()
    assert score.self_value is None


def test_the_whole_cycle_with_one_explanation_round_ends_in_a_public_decision(dong_cam, people):
    officer, chair, appraiser, head = (people[k].user for k in ("officer", "chair", "appraiser", "head"))
    fill_self(dong_cam, officer)
    services.submit_assessment(dong_cam, actor=chair)

    services.copy_self_to_appraisal(dong_cam, actor=appraiser)
    dong_cam.refresh_from_db()
    assert dong_cam.status == Status.UNDER_APPRAISAL

    manual = dong_cam.scores.filter(indicator__method="manual").select_related("indicator").first()
    services.return_for_explanation(
        dong_cam, reasons={manual.indicator_id: "Thiếu biên bản niêm yết."}, actor=appraiser
    )
    dong_cam.refresh_from_db()
    assert (dong_cam.status, dong_cam.explanation_rounds) == (Status.RETURNED, 1)

    with pytest.raises(ValidationError, match="Chưa giải trình"):
        services.resubmit_assessment(dong_cam, actor=officer)
    (request,) = services.open_requests(dong_cam)
    services.respond_to_request(request, response="Đã bổ sung biên bản ngày 12/11.", actor=officer)
    services.resubmit_assessment(dong_cam, actor=officer)

    manual.refresh_from_db()
    services.save_appraised_score(manual, expected_version=manual.version, actor=appraiser, appraised_value=2)
    with pytest.raises(ValidationError, match="cần ghi nhận xét"):
        services.approve_appraisal(dong_cam, actor=appraiser)
    manual.refresh_from_db()
    services.save_appraised_score(
        manual, expected_version=manual.version, actor=appraiser, appraisal_comment="Chỉ niêm yết một phần."
    )
    approve_in_time(dong_cam, actor=appraiser)
    dong_cam.refresh_from_db()
    assert dong_cam.status == Status.APPRAISED
    assert dong_cam.final_score < dong_cam.self_score

    with pytest.raises(PermissionDenied):
        services.draft_decision(
            dong_cam.body,
            assessments=[dong_cam],
            number="1/QĐ-UBND",
            signed_on="2025-01-15",
            signer_name="Nguyễn Văn A",
            legal_bases="Căn cứ Luật Tổ chức chính quyền địa phương",
            actor=appraiser,
        )
    decision = services.draft_decision(
        dong_cam.body,
        assessments=[dong_cam],
        number="15/QĐ-UBND",
        signed_on="2025-01-15",
        signer_name="Nguyễn Văn A",
        legal_bases="Căn cứ Luật Tổ chức chính quyền địa phương",
        actor=head,
    )
    services.issue_decision(decision, actor=head)
    dong_cam.refresh_from_db()
    assert dong_cam.status in (Status.RECOGNISED, Status.NOT_RECOGNISED)
    assert decision.items.get().level == dong_cam.final_level

    decision.refresh_from_db()
    decision.signer_name = "Người khác"
    with pytest.raises(IssuedDecisionImmutable):
        decision.save()
    events = list(AuditEvent.objects.filter(target_id=str(dong_cam.pk), event_type__startswith="assessment."))
    assert [e.event_type for e in events] == [
        "assessment.submit",
        "assessment.start_appraisal",
        "assessment.return",
        "assessment.resubmit",
        "assessment.start_appraisal",
        "assessment.approve",
        "assessment.recognise" if dong_cam.final_level else "assessment.refuse",
    ]
    assert Decision.objects.get(pk=decision.pk).state == Decision.State.ISSUED


def test_explanation_rounds_are_limited(dong_cam, people, cycle_2024):
    fill_self(dong_cam, people["officer"].user)
    services.submit_assessment(dong_cam, actor=people["chair"].user)
    services.start_appraisal(dong_cam, actor=people["appraiser"].user)
    indicator_id = dong_cam.scores.first().indicator_id
    for _ in range(cycle_2024.max_explanation_rounds):
        services.return_for_explanation(
            dong_cam, reasons={indicator_id: "Bổ sung."}, actor=people["appraiser"].user
        )
        for request in services.open_requests(dong_cam):
            services.respond_to_request(request, response="Đã bổ sung.", actor=people["officer"].user)
        services.resubmit_assessment(dong_cam, actor=people["officer"].user)
        services.start_appraisal(dong_cam, actor=people["appraiser"].user)
    with pytest.raises(ValidationError, match="Đã hết số vòng giải trình"):
        services.return_for_explanation(
            dong_cam, reasons={indicator_id: "Lần nữa."}, actor=people["appraiser"].user
        )
