"""Who may call what: outsiders learn nothing and change nothing, anonymous callers get 401 from
every private operation, insiders without the right role get 403, and CSRF guards session writes."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from friendlygov.assessments import services
from friendlygov.assessments.models import Evidence, IndicatorScore
from friendlygov.assessments.testing import fill_self
from friendlygov.audit.models import AuditEvent

from .conftest import small_pdf, token_client

API = "/api/v1"
PUBLIC_PREFIXES = ("/api/v1/units", "/api/v1/frameworks", "/api/v1/openapi.json", "/api/v1/docs")


def returned_with_evidence(assessment, people):
    """Draft filled in, a PDF uploaded, submitted, under appraisal and returned on one indicator."""
    officer, appraiser = people["officer"].user, people["appraiser"].user
    fill_self(assessment, officer)
    score = assessment.scores.select_related("indicator").first()
    pdf = SimpleUploadedFile("bien-ban.pdf", small_pdf())
    evidence = services.upload_evidence(assessment, score.indicator, pdf, actor=officer)
    services.submit_assessment(assessment, actor=people["chair"].user)
    services.start_appraisal(assessment, actor=appraiser)
    (request,) = services.return_for_explanation(
        assessment, reasons={score.indicator_id: "Bổ sung."}, actor=appraiser
    )
    return score, evidence, request


def state_of(assessment):
    assessment.refresh_from_db()
    return (
        assessment.status,
        assessment.version,
        AuditEvent.objects.count(),
        sorted(IndicatorScore.objects.filter(assessment=assessment).values_list("version", flat=True)),
        list(Evidence.objects.filter(assessment=assessment).values_list("pk", "removed_at")),
        list(assessment.explanation_requests.values_list("response", flat=True)),
    )


def every_write_and_read(assessment, score, evidence, request):
    url = f"{API}/assessments/{assessment.pk}"
    code = score.indicator.code
    json = "application/json"
    return [
        ("get", url, None, None),
        ("get", f"{url}/evidence", None, None),
        ("patch", f"{url}/scores/{code}", {"version": score.version, "self_value": "1"}, json),
        ("patch", f"{url}/scores/{code}", {"version": score.version, "appraised_value": "1"}, json),
        ("put", f"{url}/flags", {"flags": {}, "bonus": {"TH1": "1"}}, json),
        ("post", f"{url}/submit", None, json),
        ("post", f"{url}/start-appraisal", None, json),
        ("post", f"{url}/return", {"reasons": {code: "x"}}, json),
        ("post", f"{url}/explanations/{request.pk}", {"response": "x"}, json),
        ("post", f"{url}/resubmit", None, json),
        ("post", f"{url}/approve", None, json),
        ("post", f"{url}/copy-self-to-appraisal", None, json),
        ("get", f"{API}/evidence/{evidence.pk}/download", None, None),
        ("delete", f"{API}/evidence/{evidence.pk}", None, None),
    ]


VIA = pytest.mark.parametrize("via", ["session", "token"])


def as_(people, who, via):
    """The persona signed in to the browser, or as a program holding a token of the same user."""
    return people[who] if via == "session" else token_client(people[who].user)


def call(client, method, path, data, content_type):
    if content_type:
        return getattr(client, method)(path, data or {}, content_type=content_type)
    return getattr(client, method)(path)


@VIA
@pytest.mark.parametrize("who", ["outsider_commune", "outsider_district"])
def test_outsiders_get_404_on_every_read_and_write_and_nothing_changes(dong_cam, people, who, via):
    score, evidence, request = returned_with_evidence(dong_cam, people)
    score.refresh_from_db()
    client = as_(people, who, via)
    before = state_of(dong_cam)
    for method, path, data, content_type in every_write_and_read(dong_cam, score, evidence, request):
        response = call(client, method, path, data, content_type)
        assert response.status_code == 404, f"{method} {path}: {response.status_code}"
        assert response.json()["error"]["code"] == "not_found"
    upload = client.post(
        f"{API}/assessments/{dong_cam.pk}/evidence",
        {"indicator_code": score.indicator.code, "file": SimpleUploadedFile("x.pdf", small_pdf())},
    )
    assert upload.status_code == 404
    assert state_of(dong_cam) == before
    listed = client.get(f"{API}/assessments?cycle=2024&limit=500").json()
    assert dong_cam.pk not in [a["id"] for a in listed["items"]]


@VIA
@pytest.mark.parametrize("who", ["outsider_commune", "outsider_district", "appraiser"])
def test_outsiders_cannot_see_or_touch_a_draft_decision(dong_cam, people, who, via):
    fill_self(dong_cam, people["officer"].user)
    services.submit_assessment(dong_cam, actor=people["chair"].user)
    services.copy_self_to_appraisal(dong_cam, actor=people["appraiser"].user)
    services.approve_appraisal(dong_cam, actor=people["appraiser"].user)
    dong_cam.refresh_from_db()
    decision = services.draft_decision(
        dong_cam.body,
        assessments=[dong_cam],
        number="15/QĐ-UBND",
        signed_on="2025-01-15",
        signer_name="Nguyễn Văn A",
        legal_bases="Căn cứ Luật Tổ chức chính quyền địa phương",
        actor=people["head"].user,
    )
    client = as_(people, who, via)
    events = AuditEvent.objects.count()
    for path in (
        f"/decisions/{decision.pk}",
        f"/decisions/{decision.pk}/docx",
        f"/decisions/{decision.pk}/pdf",
    ):
        assert client.get(f"{API}{path}").status_code == 404, path
    assert client.post(f"{API}/decisions/{decision.pk}/issue").status_code == 404
    listed = client.get(f"{API}/decisions").json()
    assert decision.pk not in [d["id"] for d in listed["items"]]
    redraft = client.post(
        f"{API}/decisions",
        {
            "body_id": dong_cam.body_id,
            "assessment_ids": [dong_cam.pk],
            "number": "16/QĐ-UBND",
            "signed_on": "2025-01-16",
            "signer_name": "Ai đó",
            "legal_bases": ["Căn cứ"],
        },
        content_type="application/json",
    )
    assert redraft.status_code == (403 if who == "appraiser" else 404)
    decision.refresh_from_db()
    assert decision.state == decision.State.DRAFT
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("officer", "submit"),
        ("chair", "approve"),
        ("chair", "start-appraisal"),
        ("appraiser", "resubmit"),
    ],
)
@VIA
def test_insiders_without_the_role_get_403_and_nothing_changes(dong_cam, people, who, path, via):
    fill_self(dong_cam, people["officer"].user)
    client = as_(people, who, via)
    before = state_of(dong_cam)
    response = client.post(f"{API}/assessments/{dong_cam.pk}/{path}")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert "không có quyền" in response.json()["error"]["message"]
    assert state_of(dong_cam) == before


def test_the_appraiser_cannot_change_the_communes_numbers(dong_cam, people):
    score = dong_cam.scores.select_related("indicator").first()
    response = people["appraiser"].patch(
        f"{API}/assessments/{dong_cam.pk}/scores/{score.indicator.code}",
        {"version": score.version, "self_value": "1"},
        content_type="application/json",
    )
    assert response.status_code == 403
    score.refresh_from_db()
    assert score.self_value is None


def private_operations():
    from friendlygov.api.api import api

    for path, operations in api.get_openapi_schema()["paths"].items():
        if path.startswith(PUBLIC_PREFIXES):
            continue
        for method in operations:
            yield method, re.sub(r"{\w+}", "1", path)


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), sorted(set(private_operations())))
def test_anonymous_callers_get_401_json_from_every_private_operation(anonymous, method, path):
    response = getattr(anonymous, method)(path)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
def test_anonymous_callers_learn_nothing_about_a_path_from_its_methods(anonymous, method):
    assert getattr(anonymous, method)(f"{API}/assessments/1/approve").status_code == 401


def test_a_signed_in_caller_gets_405_for_a_method_the_path_does_not_offer(people, dong_cam):
    response = people["officer"].get(f"{API}/assessments/{dong_cam.pk}/approve")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert response["Allow"] == "POST"


def test_a_session_write_without_the_csrf_token_is_refused(dong_cam, people):
    fill_self(dong_cam, people["officer"].user)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(people["chair"].user)
    before = state_of(dong_cam)
    response = strict.post(f"{API}/assessments/{dong_cam.pk}/submit")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert state_of(dong_cam) == before

    token = "k" * 32  # a CSRF secret, as the pages' cookie holds one
    strict.cookies["csrftoken"] = token
    response = strict.post(f"{API}/assessments/{dong_cam.pk}/submit", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/api/v1/no-such-thing", 404),
        ("get", "/api/no-such-version/units", 404),
        ("post", "/api/v1/units", 405),
        ("delete", "/api/v1/cycles/2025/summary", 405),
    ],
)
def test_what_never_reaches_an_operation_still_answers_the_error_shape(client, db, method, path, status):
    response = getattr(client, method)(path)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == {404: "not_found", 405: "method_not_allowed"}[status] and error["message"]
    if status == 405:
        assert "GET" in error["details"] and response["Allow"]
