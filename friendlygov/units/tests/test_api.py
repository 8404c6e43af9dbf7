from collections import Counter

import pytest


def get(client, url, **params):
    """Status and body; of a list, its items (one page of up to 500: every list here is shorter)."""
    response = client.get(url, {"limit": 500, **params} if url == "/api/v1/units" else params)
    body = response.json()
    if response.status_code == 200 and url == "/api/v1/units":
        assert body["count"] == len(body["items"])
        return response.status_code, body["items"]
    return response.status_code, body


def test_it_lists_hai_duong_units_at_the_end_of_2024(anonymous, units):
    status, body = get(anonymous, "/api/v1/units", date="2024-12-31", province="30")
    assert status == 200
    levels = Counter(u["level"] for u in body)
    assert levels == {2: 12, 3: 235}
    communes = Counter(u["type"] for u in body if u["level"] == 3)
    assert communes == {"xa": 178, "phuong": 47, "thi_tran": 10}
    by_code = {u["code"]: u for u in body}
    assert by_code["10804"]["name"] == "Xã Đồng Cẩm"
    assert by_code["10804"]["parent_code"] == "293"
    assert by_code["10804"]["id"] == "10804@2024-01-01"


def test_it_lists_207_hai_duong_communes_after_the_2025_rearrangement(anonymous, units):
    status, body = get(anonymous, "/api/v1/units", date="2025-03-01", province="30", level=3)
    assert status == 200
    assert Counter(u["type"] for u in body) == {"xa": 151, "phuong": 46, "thi_tran": 10}


def test_it_lists_hai_phong_after_the_two_tier_reform_without_districts(anonymous, units):
    status, body = get(anonymous, "/api/v1/units", date="2025-12-31", province="31")
    assert status == 200
    assert len(body) == 114
    assert Counter(u["type"] for u in body) == {"xa": 67, "phuong": 45, "dac_khu": 2}
    assert {u["parent_code"] for u in body} == {"31"}
    assert get(anonymous, "/api/v1/units", date="2025-12-31", province="30")[1] == []


def test_it_tells_what_kim_thanh_came_from(anonymous, units):
    status, body = get(anonymous, "/api/v1/units/10804/lineage", date="2025-12-31")
    assert status == 200
    assert body["unit"]["name"] == "Xã Kim Thành"
    predecessors = {(p["unit"]["name"], p["unit"]["parent_code"]) for p in body["predecessors"]}
    assert predecessors == {
        ("Xã Đồng Cẩm", "293"),
        ("Xã Tam Kỳ", "293"),
        ("Xã Đại Đức", "293"),
        ("Xã Hòa Bình", "293"),  # 293 = huyện Kim Thành, not Hòa Bình of Vĩnh Bảo (Hải Phòng)
    }
    assert {p["effective_date"] for p in body["predecessors"]} == {"2025-07-01"}
    assert body["successors"] == []


def test_it_tells_what_dong_cam_became(anonymous, units):
    status, body = get(anonymous, "/api/v1/units/10804/lineage", date="2025-03-01")
    assert status == 200
    assert body["unit"]["name"] == "Xã Đồng Cẩm"
    assert [
        (s["unit"]["name"], s["unit"]["code"], s["kind"], s["share"], s["inferred"])
        for s in body["successors"]
    ] == [("Xã Kim Thành", "10804", "merge", "whole", False)]


def test_it_marks_inferred_2025_merges(anonymous, units):
    status, body = get(anonymous, "/api/v1/units/10624/lineage", date="2024-06-01")
    assert status == 200
    assert body["unit"]["name"] == "Xã Quốc Tuấn"
    [successor] = body["successors"]
    assert successor["inferred"] is True
    assert successor["unit"]["id"] == "10621@2025-01-01"


@pytest.mark.parametrize("date", ["2025-13-01", "yesterday", "2025-02-30"])
def test_it_rejects_a_malformed_date_with_a_json_422(anonymous, units, date):
    """A readable request with a bad parameter is 422, as everywhere in the API (docs/api.md)."""
    status, body = get(anonymous, "/api/v1/units", date=date)
    assert status == 422
    assert body["error"]["code"] == "invalid_payload"
    assert [problem["loc"] for problem in body["error"]["details"]] == [["query", "date"]]


def test_it_answers_404_for_a_code_not_valid_on_the_date(anonymous, units):
    status, body = get(anonymous, "/api/v1/units/10624/lineage", date="2025-03-01")
    assert status == 404
    assert "10624" in body["error"]["message"]


def test_it_rejects_an_unknown_level(anonymous, units):
    status, body = get(anonymous, "/api/v1/units", level=1)
    assert status == 422
    assert body["error"]["details"][0]["loc"] == ["query", "level"]


def test_it_defaults_to_today(anonymous, units):
    status, body = get(anonymous, "/api/v1/units", province="31", level=3)
    assert status == 200
    assert len(body) == 114  # the shipped data has no change after 1 July 2025


def test_it_describes_the_units_api_in_openapi(anonymous):
    paths = anonymous.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/units" in paths
    assert "/api/v1/units/{code}/lineage" in paths
