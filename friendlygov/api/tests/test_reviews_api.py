"""Review requests through the JSON API: the same services and policy as the pages, the same
refusals, and the operations documented in the OpenAPI schema."""

from friendlygov.assessments.workflow import Status
from friendlygov.reviews.models import ReviewRequest
from friendlygov.reviews.testing import issue_on_6_january, named_and_other, on

from .conftest import small_pdf, token_client

API = "/api/v1"


def call(client, method, path, data=None, status=200):
    send = getattr(client, method)
    response = (
        send(f"{API}{path}", data or {}, content_type="application/json")
        if method == "post"
        else send(f"{API}{path}")
    )
    assert response.status_code == status, response.content.decode()
    return response.json()


def test_it_files_assigns_and_answers_through_the_api(draft, people):
    issue_on_6_january(draft, people["head"].user)
    dong_cam = draft.items.get(assessment__unit__name="Xã Đồng Cẩm").assessment
    named, _ = named_and_other(dong_cam)
    chair, head, appraiser = (token_client(people[k].user) for k in ("chair", "head", "appraiser"))
    body = {"assessment_id": dong_cam.pk, "indicators": [named.indicator.code], "reasons": "Đủ biên bản."}

    with on(2025, 1, 10):
        # The officer may read but not file; an outsider does not see the unit at all.
        call(token_client(people["officer"].user), "post", "/reviews", body, status=403)
        call(token_client(people["outsider_commune"].user), "post", "/reviews", body, status=404)
        filed = call(chair, "post", "/reviews", body, status=201)
        assert (filed["state"], filed["subject"], filed["indicators"]) == (
            "filed",
            "decision",
            [named.indicator.code],
        )
        assert filed["disputed_decision"] == "15/QĐ-UBND" and filed["answer_due"] == "2025-02-09"
        files = {"file": _pdf()}
        response = chair.post(f"{API}/reviews/{filed['id']}/evidence", files)
        assert response.status_code == 201, response.content.decode()
        assert response.json()["evidence"][0]["name"] == "bien-ban.pdf"

        url = f"/reviews/{filed['id']}"
        call(chair, "post", f"{url}/assign", {"appraiser": people["appraiser"].user.username}, status=403)
        assigned = call(head, "post", f"{url}/assign", {"appraiser": people["appraiser"].user.username})
        assert assigned["assigned_to"] == people["appraiser"].user.username
        refused = call(appraiser, "post", f"{url}/answer", {"outcome": "accept", "answer": "   "}, status=422)
        assert "nội dung trả lời" in refused["error"]["message"]
        accepted = call(appraiser, "post", f"{url}/answer", {"outcome": "accept", "answer": "Thẩm định lại."})
    assert accepted["state"] == "accepted" and accepted["answered_late"] is False
    dong_cam.refresh_from_db()
    assert dong_cam.status == Status.UNDER_REVIEW
    assert [
        r["id"] for r in call(token_client(people["officer"].user), "get", "/reviews?open=true")["items"]
    ] == [filed["id"]]
    assert call(token_client(people["outsider_district"].user), "get", "/reviews")["items"] == []

    # Re-appraised and approved again, then the corrective decision through /decisions settles it.
    with on(2025, 1, 12):
        named.refresh_from_db()
        patch = appraiser.patch(
            f"{API}/assessments/{dong_cam.pk}/scores/{named.indicator.code}",
            {"version": named.version, "appraised_value": "0", "appraisal_comment": "Thiếu biên bản."},
            content_type="application/json",
        )
        assert patch.status_code == 200, patch.content.decode()
        call(appraiser, "post", f"/assessments/{dong_cam.pk}/approve", {})
        old = filed_decision_id(head, "15/QĐ-UBND")
        draft = call(
            head,
            "post",
            "/decisions",
            {
                "body_id": dong_cam.body_id,
                "assessment_ids": [dong_cam.pk],
                "signed_on": "2025-01-12",
                "signer_name": "Nguyễn Văn An",
                "legal_bases": ["Căn cứ kết quả xem xét kiến nghị;"],
                "supersedes_id": old,
            },
            status=201,
        )
        call(head, "post", f"/decisions/{draft['id']}/issue", {})
    settled = call(chair, "get", url)
    assert settled["state"] == "resolved" and settled["corrective_decision"] == "16/QĐ-UBND"


def test_filing_after_the_period_is_refused_with_the_dates(draft, people):
    issue_on_6_january(draft, people["head"].user)
    dong_cam = draft.items.get(assessment__unit__name="Xã Đồng Cẩm").assessment
    named, _ = named_and_other(dong_cam)
    body = {"assessment_id": dong_cam.pk, "indicators": [named.indicator.code], "reasons": "Đủ biên bản."}
    with on(2025, 2, 1):
        refused = call(token_client(people["chair"].user), "post", "/reviews", body, status=422)
    assert "Đã hết thời hạn kiến nghị" in refused["error"]["message"]
    assert "21/01/2025" in refused["error"]["message"]
    assert not ReviewRequest.objects.exists()


def test_the_operations_are_in_the_openapi_schema(client):
    schema = client.get(f"{API}/openapi.json").json()
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths[f"{API}/reviews"])
    for operation in ("/assign", "/answer", "/evidence"):
        assert "post" in paths[f"{API}/reviews/{{review_id}}{operation}"]
    assert "ReviewOut" in schema["components"]["schemas"]


def filed_decision_id(client, number):
    return next(d["id"] for d in call(client, "get", "/decisions")["items"] if d["number"] == number)


def _pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("bien-ban.pdf", small_pdf(), content_type="application/pdf")


def test_an_unknown_indicator_is_refused_in_the_callers_language_and_nothing_is_filed(dong_cam, people):
    body = {"assessment_id": dong_cam.pk, "indicators": ["TC9.9"], "reasons": "Sai."}

    refused = call(people["chair"], "post", "/reviews", body, status=422)

    assert refused["error"]["details"][0]["msg"] == "Hồ sơ không có các chỉ tiêu: TC9.9."
    english = people["chair"].post(
        f"{API}/reviews", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "TC9.9" in english.json()["error"]["details"][0]["msg"]
    assert "chỉ tiêu" not in english.json()["error"]["details"][0]["msg"]
    assert not ReviewRequest.objects.filter(assessment=dong_cam).exists()
