"""The OpenAPI document as client generators need it (api/document.py), the typed error contract
and the language of the answers. `make api-client` generates a client from the same document and
fails on any warning; these tests pin what that needs, one rule at a time."""

import json
import re

import pytest

from friendlygov.api import errors, middleware

API = "/api/v1"
ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}
PUBLIC = {"listUnits", "getUnitLineage", "listFrameworks", "getFramework", "getCycleSummary", "listResults"}


@pytest.fixture(scope="module")
def document(django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        return Client().get(f"{API}/openapi.json").json()


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield method, path, operation


def test_operation_ids_are_short_unique_and_camel_case(document):
    ids = [operation["operationId"] for _m, _p, operation in operations(document)]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z]+(?:[A-Z][a-z0-9]*)*", op_id) for op_id in ids), ids
    assert {"listResults", "patchScore", "submitAssessment", "downloadDecisionDocx"} <= set(ids)


def test_every_operation_has_one_described_tag_a_summary_and_an_example(document):
    described = {tag["name"]: tag["description"] for tag in document["tags"]}
    for method, path, operation in operations(document):
        [tag] = operation["tags"]
        assert described.get(tag), (method, path, tag)
        assert operation.get("summary"), (method, path)
        success = [body for status, body in operation["responses"].items() if str(status).startswith("2")]
        media = [m for body in success for m in body.get("content", {}).values()]
        assert all("example" in m or m["schema"].get("format") == "binary" for m in media), (method, path)
        body = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if body is not None:
            assert body.get("example"), (method, path)


def test_public_operations_need_no_security_and_the_others_a_token_or_session(document):
    for _method, _path, operation in operations(document):
        if operation["operationId"] in PUBLIC:
            assert operation["security"] == [], operation["operationId"]
        else:
            assert operation["security"] == [{"BearerToken": []}, {"SignedInSession": []}]


def test_types_a_generator_understands(document):
    text = json.dumps(document)
    assert '"format": "decimal"' not in text
    schemas = document["components"]["schemas"]
    assert schemas["ScoreOut"]["properties"]["max_points"]["pattern"] == r"^-?[0-9]+(\.[0-9]+)?$"
    self_value = schemas["ScorePatch"]["properties"]["self_value"]["anyOf"][0]
    assert self_value["type"] == "string" and self_value["pattern"]
    units = {p["name"]: p for p in document["paths"][f"{API}/units"]["get"]["parameters"]}
    assert units["date"]["schema"]["anyOf"][0] == {"format": "date", "type": "string"}
    assert schemas["AdministrativeLevel"]["enum"] == [2, 3]
    assert {"AssessmentStatus", "DecisionKind", "DecisionState"} <= set(schemas)
    assert not {"Status", "Kind", "State", "Input"} & set(schemas)
    assert schemas["UnitRef"]["properties"]["type"] == {"$ref": "#/components/schemas/UnitType"}


@pytest.mark.parametrize(
    "path",
    [
        "/decisions/{decision_id}/docx",
        "/decisions/{decision_id}/pdf",
        "/evidence/{evidence_id}/download",
    ],
)
def test_files_are_declared_as_bytes_with_their_types_and_file_name(document, path):
    answer = document["paths"][f"{API}{path}"]["get"]["responses"]["200"]
    assert answer["content"]["application/octet-stream"]["schema"] == {"type": "string", "format": "binary"}
    assert len(answer["content"]) >= 2  # the file's own type too
    assert "Content-Disposition" in answer["headers"]


def test_every_operation_documents_the_errors_any_request_can_meet(document):
    for method, path, operation in operations(document):
        for status in ("400", "401", "405", "422", "429"):
            schema = operation["responses"][status]["content"]["application/json"]["schema"]
            assert schema == ERROR_REF, (method, path, status)
        assert "Allow" in operation["responses"]["405"]["headers"], (method, path)
        assert "Retry-After" in operation["responses"]["429"]["headers"], (method, path)
        if method == "get":
            assert "content" not in operation["responses"]["304"], path  # If-None-Match
        if "{" in path:
            assert "404" in operation["responses"], (method, path)


def test_a_method_a_path_does_not_offer_answers_405_as_its_operations_document(document, admin_client):
    """Every path, every method it lacks: 405 `method_not_allowed` with the path's methods in
    `Allow` and `details`, and 405 is in the responses of each of the path's operations."""
    checked = 0
    for path, item in document["paths"].items():
        offered = sorted(method.upper() for method in item)
        url = re.sub(r"{[^}]+}", "1", path)
        for method in sorted({"GET", "POST", "PUT", "PATCH", "DELETE"} - set(offered)):
            answer = admin_client.generic(method, url)
            assert answer.status_code == 405, (method, path, answer.status_code)
            assert answer.json()["error"]["code"] == "method_not_allowed", (method, path)
            assert answer.json()["error"]["details"] == offered, (method, path)
            assert answer["Allow"] == ", ".join(offered), (method, path)
            assert all("405" in operation["responses"] for operation in item.values()), path
            checked += 1
    assert checked > 100


