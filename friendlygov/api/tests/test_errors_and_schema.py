"""One error shape for bad input of every kind, never a 500; and an OpenAPI document that lists
every operation with its error responses."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .conftest import small_pdf

API = "/api/v1"

OPERATIONS = {
    ("get", "/api/v1/cycles"),
    ("get", "/api/v1/cycles/{year}"),
    ("get", "/api/v1/assessments"),
    ("get", "/api/v1/assessments/{assessment_id}"),
    ("patch", "/api/v1/assessments/{assessment_id}/scores/{indicator_code}"),
    ("put", "/api/v1/assessments/{assessment_id}/flags"),
    ("get", "/api/v1/assessments/{assessment_id}/evidence"),
    ("post", "/api/v1/assessments/{assessment_id}/evidence"),
    ("post", "/api/v1/assessments/{assessment_id}/submit"),
    ("post", "/api/v1/assessments/{assessment_id}/start-appraisal"),
    ("post", "/api/v1/assessments/{assessment_id}/return"),
    ("post", "/api/v1/assessments/{assessment_id}/explanations/{request_id}"),
    ("post", "/api/v1/assessments/{assessment_id}/resubmit"),
    ("post", "/api/v1/assessments/{assessment_id}/approve"),
    ("post", "/api/v1/assessments/{assessment_id}/copy-self-to-appraisal"),
    ("post", "/api/v1/assessments/{assessment_id}/scores/{indicator_code}/accept"),
    ("post", "/api/v1/assessments/{assessment_id}/scores/{indicator_code}/change"),
    ("put", "/api/v1/assessments/{assessment_id}/scores/{indicator_code}/explanation-request"),
    ("delete", "/api/v1/assessments/{assessment_id}/scores/{indicator_code}/explanation-request"),
    ("post", "/api/v1/assessments/{assessment_id}/take-over"),
    ("post", "/api/v1/assessments/assign"),
    ("get", "/api/v1/evidence/{evidence_id}/download"),
    ("delete", "/api/v1/evidence/{evidence_id}"),
    ("get", "/api/v1/decisions"),
    ("post", "/api/v1/decisions"),
    ("get", "/api/v1/decisions/{decision_id}"),
    ("post", "/api/v1/decisions/{decision_id}/issue"),
    ("get", "/api/v1/decisions/{decision_id}/docx"),
    ("get", "/api/v1/decisions/{decision_id}/pdf"),
}


@pytest.mark.django_db
def test_the_openapi_document_lists_every_operation_with_its_auth_and_errors(anonymous):
    document = anonymous.get(f"{API}/openapi.json").json()
    listed = {(method, path) for path, ops in document["paths"].items() for method in ops}
    assert listed >= OPERATIONS
    error_ref = "#/components/schemas/ErrorOut"
    for method, path in OPERATIONS:
        operation = document["paths"][path][method]
        assert operation.get("summary"), (method, path)
        assert operation["security"] == [{"BearerToken": []}, {"SignedInSession": []}], (method, path)
        for status in ("401", "404"):
            schema = operation["responses"][status]["content"]["application/json"]["schema"]
            assert schema == {"$ref": error_ref}, (method, path, status)
    assert {"ErrorOut", "AssessmentDetail", "ScoreOut", "DecisionDetail"} <= set(
        document["components"]["schemas"]
    )


def test_malformed_json_is_400(dong_cam, people):
    response = people["officer"].post(
        f"{API}/assessments/{dong_cam.pk}/return", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed"


def score_path(assessment):
    code = assessment.scores.select_related("indicator").first().indicator.code
    return f"{API}/assessments/{assessment.pk}/scores/{code}"


@pytest.mark.parametrize(
    "payload",
    [
        {"self_value": "1"},  # no version
        {"version": 1},  # nothing to save
        {"version": 1, "self_value": "abc"},
        {"version": 1, "self_value": "1e30"},
        {"version": 1, "self_value": "NaN"},
        {"version": 1, "self_na": None},
        {"version": 1, "explanation": "nul \x00 byte"},
        {"version": "one", "self_value": "1"},
    ],
)
def test_a_bad_payload_is_422_with_where_it_went_wrong(dong_cam, people, payload):
    response = people["officer"].patch(score_path(dong_cam), payload, content_type="application/json")
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid_payload"
    assert error["details"][0]["loc"]
    assert dong_cam.scores.filter(version__gt=1).count() == 0


@pytest.mark.parametrize(
    "path",
    [
        "/assessments/x",
        "/assessments/0",
        "/assessments/99999999999999999999",
        "/assessments?cycle=abc",
        "/assessments?limit=0",
        "/assessments?offset=-1",
        "/assessments?status=nonsense",
        "/assessments?unit=%00",
        "/cycles/99999999999",
        "/decisions?state=nonsense",
    ],
)
def test_bad_parameters_are_422_never_500(people, path):
    response = people["officer"].get(f"{API}{path}")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_payload"


@pytest.mark.parametrize(
    "path", ["/assessments/999999", "/cycles/1999", "/decisions/999999", "/evidence/999999/download"]
)
def test_what_does_not_exist_is_404(people, path):
    response = people["officer"].get(f"{API}{path}")
    assert response.status_code == 404
    assert response.json()["error"] == {
        "code": "not_found",
        "message": "Không tìm thấy, hoặc bạn không có quyền xem.",
        "details": None,
    }


def test_an_indicator_not_in_the_assessment_is_404_and_an_unknown_reason_code_is_422(dong_cam, people):
    missing = people["officer"].patch(
        f"{API}/assessments/{dong_cam.pk}/scores/NOPE",
        {"version": 1, "self_value": "1"},
        content_type="application/json",
    )
    assert missing.status_code == 404
    reasons = people["appraiser"].post(
        f"{API}/assessments/{dong_cam.pk}/return", {"reasons": {"NOPE": "x"}}, content_type="application/json"
    )
    assert reasons.status_code == 422
    assert "NOPE" in reasons.json()["error"]["details"][0]["msg"]


def test_lists_and_cycles_show_what_the_user_may_see(dong_cam, people):
    mine = people["officer"].get(f"{API}/assessments?cycle=2024").json()
    assert [a["id"] for a in mine["items"]] == [dong_cam.pk]
    assert mine["count"] == 1
    district = people["appraiser"].get(f"{API}/assessments?cycle=2024&status=draft&limit=5").json()
    assert district["count"] > 5 and len(district["items"]) == 5
    assert {a["body"]["id"] for a in district["items"]} == {dong_cam.body_id}
    assert people["officer"].get(f"{API}/assessments?unit={dong_cam.unit.code}").json()["count"] == 1

    cycles = people["officer"].get(f"{API}/cycles").json()
    assert [c["year"] for c in cycles["items"]] == [2024] and cycles["count"] == 1
    cycle = people["officer"].get(f"{API}/cycles/2024").json()
    assert cycle["visible_by_status"] == {"draft": 1}
    assert len(cycle["bodies"]) == 2


def test_someone_without_any_role_sees_nothing(signed_in, dong_cam):
    assert signed_in.get(f"{API}/cycles").json() == {"count": 0, "limit": 50, "offset": 0, "items": []}
    assert signed_in.get(f"{API}/assessments").json()["count"] == 0
    assert signed_in.get(f"{API}/assessments/{dong_cam.pk}").status_code == 404


def test_the_list_costs_the_same_queries_for_5_or_50_assessments(people, dong_cam):
    appraiser = people["appraiser"]
    appraiser.get(f"{API}/assessments?limit=1")  # session and grants warm up like any other request
    counts = []
    for limit in (5, 50):
        with CaptureQueriesContext(connection) as queries:
            response = appraiser.get(f"{API}/assessments?cycle=2024&limit={limit}")
        assert response.status_code == 200
        counts.append(len(queries))
    assert response.json()["count"] > 5
    assert counts[0] == counts[1]


def test_nul_characters_anywhere_are_refused_not_a_500(dong_cam, people):
    """PostgreSQL text cannot hold NUL: each way in refuses it as bad input."""
    officer = people["officer"]
    path = f"{API}/assessments/{dong_cam.pk}/scores/A%00B"
    patched = officer.patch(path, {"version": 1, "self_value": "1"}, content_type="application/json")
    assert patched.status_code in (404, 422)
    code = dong_cam.scores.select_related("indicator").first().indicator.code
    for indicator_code, name in (("A\x00B", "a.pdf"), (code, "a\x00b.pdf")):
        response = officer.post(
            f"{API}/assessments/{dong_cam.pk}/evidence",
            {"indicator_code": indicator_code, "file": SimpleUploadedFile(name, small_pdf())},
        )
        assert response.status_code in (201, 422), (indicator_code, name, response.status_code)
        if response.status_code == 201:
            assert "\x00" not in response.json()["original_name"]


@pytest.mark.django_db
def test_the_docs_page_loads_swagger_ui_from_our_static_files_not_a_cdn(anonymous):
    page = anonymous.get(f"{API}/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn." not in page and "https://" not in page
