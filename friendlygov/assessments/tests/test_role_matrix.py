"""Every workflow action, tried by the persona allowed to take it, by an outsider commune, an
outsider district and an anonymous visitor: only the first changes anything."""

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from friendlygov.assessments import services
from friendlygov.assessments.models import Assessment, Evidence, ExplanationRequest, IndicatorScore
from friendlygov.assessments.testing import approve_in_time, confirmed, quick_fill_self
from friendlygov.assessments.workflow import Status
from friendlygov.audit.models import AuditEvent

PDF = b"%PDF-1.4\n%%EOF\n"


def submitted(assessment, people):
    quick_fill_self(assessment)
    services.submit_assessment(assessment, actor=people["chair"].user)


def under_appraisal(assessment, people):
    submitted(assessment, people)
    services.copy_self_to_appraisal(assessment, actor=people["appraiser"].user)


def returned(assessment, people):
    under_appraisal(assessment, people)
    indicator = assessment.scores.first().indicator_id
    services.return_for_explanation(
        assessment, reasons={indicator: "Bổ sung biên bản."}, actor=people["appraiser"].user
    )


def answered(assessment, people):
    returned(assessment, people)
    for request in services.open_requests(assessment):
        services.respond_to_request(request, response="Đã bổ sung.", actor=people["officer"].user)


def draft(assessment, people):
    pass


def given_to_the_appraiser(assessment, people):
    submitted(assessment, people)
    services.assign_appraiser(assessment, appraiser=people["appraiser"].user, actor=people["head"].user)


@dataclass(frozen=True)
class Case:
    name: str
    allowed: str
    prepare: object
    url_name: str
    data: object  # (assessment) -> POST data
    extra_args: object = None  # (assessment) -> extra URL arguments after the assessment id
    expected_status: str | None = None


def score_of(assessment):
    return (
        assessment.scores.order_by("pk")
        .select_related("indicator")
        .filter(indicator__method="manual")
        .first()
    )


CASES = [
    Case(
        "save self score",
        "officer",
        draft,
        "assessments:save_self",
        lambda a: {"self_value": "4", "version": score_of(a).version},
        lambda a: [score_of(a).pk],
    ),
    Case(
        "upload evidence",
        "officer",
        draft,
        "assessments:upload",
        lambda a: {"file": SimpleUploadedFile("a.pdf", PDF)},
        lambda a: [score_of(a).pk],
    ),
    Case(
        "declare flags",
        "officer",
        draft,
        "assessments:save_flags",
        lambda a: {"flag_leader_disciplined_or_prosecuted": "yes", "bonus_TH1": "1"},
        lambda a: ["self"],
    ),
    Case(
        "decide the bonus",
        "appraiser",
        submitted,
        "assessments:save_flags",
        lambda a: {"bonus_TH1": "1", "bonus_TH2": "0"},
        lambda a: ["appraised"],
    ),
    Case(
        "submit",
        "chair",
        lambda a, p: quick_fill_self(a),
        "assessments:submit",
        lambda a: confirmed(a, "submit"),
        expected_status=Status.SUBMITTED,
    ),
    Case(
        "start appraisal",
        "appraiser",
        submitted,
        "assessments:start_appraisal",
        lambda a: {},
        expected_status=Status.UNDER_APPRAISAL,
    ),
    Case(
        "save appraised score",
        "appraiser",
        submitted,
        "assessments:save_appraised",
        lambda a: {"appraised_value": "3", "version": score_of(a).version},
        lambda a: [score_of(a).pk],
    ),
    Case(
        "take over a commune given to another appraiser",
        "head",
        given_to_the_appraiser,
        "assessments:take_over",
        lambda a: {},
    ),
    Case(
        "accept the commune's value",
        "appraiser",
        submitted,
        "assessments:accept",
        lambda a: {"ids": [score_of(a).pk]},
        expected_status=Status.UNDER_APPRAISAL,
    ),
    Case(
        "accept from the indicator table",
        "appraiser",
        submitted,
        "assessments:indicator_row",
        lambda a: {"do": "accept"},
        lambda a: [score_of(a).pk],
        expected_status=Status.UNDER_APPRAISAL,
    ),
    Case(
        "write an explanation request on the indicator",
        "appraiser",
        under_appraisal,
        "assessments:draft_request",
        lambda a: {"reason": "Bổ sung biên bản."},
        lambda a: [score_of(a).pk],
    ),
    Case(
        "return for explanation",
        "appraiser",
        under_appraisal,
        "assessments:return",
        lambda a: {f"pick_{score_of(a).indicator_id}": "1", f"reason_{score_of(a).indicator_id}": "Thiếu"},
        expected_status=Status.RETURNED,
    ),
    Case(
        "respond to a request",
        "officer",
        returned,
        "assessments:respond",
        lambda a: {"response": "Đã bổ sung"},
        lambda a: [ExplanationRequest.objects.filter(assessment=a).first().pk],
    ),
    Case(
        "resubmit",
        "officer",
        answered,
        "assessments:resubmit",
        lambda a: {},
        expected_status=Status.RESUBMITTED,
    ),
    Case(
        "approve",
        "appraiser",
        under_appraisal,
        "assessments:approve",
        lambda a: confirmed(a, "approve"),
        expected_status=Status.APPRAISED,
    ),
]


