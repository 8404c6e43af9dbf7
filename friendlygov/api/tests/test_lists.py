"""Every list: one envelope, and the filters cycle, unit, status, level and group mean the same on
assessments, decisions and results."""

import pytest

from friendlygov.assessments import services
from friendlygov.assessments.testing import approve_in_time, quick_fill_self

API = "/api/v1"


def decided(assessment, people):
    quick_fill_self(assessment)
    services.submit_assessment(assessment, actor=people["chair"].user)
    services.copy_self_to_appraisal(assessment, actor=people["appraiser"].user)
    approve_in_time(assessment, actor=people["appraiser"].user)
    assessment.refresh_from_db()
    decision = services.draft_decision(
        assessment.body,
        assessments=[assessment],
        number="15/QĐ-UBND",
        signed_on="2025-01-15",
        signer_name="Nguyễn Văn A",
        legal_bases="Căn cứ Luật Tổ chức chính quyền địa phương",
        actor=people["head"].user,
    )
    services.issue_decision(decision, actor=people["head"].user)
    assessment.refresh_from_db()
    return decision


def ids(response):
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"count", "limit", "offset", "items"}
    return body


def test_level_and_group_filters_agree_on_assessments_results_and_decisions(dong_cam, people):
    decision = decided(dong_cam, people)
    level, group, unit = dong_cam.final_level or 0, dong_cam.body.unit.code, dong_cam.unit.code
    appraiser = people["head"]

    for path in (f"/assessments?cycle=2024&level={level}", f"/cycles/2024/results?level={level}"):
        body = ids(appraiser.get(f"{API}{path}"))
        assert body["count"] == 1, path
    other = (level % 4) + 1
    assert ids(appraiser.get(f"{API}/assessments?level={other}"))["count"] == 0
    assert ids(appraiser.get(f"{API}/cycles/2024/results?level={other}"))["count"] == 0

    everyone = ids(appraiser.get(f"{API}/assessments?cycle=2024&group={group}"))["count"]
    assert everyone == dong_cam.body.assessments.count() > 1
    assert ids(appraiser.get(f"{API}/assessments?group=99999"))["count"] == 0
    assert ids(appraiser.get(f"{API}/cycles/2024/results?group={group}&limit=1"))["count"] == everyone

    (line,) = ids(appraiser.get(f"{API}/cycles/2024/results?unit={unit}"))["items"]
    assert (line["unit_code"], line["level"], line["decision_number"]) == (unit, level, decision.number)
    status = dong_cam.status
    assert ids(appraiser.get(f"{API}/cycles/2024/results?status={status}"))["count"] == 1

    assert [d["id"] for d in ids(appraiser.get(f"{API}/decisions?unit={unit}"))["items"]] == [decision.pk]
    assert ids(appraiser.get(f"{API}/decisions?group={group}&cycle=2024"))["count"] == 1
    assert ids(appraiser.get(f"{API}/decisions?group=99999"))["count"] == 0


def test_pages_cover_the_list_without_overlap(dong_cam, people):
    appraiser = people["appraiser"]
    total = ids(appraiser.get(f"{API}/assessments?cycle=2024&limit=1"))["count"]
    seen = []
    for offset in range(0, total, 3):
        page = ids(appraiser.get(f"{API}/assessments?cycle=2024&limit=3&offset={offset}"))
        assert (page["limit"], page["offset"], page["count"]) == (3, offset, total)
        seen += [a["id"] for a in page["items"]]
    assert len(seen) == len(set(seen)) == total


@pytest.mark.parametrize(
    "query", ["limit=0", "limit=501", "offset=-1", "level=5", "level=x", "group=a-b", "unit=%00", "cycle=1"]
)
def test_a_bad_filter_or_page_is_422_with_the_parameter_named(dong_cam, people, query):
    response = people["appraiser"].get(f"{API}/assessments?{query}")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_payload"
    assert error["details"][0]["loc"][-1] == query.split("=")[0]
