"""The review on the indicator through the API, over the services the pages call: accept one
indicator or one criterion (never the whole commune), change with a comment, requests written on
the indicators and sent as one round, communes given to appraisers and taken over by the head; and
who may do each (the role × action matrix of these operations)."""

from dataclasses import dataclass

import pytest

from friendlygov.api import scopes
from friendlygov.assessments import services
from friendlygov.assessments.models import Assessment, ExplanationRequest, IndicatorScore
from friendlygov.assessments.testing import quick_fill_self
from friendlygov.audit.models import AuditEvent

API = "/api/v1"
JSON = "application/json"


def submitted(assessment, people):
    quick_fill_self(assessment)
    services.submit_assessment(assessment, actor=people["chair"].user)


def under_appraisal(assessment, people):
    submitted(assessment, people)
    services.start_appraisal(assessment, actor=people["appraiser"].user)


def with_draft_request(assessment, people):
    under_appraisal(assessment, people)
    services.draft_explanation(
        first_row(assessment), reason="Bổ sung biên bản.", actor=people["appraiser"].user
    )


def first_row(assessment):
    return assessment.scores.select_related("indicator__criterion").order_by("indicator__order", "pk").first()


def call(client, method, path, data=None, **headers):
    if method == "delete":
        return client.delete(f"{API}{path}", **headers)
    return getattr(client, method)(f"{API}{path}", data or {}, content_type=JSON, **headers)


def state_of(assessment):
    """Everything these operations could change."""
    return (
        Assessment.objects.values("status", "version", "appraiser_id").get(pk=assessment.pk),
        list(IndicatorScore.objects.filter(assessment=assessment).order_by("pk").values("version", "review")),
        list(
            ExplanationRequest.objects.filter(assessment=assessment).order_by("pk").values("reason", "draft")
        ),
        AuditEvent.objects.count(),
    )


@dataclass(frozen=True)
class Case:
    name: str
    prepare: object
    method: str
    path: object  # (assessment, row) -> path under /api/v1
    data: object = None  # (assessment, row) -> body


CASES = [
    Case(
        "accept one indicator",
        submitted,
        "post",
        lambda a, r: f"/assessments/{a.pk}/scores/{r.indicator.code}/accept",
    ),
    Case(
        "accept one criterion",
        submitted,
        "post",
        lambda a, r: f"/assessments/{a.pk}/copy-self-to-appraisal?criterion={r.indicator.criterion.code}",
    ),
    Case(
        "change with a comment",
        submitted,
        "post",
        lambda a, r: f"/assessments/{a.pk}/scores/{r.indicator.code}/change",
        lambda a, r: {"version": r.version, "appraised_value": "0", "comment": "Chưa niêm yết."},
    ),
    Case(
        "write a request on the indicator",
        under_appraisal,
        "put",
        lambda a, r: f"/assessments/{a.pk}/scores/{r.indicator.code}/explanation-request",
        lambda a, r: {"reason": "Bổ sung biên bản."},
    ),
    Case(
        "withdraw a request",
        with_draft_request,
        "delete",
        lambda a, r: f"/assessments/{a.pk}/scores/{r.indicator.code}/explanation-request",
    ),
    Case("send the round", with_draft_request, "post", lambda a, r: f"/assessments/{a.pk}/return"),
]

# Who tries, and what they get: the appraiser changes something; the commune's people are refused
# (403); outsiders learn nothing (404); anonymous callers are asked to sign in (401).
EXPECTED = {
    "appraiser": 200,
    "chair": 403,
    "officer": 403,
    "outsider_commune": 404,
    "outsider_district": 404,
    "anonymous": 401,
}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
@pytest.mark.parametrize("who", list(EXPECTED))
def test_only_the_appraiser_reviews_on_the_indicator(case, who, dong_cam, people, anonymous):
    case.prepare(dong_cam, people)
    row = first_row(dong_cam)
    client = anonymous if who == "anonymous" else people[who]
    before = state_of(dong_cam)

    response = call(client, case.method, case.path(dong_cam, row), case.data and case.data(dong_cam, row))

    expected = EXPECTED[who]
    assert response.status_code in ({200, 204} if expected == 200 else {expected}), response.content
    if expected == 200:
        assert state_of(dong_cam) != before, f"{case.name}: nothing changed"
    else:
        assert state_of(dong_cam) == before