def fingerprint(assessment):
    """Everything an action could change."""
    row = Assessment.objects.values().get(pk=assessment.pk)
    return (
        row,
        list(IndicatorScore.objects.filter(assessment=assessment).order_by("pk").values()),
        list(Evidence.objects.filter(assessment=assessment).values_list("pk", "removed_at")),
        list(ExplanationRequest.objects.filter(assessment=assessment).order_by("pk").values()),
        AuditEvent.objects.count(),
    )


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
@pytest.mark.parametrize("who", ["allowed", "outsider_commune", "outsider_district", "anonymous"])
def test_only_the_allowed_persona_changes_anything(
    case, who, dong_cam, people, anonymous, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    case.prepare(dong_cam, people)
    dong_cam.refresh_from_db()
    client = {"allowed": people.get(case.allowed), "anonymous": anonymous}.get(who) or people[who]
    args = [dong_cam.pk, *(case.extra_args(dong_cam) if case.extra_args else [])]
    before = fingerprint(dong_cam)

    response = client.post(reverse(case.url_name, args=args), case.data(dong_cam))

    if who == "allowed":
        assert response.status_code in (200, 302)
        assert fingerprint(dong_cam) != before, f"{case.name}: the allowed persona changed nothing"
        if case.expected_status:
            dong_cam.refresh_from_db()
            assert dong_cam.status == case.expected_status
        return
    if who == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code in (403, 404)
    assert fingerprint(dong_cam) == before


@pytest.mark.parametrize("who", ["outsider_commune", "outsider_district"])
def test_outsiders_cannot_read_the_assessment_either(dong_cam, people, who):
    for name in ("assessments:detail", "assessments:history"):
        assert people[who].get(reverse(name, args=[dong_cam.pk])).status_code == 404


def appraised(assessment, people):
    under_appraisal(assessment, people)
    approve_in_time(assessment, actor=people["appraiser"].user)


def decision_fingerprint():
    from friendlygov.assessments.models import Decision, DecisionItem

    return (
        list(Decision.objects.order_by("pk").values("pk", "state", "number")),
        DecisionItem.objects.count(),
        list(Assessment.objects.order_by("pk").values_list("pk", "status")),
        AuditEvent.objects.count(),
    )


DECISION_FORM = {
    "number": "15/QĐ-UBND",
    "signed_on": "2025-01-15",
    "signer_name": "Nguyễn Văn An",
    "legal_bases": "Căn cứ Luật Tổ chức chính quyền địa phương",
}


@pytest.mark.parametrize("action", ["draft", "issue"])
@pytest.mark.parametrize("who", ["allowed", "outsider_commune", "outsider_district", "anonymous"])
def test_only_the_head_drafts_and_issues_decisions(action, who, dong_cam, people, anonymous):
    appraised(dong_cam, people)
    if action == "draft":
        url = reverse("assessments:decision_new", args=[dong_cam.body_id])
        data = {**DECISION_FORM, "assessments": [dong_cam.pk]}
    else:
        draft = services.draft_decision(
            dong_cam.body,
            assessments=[dong_cam],
            actor=people["head"].user,
            **{**DECISION_FORM, "signed_on": "2025-01-15"},
        )
        url, data = reverse("assessments:decision_issue", args=[draft.pk]), {}
    client = {"allowed": people["head"], "anonymous": anonymous}.get(who) or people[who]
    before = decision_fingerprint()

    response = client.post(url, data)

    if who == "allowed":
        assert response.status_code == 302
        assert decision_fingerprint() != before
        return
    if who == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code in (403, 404)
    assert decision_fingerprint() == before


BULK_CASES = {
    "receive many": (
        submitted,
        "assessments:receive_many",
        lambda a: {"ids": [a.pk]},
        Status.UNDER_APPRAISAL,
    ),
    "approve many": (
        under_appraisal,
        "assessments:approve_many",
        lambda a: {
            "ids": [a.pk],
            "confirmed": "1",
            f"expected_{a.pk}": confirmed(a, "approve")["expected_score"],
        },
        Status.APPRAISED,
    ),
}


@pytest.mark.parametrize("case", BULK_CASES, ids=list(BULK_CASES))
@pytest.mark.parametrize("who", ["allowed", "outsider_commune", "outsider_district", "anonymous"])
def test_only_the_appraiser_acts_in_bulk(case, who, dong_cam, people, anonymous):
    prepare, url_name, data, expected_status = BULK_CASES[case]
    prepare(dong_cam, people)
    client = {"allowed": people["appraiser"], "anonymous": anonymous}.get(who) or people[who]
    _bulk_tried_by(client, who, url_name, data, expected_status, dong_cam)


@pytest.mark.parametrize(
    "who", ["allowed", "appraiser", "chair", "outsider_commune", "outsider_district", "anonymous"]
)
def test_only_the_head_assigns_communes_to_appraisers(who, dong_cam, people, anonymous):
    submitted(dong_cam, people)
    client = {"allowed": people["head"], "anonymous": anonymous}.get(who) or people[who]
    appraiser = people["appraiser"].user
    before = fingerprint(dong_cam)

    response = client.post(
        reverse("assessments:assign_many"), {"ids": [dong_cam.pk], "appraiser": appraiser.pk}
    )

    dong_cam.refresh_from_db()
    if who == "allowed":
        assert dong_cam.appraiser_id == appraiser.pk
        return
    if who == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert dong_cam.appraiser_id is None
    changed = fingerprint(dong_cam)
    # A refusal inside the body is recorded for the unit; nothing else moves.
    assert changed[:4] == before[:4]


def _bulk_tried_by(client, who, url_name, data, expected_status, dong_cam):
    before = fingerprint(dong_cam)

    response = client.post(reverse(url_name), data(dong_cam))

    if who == "allowed":
        dong_cam.refresh_from_db()
        assert dong_cam.status == expected_status
        return
    if who == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert fingerprint(dong_cam) == before