def test_details_are_typed_by_a_code_from_a_closed_set(document):
    schemas = document["components"]["schemas"]
    error = schemas["ErrorOut"]["properties"]["error"]
    assert error["discriminator"]["propertyName"] == "code"
    codes = set()
    for variant in error["oneOf"]:
        code = schemas[variant["$ref"].rsplit("/", 1)[1]]["properties"]["code"]
        codes |= set(code.get("enum", [code.get("const")]))
    written = {"invalid_payload", "validation_error", "incomplete", "stale_version", "result_changed"}
    written |= {"transition_not_allowed", "immutable", "method_not_allowed", "pdf_unavailable"}
    written |= {"upload_refused", "not_authenticated", "permission_denied", "not_found", "throttled"}
    written |= set(errors.HTTP_CODES.values()) | {"http_error"}
    # Sync and bulk writes (a generated client could not read a 412 before these were listed).
    written |= {"precondition_failed", "bulk_refused"}
    written |= {"invalid_idempotency_key", "idempotency_key_in_use", "idempotency_key_reused"}
    # Accepting a whole commune at once (issue 17: per criterion, after reading).
    written.add("whole_commune_refused")
    assert written == codes


# --- Answers --------------------------------------------------------------------------------------


def test_a_bad_query_is_422_in_vietnamese_by_default_and_english_when_asked(client, db):
    vietnamese = client.get(f"{API}/units?date=2025-13-01").json()["error"]
    assert vietnamese["code"] == "invalid_payload"
    assert vietnamese["message"] == "Dữ liệu gửi lên không hợp lệ."
    assert vietnamese["details"] == [
        {
            "loc": ["query", "date"],
            "msg": "Cần một ngày dạng YYYY-MM-DD.",
            "type": "date_from_datetime_parsing",
        }
    ]
    english = client.get(f"{API}/units?date=2025-13-01", headers={"accept-language": "en-GB,en;q=0.8"})
    assert english["Content-Language"] == "en"
    assert english.json()["error"]["details"][0]["msg"] == "A date as YYYY-MM-DD is needed."
    assert client.get(f"{API}/units?date=x", headers={"accept-language": "fr"})["Content-Language"] == "vi"


def test_no_english_library_text_in_a_vietnamese_refusal(dong_cam, people):
    score = dong_cam.scores.select_related("indicator").first()
    path = f"{API}/assessments/{dong_cam.pk}/scores/{score.indicator.code}"
    payloads = [
        {"version": "one", "self_value": "1"},
        {"version": 1, "self_value": "abc"},
        {"version": 1, "self_value": "1.234"},
        {"version": 1, "explanation": "x" * 4001},
        {"version": 1},
        {"self_value": "1"},
        {"version": 1, "self_na": "perhaps"},
    ]
    for payload in payloads:
        error = people["officer"].patch(path, payload, content_type="application/json").json()["error"]
        assert error["code"] == "invalid_payload", payload
        for problem in error["details"]:
            assert not re.search(r"\b(Input|should|must|field|value|Field)\b", problem["msg"]), problem
    english = people["officer"].patch(
        path,
        {"version": 1, "self_value": "abc"},
        content_type="application/json",
        headers={"accept-language": "en"},
    )
    assert english.json()["error"]["details"][0]["msg"] == "A decimal number is needed, e.g. “4.5”."


def test_refusals_before_any_operation_follow_accept_language_too(client, db):
    unknown = client.get(f"{API}/nowhere", headers={"accept-language": "en"}).json()["error"]
    assert unknown == {
        "code": "not_found",
        "message": "Not found, or you do not have permission to view it.",
        "details": None,
    }
    bad_token = client.get(f"{API}/units", headers={"authorization": "Bearer fg_nope"})
    assert bad_token.status_code == 401
    assert bad_token.json()["error"]["message"] == "Bạn cần đăng nhập để dùng chức năng này."
    assert middleware.API_PREFIX == "/api/"


def test_units_results_assessments_and_decisions_carry_unit_version_ids(dong_cam, people):
    assessment = people["officer"].get(f"{API}/assessments/{dong_cam.pk}").json()
    assert assessment["unit"]["id"] == dong_cam.unit_id and "@" in dong_cam.unit_id
    listed = people["officer"].get(f"{API}/assessments?cycle=2024").json()["items"]
    assert [item["unit"]["id"] for item in listed] == [dong_cam.unit_id]
    results = people["officer"].get(f"{API}/cycles/2024/results?unit={dong_cam.unit.code}").json()["items"]
    assert [line["unit_id"] for line in results] == [dong_cam.unit_id]


def test_the_renamed_units_level_is_announced_as_deprecated(client, db):
    response = client.get(f"{API}/units?limit=1")
    assert response["Deprecation"].startswith("@")
    assert response["Sunset"].endswith("GMT")
    assert 'rel="deprecation"' in response["Link"]


def test_no_two_schemas_of_the_api_share_a_name():
    """The document keys schemas by class name, enums included: a second `TargetOut` silently
    replaced the first (a generated client read a summary's targets with the events' shape), and
    the review requests' `State` replaced the decisions' (a draft's "draft" was not a valid state)."""
    import enum
    import importlib
    import pkgutil
    import typing

    from ninja import Schema

    import friendlygov.api as package

    def enums_in(annotation):
        if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
            yield annotation
        for argument in typing.get_args(annotation):
            yield from enums_in(argument)

    seen: dict[str, str] = {}
    clashes = set()

    def note(name, where):
        if seen.setdefault(name, where) != where:
            clashes.add((name, seen[name], where))

    for module_info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"friendlygov.api.{module_info.name}")
        for name, value in vars(module).items():
            if isinstance(value, type) and issubclass(value, Schema) and value.__module__ == module.__name__:
                note(name, module.__name__)
                for field in value.model_fields.values():
                    for choices in enums_in(field.annotation):
                        note(choices.__name__, f"{choices.__module__}.{choices.__qualname__}")
    assert clashes == set()
