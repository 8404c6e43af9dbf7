"""The whole assessment cycle through the JSON API alone, and the refusals that change nothing."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from friendlygov.assessments.limits import TEXT_MAX
from friendlygov.assessments.models import Decision
from friendlygov.assessments.testing import VALUES, approval_day, fill_self
from friendlygov.assessments.workflow import Status
from friendlygov.audit.models import AuditEvent

from .conftest import accept_every_criterion, small_pdf

API = "/api/v1"

# What the service-level test (assessments/tests/test_workflow.py) records for the same story.
SERVICE_SEQUENCE = [
    "assessment.submit",
    "assessment.start_appraisal",
    "assessment.return",
    "assessment.resubmit",
    "assessment.start_appraisal",
    "assessment.approve",
]


def ok(response, status=200):
    assert response.status_code == status, response.content.decode()
    return response.json() if response.content else None


def get(client, path):
    return client.get(f"{API}{path}")


def post(client, path, data=None):
    return client.post(f"{API}{path}", data or {}, content_type="application/json")


def patch(client, path, data):
    return client.patch(f"{API}{path}", data, content_type="application/json")


def self_value(score) -> Decimal:
    value = VALUES[score["method"]]
    if score["method"] == "manual":
        value = min(value, Decimal(score["max_points"]))
    return value


def assessment_events(assessment):
    return list(AuditEvent.objects.for_target(assessment).values_list("event_type", flat=True))


def test_it_runs_the_whole_cycle_through_the_api_with_the_same_audit_trail(dong_cam, people):
    officer, chair, appraiser, head = (people[k] for k in ("officer", "chair", "appraiser", "head"))
    url = f"/assessments/{dong_cam.pk}"

    detail = ok(get(officer, url))
    assert detail["status"] == "draft"
    assert "edit_self" in detail["actions"] and "submit" not in detail["actions"]
    for score in detail["scores"]:
        saved = ok(
            patch(
                officer,
                f"{url}/scores/{score['indicator_code']}",
                {
                    "version": score["version"],
                    "self_value": str(self_value(score)),
                    "explanation": "Hồ sơ lưu tại văn phòng UBND xã.",
                },
            )
        )
        assert saved["version"] == score["version"] + 1
        assert Decimal(saved["self_value"]) == self_value(score)
    with_evidence = next(s for s in detail["scores"] if s["evidence_required"])
    uploaded = ok(
        officer.post(
            f"{API}{url}/evidence",
            {
                "indicator_code": with_evidence["indicator_code"],
                "file": SimpleUploadedFile("bien-ban.pdf", small_pdf(), content_type="application/pdf"),
            },
        ),
        201,
    )
    assert uploaded["content_type"] == "application/pdf"
    listed = ok(get(officer, f"{url}/evidence"))
    assert [e["id"] for e in listed["items"]] == [uploaded["id"]]

    assert "submit" in ok(get(chair, url))["actions"]
    assert ok(post(chair, f"{url}/submit"))["status"] == "submitted"

    whole = post(appraiser, f"{url}/copy-self-to-appraisal")
    assert (whole.status_code, whole.json()["error"]["code"]) == (422, "whole_commune_refused")
    assert "từng tiêu chí" in whole.json()["error"]["message"]
    accepted = accept_every_criterion(appraiser, dong_cam)
    assert sum(answer["copied"] for answer in accepted) == len(detail["scores"])
    assert accepted[-1]["assessment"]["status"] == "under_appraisal"
    assert {s["review"] for s in accepted[-1]["assessment"]["scores"]} == {"accepted"}

    manual = next(s for s in detail["scores"] if s["method"] == "manual")
    code = manual["indicator_code"]
    returned = ok(post(appraiser, f"{url}/return", {"reasons": {code: "Thiếu biên bản niêm yết."}}))
    assert (returned["status"], returned["explanation_rounds"]) == ("returned", 1)
    (request,) = returned["explanation_requests"]
    assert (request["indicator_code"], request["reason"]) == (code, "Thiếu biên bản niêm yết.")
    assert request["due"] == returned["explanation_due"]

    refused = post(officer, f"{url}/resubmit")
    assert refused.status_code == 422
    assert "Chưa giải trình" in refused.json()["error"]["message"]
    answer = ok(post(officer, f"{url}/explanations/{request['id']}", {"response": "Đã bổ sung biên bản."}))
    assert answer["response"] == "Đã bổ sung biên bản."
    assert ok(post(officer, f"{url}/resubmit"))["status"] == "resubmitted"

    current = next(s for s in ok(get(appraiser, url))["scores"] if s["indicator_code"] == code)
    saved = ok(
        patch(appraiser, f"{url}/scores/{code}", {"version": current["version"], "appraised_value": "2"})
    )
    assert saved["differs"] is True
    refused = post(appraiser, f"{url}/approve")
    assert refused.status_code == 422
    assert "cần ghi nhận xét" in refused.json()["error"]["message"]
    ok(
        patch(
            appraiser,
            f"{url}/scores/{code}",
            {"version": saved["version"], "appraisal_comment": "Chỉ niêm yết một phần."},
        )
    )
    with approval_day():
        approved = ok(post(appraiser, f"{url}/approve"))
    assert approved["status"] == "appraised"
    assert Decimal(approved["final_score"]) < Decimal(approved["self_score"])

    draft = {
        "body_id": dong_cam.body_id,
        "assessment_ids": [dong_cam.pk],
        "number": "15/QĐ-UBND",
        "signed_on": "2025-01-15",
        "signer_name": "Nguyễn Văn A",
        "legal_bases": ["Căn cứ Luật Tổ chức chính quyền địa phương"],
    }
    assert post(appraiser, "/decisions", draft).status_code == 403
    decision = ok(post(head, "/decisions", draft), 201)
    assert (decision["state"], decision["actions"]) == ("draft", ["edit", "issue"])
    assert decision["items"][0]["assessment_id"] == dong_cam.pk
    issued = ok(post(head, f"/decisions/{decision['id']}/issue"))
    assert (issued["state"], issued["actions"]) == ("issued", [])

    final = ok(get(officer, url))
    assert final["status"] in ("recognised", "not_recognised")
    assert final["final_level"] == issued["items"][0]["level"]
    assert Decision.objects.get(pk=decision["id"]).state == Decision.State.ISSUED

    dong_cam.refresh_from_db()
    decided = "assessment.recognise" if dong_cam.final_level else "assessment.refuse"
    transitions = [e for e in assessment_events(dong_cam) if e.startswith("assessment.")]
    assert transitions == [*SERVICE_SEQUENCE, decided]
    scores = len(detail["scores"])
    assert assessment_events(dong_cam) == [
        *["score.self_saved"] * scores,
        "evidence.uploaded",
        "assessment.submit",
        "assessment.start_appraisal",
        *["score.appraised_saved"] * scores,
        "assessment.return",
        "explanation.responded",
        "assessment.resubmit",
        "assessment.start_appraisal",
        "score.appraised_saved",
        "score.appraised_saved",
        "assessment.approve",
        decided,
    ]


def test_a_stale_version_answers_409_with_the_current_row_and_keeps_the_first_value(dong_cam, people):
    score = dong_cam.scores.select_related("indicator").filter(indicator__method="manual").first()
    path = f"/assessments/{dong_cam.pk}/scores/{score.indicator.code}"
    ok(patch(people["officer"], path, {"version": score.version, "self_value": "3"}))
    events = AuditEvent.objects.count()

    stale = patch(people["chair"], path, {"version": score.version, "self_value": "1"})

    assert stale.status_code == 409
    error = stale.json()["error"]
    assert error["code"] == "stale_version"
    assert "vừa được người khác cập nhật" in error["message"]
    assert error["details"]["current"]["self_value"] == "3"
    assert error["details"]["current"]["version"] == score.version + 1
    score.refresh_from_db()
    assert (score.self_value, score.version) == (3, score.version)
    assert AuditEvent.objects.count() == events


def test_approving_a_draft_answers_409_with_a_clear_message_and_changes_nothing(dong_cam, people):
    refused = post(people["appraiser"], f"/assessments/{dong_cam.pk}/approve")

    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "transition_not_allowed"
    assert "Duyệt kết quả thẩm định" in error["message"] and "Đang tự đánh giá" in error["message"]
    assert error["details"] == {"action": "approve", "status": "draft"}
    dong_cam.refresh_from_db()
    assert dong_cam.status == Status.DRAFT
    assert not AuditEvent.objects.for_target(dong_cam).exists()


def test_mixing_self_and_appraised_fields_is_refused_and_saves_nothing(dong_cam, people):
    score = dong_cam.scores.select_related("indicator").first()
    path = f"/assessments/{dong_cam.pk}/scores/{score.indicator.code}"

    mixed = patch(
        people["officer"], path, {"version": score.version, "self_value": "1", "appraised_value": "1"}
    )

    assert mixed.status_code == 422
    assert mixed.json()["error"]["code"] == "validation_error"
    assert "appraised_value" in mixed.json()["error"]["message"]
    score.refresh_from_db()
    assert (score.self_value, score.version) == (None, 1)


def test_a_value_the_method_cannot_take_answers_422_with_the_services_message(dong_cam, people):
    score = dong_cam.scores.select_related("indicator").filter(indicator__method="ratio").first()
    refused = patch(
        people["officer"],
        f"/assessments/{dong_cam.pk}/scores/{score.indicator.code}",
        {"version": score.version, "self_value": "120"},
    )
    assert refused.status_code == 422
    assert "từ 0 đến 100" in refused.json()["error"]["details"][0]


def test_a_note_is_held_to_the_pages_limit_of_4000_characters(dong_cam, people):
    score = dong_cam.scores.select_related("indicator").first()
    path = f"/assessments/{dong_cam.pk}/scores/{score.indicator.code}"

    too_long = patch(people["officer"], path, {"version": score.version, "explanation": "x" * (TEXT_MAX + 1)})
    assert too_long.status_code == 422
    assert too_long.json()["error"]["code"] == "invalid_payload"
    ok(patch(people["officer"], path, {"version": score.version, "explanation": "x" * TEXT_MAX}))
    score.refresh_from_db()
    assert len(score.explanation) == TEXT_MAX == 4000


def test_submitting_an_incomplete_form_lists_every_problem(dong_cam, people):
    refused = post(people["chair"], f"/assessments/{dong_cam.pk}/submit")
    assert refused.status_code == 422
    details = refused.json()["error"]["details"]
    assert refused.json()["error"]["code"] == "incomplete"
    assert len(details) == dong_cam.scores.count()
    first = dong_cam.scores.select_related("indicator").order_by("indicator__order").first()
    assert details[0] == {
        "indicator_code": first.indicator.code,
        "bonus_rule_code": None,
        "reason": "unscored",
        "message": f"{first.indicator.code}: chưa chấm điểm.",
    }


def test_the_commune_does_not_see_the_appraisers_working_numbers_before_approval(dong_cam, people):
    fill_self(dong_cam, people["officer"].user)
    ok(post(people["chair"], f"/assessments/{dong_cam.pk}/submit"))
    accept_every_criterion(people["appraiser"], dong_cam)

    seen_by_appraiser = ok(get(people["appraiser"], f"/assessments/{dong_cam.pk}"))
    assert seen_by_appraiser["live_appraised"] is not None
    assert seen_by_appraiser["scores"][0]["appraised_value"] is not None
    seen_by_officer = ok(get(people["officer"], f"/assessments/{dong_cam.pk}"))
    assert seen_by_officer["live_appraised"] is None
    assert {s["appraised_value"] for s in seen_by_officer["scores"]} == {None}
    assert seen_by_officer["appraised_score"] is None
    (listed,) = ok(get(people["officer"], "/assessments"))["items"]
    assert listed["appraised_score"] is None
    (listed,) = ok(get(people["appraiser"], f"/assessments?unit={dong_cam.unit.code}"))["items"]
    assert listed["appraised_score"] is not None


def test_flags_and_bonus_are_saved_through_the_service(dong_cam, people):
    saved = ok(
        people["officer"].put(
            f"{API}/assessments/{dong_cam.pk}/flags",
            {"flags": {}, "bonus": {"TH1": "1.5"}, "layer": "self"},
            content_type="application/json",
        )
    )
    assert saved["self_bonus"] == "1.5"
    assert saved["self_bonus_by_rule"] == {"TH1": "1.5"}
    assert Decimal(saved["live_self"]["bonus"]) <= Decimal("1.5")
    unknown = people["officer"].put(
        f"{API}/assessments/{dong_cam.pk}/flags",
        {"flags": {"no_such_flag": True}},
        content_type="application/json",
    )
    assert unknown.status_code == 422
    assert unknown.json()["error"]["code"] == "validation_error"


def test_a_value_only_save_keeps_the_saved_explanation_and_the_document_declares_no_defaults(
    dong_cam, people, anonymous
):
    """A client generated from the document sent its defaults (explanation "") with every save,
    erasing the commune's note; now the document has none and a field left out is left alone."""
    score = dong_cam.scores.select_related("indicator").filter(indicator__method="manual").first()
    path = f"/assessments/{dong_cam.pk}/scores/{score.indicator.code}"
    ok(patch(people["officer"], path, {"version": score.version, "explanation": "Báo cáo số 45/BC-UBND"}))
    score.refresh_from_db()
    ok(patch(people["officer"], path, {"version": score.version, "self_value": "4"}))
    score.refresh_from_db()
    assert (score.self_value, score.explanation) == (Decimal("4"), "Báo cáo số 45/BC-UBND")
    document = anonymous.get("/api/v1/openapi.json").json()
    fields = document["components"]["schemas"]["ScorePatch"]["properties"]
    assert [name for name, field in fields.items() if "default" in field] == []
    assert document["components"]["schemas"]["ScorePatch"]["required"] == ["version"]