def test_the_head_appraises_a_commune_given_to_someone_else_only_after_taking_it_over(dong_cam, people):
    head, appraiser = people["head"], people["appraiser"]
    submitted(dong_cam, people)
    (given,) = call(
        head,
        "post",
        "/assessments/assign",
        {"assessment_ids": [dong_cam.pk], "appraiser": appraiser.user.username},
    ).json()
    assert given == {
        "assessment_id": dong_cam.pk,
        "unit_code": dong_cam.unit.code,
        "done": True,
        "reason": "",
    }
    code = first_row(dong_cam).indicator.code

    refused = call(head, "post", f"/assessments/{dong_cam.pk}/scores/{code}/accept")
    assert refused.status_code == 403

    version = call(head, "get", f"/assessments/{dong_cam.pk}").json()["version"]
    stale = call(head, "post", f"/assessments/{dong_cam.pk}/take-over", HTTP_IF_MATCH=f'"{version - 1}"')
    assert stale.status_code == 412
    taken = call(head, "post", f"/assessments/{dong_cam.pk}/take-over", HTTP_IF_MATCH=f'"{version}"')
    assert taken.status_code == 200 and taken.json()["appraiser"] == head.user.username
    assert (
        call(head, "post", f"/assessments/{dong_cam.pk}/scores/{code}/accept").json()["review"] == "accepted"
    )
    # The appraiser it was given to now reads it, as the rest of the body does.
    assert call(appraiser, "post", f"/assessments/{dong_cam.pk}/scores/{code}/accept").status_code == 403
    assert call(appraiser, "get", f"/assessments/{dong_cam.pk}").status_code == 200
    event = AuditEvent.objects.for_target(dong_cam).get(event_type="assessment.taken_over")
    assert (event.actor_id, event.data["appraiser"]["new"]) == (head.user.pk, str(head.user))
    # Nothing left to take over: it is the head's already.
    assert call(head, "post", f"/assessments/{dong_cam.pk}/take-over").status_code == 403


def test_only_the_head_takes_over_and_gives_communes(dong_cam, people):
    submitted(dong_cam, people)
    services.assign_appraiser(dong_cam, appraiser=people["appraiser"].user, actor=people["head"].user)
    before = state_of(dong_cam)
    for who in ("appraiser", "chair", "officer"):
        assert call(people[who], "post", f"/assessments/{dong_cam.pk}/take-over").status_code == 403, who
    for who in ("outsider_commune", "outsider_district"):
        assert call(people[who], "post", f"/assessments/{dong_cam.pk}/take-over").status_code == 404, who
    body = {"assessment_ids": [dong_cam.pk], "appraiser": people["appraiser"].user.username}
    (outcome,) = call(people["appraiser"], "post", "/assessments/assign", body).json()
    assert outcome["done"] is False and "không có quyền" in outcome["reason"]
    unseen = call(people["outsider_district"], "post", "/assessments/assign", body)
    assert unseen.status_code == 422 and str(dong_cam.pk) in unseen.json()["error"]["details"][0]["msg"]
    assert state_of(dong_cam)[:3] == before[:3]  # refusals inside the body are recorded, nothing else


def test_a_bulk_assignment_reports_each_unit_and_one_refusal_does_not_stop_the_rest(dong_cam, people):
    others = list(dong_cam.cycle.assessments.filter(body=dong_cam.body).exclude(pk=dong_cam.pk)[:1])
    submitted(dong_cam, people)
    draft = others[0]  # still self-assessing: may be given to an appraiser only once submitted
    body = {"assessment_ids": [dong_cam.pk, draft.pk], "appraiser": people["appraiser"].user.username}

    outcomes = {
        o["assessment_id"]: o for o in call(people["head"], "post", "/assessments/assign", body).json()
    }

    assert outcomes[dong_cam.pk]["done"] is True
    assert outcomes[draft.pk]["done"] is False and outcomes[draft.pk]["reason"]
    dong_cam.refresh_from_db()
    assert dong_cam.appraiser_id == people["appraiser"].user.pk
    unknown = call(people["head"], "post", "/assessments/assign", {**body, "appraiser": "no-such-person"})
    assert unknown.status_code == 422 and unknown.json()["error"]["code"] == "invalid_payload"


