import pytest

pytestmark = pytest.mark.django_db


def test_it_lists_only_published_versions_publicly(anonymous, published, draft):
    response = anonymous.get("/api/v1/frameworks")
    assert response.status_code == 200
    assert [v["code"] for v in response.json()["items"]] == ["hai-duong-2024"]


def test_it_lists_drafts_for_administrators(admin_client, published, draft):
    codes = {v["code"] for v in admin_client.get("/api/v1/frameworks").json()["items"]}
    assert codes == {"hai-duong-2024", "hai-duong-2025-draft"}


def test_it_returns_the_full_tree_with_decimal_strings(anonymous, published):
    body = anonymous.get(f"/api/v1/frameworks/{published.pk}").json()
    assert body["is_template"] is True
    assert body["bonus_cap"] == "5"
    assert [c["max_points"] for c in body["criteria"]] == ["20"] * 5
    first = body["criteria"][0]["indicators"][0]
    assert first["method"] is None
    assert [s["code"] for s in first["sub_indicators"]] == ["TC1.1.1", "TC1.1.2"]
    manual = body["criteria"][0]["indicators"][1]
    assert (manual["method"], manual["step"]) == ("manual", "0.5")
    ratio = body["criteria"][0]["indicators"][2]
    assert ratio["params"]["thresholds"][3] == {"min_percent": "80", "points": "1.5"}
    assert [g["kind"] for g in body["gating_rules"]] == ["min_criterion_percent", "veto_flag"]
    assert body["bonus_rules"][0]["cap"] == "3"


def test_it_answers_404_json_for_unknown_or_hidden_versions(anonymous, draft):
    for pk in (999999, draft.pk):
        response = anonymous.get(f"/api/v1/frameworks/{pk}")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_it_documents_decimals_as_strings_in_openapi(anonymous):
    schema = anonymous.get("/api/v1/openapi.json").json()
    detail = schema["components"]["schemas"]["FrameworkDetail"]
    assert detail["properties"]["bonus_cap"]["type"] == "string"
    operation = schema["paths"]["/api/v1/frameworks/{framework_id}"]["get"]
    assert set(operation["responses"]) == {"200", "304", "400", "401", "404", "405", "422", "429"}