def test_a_change_needs_a_comment_and_a_value_and_marks_the_indicator_reviewed(dong_cam, people):
    submitted(dong_cam, people)
    row = first_row(dong_cam)
    url = f"/assessments/{dong_cam.pk}/scores/{row.indicator.code}/change"
    appraiser = people["appraiser"]
    before = state_of(dong_cam)

    no_comment = call(appraiser, "post", url, {"version": row.version, "appraised_value": "0", "comment": ""})
    no_value = call(appraiser, "post", url, {"version": row.version, "comment": "Chưa niêm yết."})

    assert no_comment.status_code == 422 and no_value.status_code == 422
    assert "điểm thẩm định" in no_value.json()["error"]["details"][0]["msg"]
    assert state_of(dong_cam) == before
    changed = call(
        appraiser, "post", url, {"version": row.version, "appraised_value": "0", "comment": "Chưa niêm yết."}
    )
    assert changed.status_code == 200, changed.content
    assert (changed.json()["review"], changed.json()["appraisal_comment"]) == ("changed", "Chưa niêm yết.")
    stale = call(appraiser, "post", url, {"version": row.version, "appraised_value": "1", "comment": "Lại."})
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale_version"


def test_requests_written_on_indicators_go_out_in_one_round_and_the_commune_never_sees_a_draft(
    dong_cam, people
):
    under_appraisal(dong_cam, people)
    appraiser, officer = people["appraiser"], people["officer"]
    rows = list(dong_cam.scores.select_related("indicator").order_by("indicator__order")[:2])
    for row, reason in zip(rows, ("Thiếu biên bản.", "Thiếu ảnh chụp."), strict=True):
        written = call(
            appraiser,
            "put",
            f"/assessments/{dong_cam.pk}/scores/{row.indicator.code}/explanation-request",
            {"reason": reason},
        )
        assert written.status_code == 200 and written.json()["draft"] is True
    seen = call(appraiser, "get", f"/assessments/{dong_cam.pk}").json()
    assert [r["reason"] for r in seen["draft_explanation_requests"]] == ["Thiếu biên bản.", "Thiếu ảnh chụp."]
    assert call(officer, "get", f"/assessments/{dong_cam.pk}").json()["draft_explanation_requests"] == []

    returned = call(
        appraiser, "post", f"/assessments/{dong_cam.pk}/return", {}, HTTP_IF_MATCH=f'"{seen["version"]}"'
    )

    assert returned.status_code == 200, returned.content
    sent = returned.json()
    assert (sent["status"], sent["explanation_rounds"], sent["draft_explanation_requests"]) == (
        "returned",
        1,
        [],
    )
    assert {r["indicator_code"]: r["reason"] for r in sent["explanation_requests"]} == {
        rows[0].indicator.code: "Thiếu biên bản.",
        rows[1].indicator.code: "Thiếu ảnh chụp.",
    }
    assert {
        r["draft"] for r in call(officer, "get", f"/assessments/{dong_cam.pk}").json()["explanation_requests"]
    } == {False}


def test_the_whole_commune_at_once_is_refused_with_its_own_code_and_changes_nothing(dong_cam, people):
    submitted(dong_cam, people)
    before = state_of(dong_cam)

    whole = call(people["appraiser"], "post", f"/assessments/{dong_cam.pk}/copy-self-to-appraisal")
    unknown = call(
        people["appraiser"], "post", f"/assessments/{dong_cam.pk}/copy-self-to-appraisal?criterion=TC99"
    )

    assert (whole.status_code, whole.json()["error"]["code"]) == (422, "whole_commune_refused")
    assert whole.json()["error"]["details"] is None
    english = call(
        people["appraiser"],
        "post",
        f"/assessments/{dong_cam.pk}/copy-self-to-appraisal",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert (
        "criterion" in english.json()["error"]["message"]
        and "hồ sơ" not in english.json()["error"]["message"]
    )
    assert unknown.status_code == 422 and "TC99" in unknown.json()["error"]["details"][0]["msg"]
    assert state_of(dong_cam) == before


def test_a_service_token_needs_the_appraisal_scope_for_the_review_operations(dong_cam):
    code = first_row(dong_cam).indicator.code

    for method, path in (
        ("POST", f"assessments/{dong_cam.pk}/scores/{code}/accept"),
        ("POST", f"assessments/{dong_cam.pk}/scores/{code}/change"),
        ("PUT", f"assessments/{dong_cam.pk}/scores/{code}/explanation-request"),
        ("DELETE", f"assessments/{dong_cam.pk}/scores/{code}/explanation-request"),
        ("POST", f"assessments/{dong_cam.pk}/take-over"),
        ("POST", "assessments/assign"),
    ):
        assert scopes.required(method, path) == {"appraisal:write"}, (method, path)
