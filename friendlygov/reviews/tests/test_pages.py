"""The review pages' deadlines and refusals: filing after the period is refused with the dates and
changes nothing; a late answer is taken and flagged; the panel in "where you stand" shows both."""

import pytest
from django.urls import reverse

from friendlygov.reviews import services
from friendlygov.reviews.models import ReviewRequest
from friendlygov.reviews.testing import issue_on_6_january, named_and_other, on

pytestmark = pytest.mark.django_db


@pytest.fixture
def dong_cam_decided(draft, people):
    issue_on_6_january(draft, people["head"].user)
    return draft.items.get(assessment__unit__name="Xã Đồng Cẩm").assessment


def test_filing_after_the_period_is_refused_with_a_clear_message(dong_cam_decided, people):
    named, _ = named_and_other(dong_cam_decided)
    url = reverse("reviews:file", args=[dong_cam_decided.pk])
    chair = people["chair"]
    with on(2025, 1, 30):
        page = chair.get(url).content.decode()
        posted = chair.post(url, {"indicators": [named.indicator_id], "reasons": "Sai điểm."})
        detail = chair.get(reverse("assessments:detail", args=[dong_cam_decided.pk])).content.decode()
    message = (
        "Đã hết thời hạn kiến nghị: kết quả được gửi ngày 06/01/2025, hạn kiến nghị đến hết ngày 21/01/2025."
    )
    assert message in page
    assert posted.status_code == 422 and message in posted.content.decode()
    assert not ReviewRequest.objects.exists()
    assert "Gửi kiến nghị…" not in detail  # the panel offers it only while the period runs


def test_the_panel_offers_filing_while_the_period_runs(dong_cam_decided, people):
    with on(2025, 1, 10):
        chair = (
            people["chair"].get(reverse("assessments:detail", args=[dong_cam_decided.pk])).content.decode()
        )
        officer = (
            people["officer"].get(reverse("assessments:detail", args=[dong_cam_decided.pk])).content.decode()
        )
    assert "có thể gửi kiến nghị đến hết ngày 21/01/2025" in chair and "Gửi kiến nghị…" in chair
    assert "Gửi kiến nghị…" not in officer  # only the chair files


def test_a_late_answer_is_taken_and_flagged(dong_cam_decided, people):
    named, _ = named_and_other(dong_cam_decided)
    with on(2025, 1, 10):
        request = services.file_request(
            dong_cam_decided, indicators=[named.indicator], reasons="Sai điểm.", actor=people["chair"].user
        )
    with on(2025, 2, 10):  # due 9 February
        listing = people["head"].get(reverse("reviews:list")).content.decode()
        response = people["head"].post(
            reverse("reviews:answer", args=[request.pk]),
            {"outcome": "reject", "answer": "Giữ nguyên kết quả."},
            follow=True,
        )
        panel = (
            people["chair"].get(reverse("assessments:detail", args=[dong_cam_decided.pk])).content.decode()
        )
    assert "Quá hạn" in listing
    page = response.content.decode()
    assert "Kiến nghị được trả lời sau hạn 09/02/2025." in page and "Trả lời quá hạn" in page
    assert "Trả lời quá hạn" in panel and "Kiến nghị không được chấp nhận; kết quả giữ nguyên." in panel
    request.refresh_from_db()
    assert request.answered_late


def test_a_bad_answer_is_refused_and_changes_nothing(dong_cam_decided, people):
    named, _ = named_and_other(dong_cam_decided)
    with on(2025, 1, 10):
        request = services.file_request(
            dong_cam_decided, indicators=[named.indicator], reasons="Sai điểm.", actor=people["chair"].user
        )
        response = people["head"].post(reverse("reviews:answer", args=[request.pk]), {"outcome": "accept"})
    assert response.status_code == 422 and "Cần ghi nội dung trả lời." in response.content.decode()
    request.refresh_from_db()
    assert request.state == "filed"


def test_the_evidence_is_served_to_readers_only(dong_cam_decided, people, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    named, _ = named_and_other(dong_cam_decided)
    pdf = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    with on(2025, 1, 10):
        request = services.file_request(
            dong_cam_decided,
            indicators=[named.indicator],
            reasons="Sai.",
            files=[pdf],
            actor=people["chair"].user,
        )
    url = reverse("reviews:evidence", args=[request.pk, request.evidence.get().pk])
    served = people["appraiser"].get(url)
    assert served.status_code == 200 and served["Content-Disposition"].startswith("attachment")
    assert b"".join(served.streaming_content).startswith(b"%PDF")
    assert people["outsider_commune"].get(url).status_code == 404
    assert people["outsider_district"].get(url).status_code == 404


def test_the_history_tab_tells_the_steps_in_sentences(dong_cam_decided, people):
    named, _ = named_and_other(dong_cam_decided)
    with on(2025, 1, 10):
        request = services.file_request(
            dong_cam_decided, indicators=[named.indicator], reasons="Sai điểm.", actor=people["chair"].user
        )
        services.assign_request(request, appraiser=people["appraiser"].user, actor=people["head"].user)
    with on(2025, 2, 10):
        services.reject_request(request, answer="Giữ nguyên.", actor=people["appraiser"].user)
        page = (
            people["officer"].get(reverse("assessments:history", args=[dong_cam_decided.pk])).content.decode()
        )
    assert f"gửi kiến nghị về {named.indicator.code}: “Sai điểm.”" in page
    assert "xem xét kiến nghị" in page and "không chấp nhận kiến nghị: “Giữ nguyên.”" in page
    assert "Trả lời sau hạn 09/02/2025" in page
    assert "review." not in page


def test_the_home_page_leads_to_the_open_requests(dong_cam_decided, people):
    named, _ = named_and_other(dong_cam_decided)
    with on(2025, 1, 10):
        services.file_request(
            dong_cam_decided, indicators=[named.indicator], reasons="Sai điểm.", actor=people["chair"].user
        )
    with on(2025, 2, 10):
        head = people["head"].get(reverse("home")).content.decode()
        outsider = people["outsider_district"].get(reverse("home")).content.decode()
    assert "1 chưa giải quyết xong" in head and "1 quá hạn" in head
    assert reverse("reviews:list") in head
    assert "Kiến nghị về kết quả:" not in outsider


def test_a_file_that_is_not_evidence_is_refused_and_nothing_is_filed(
    dong_cam_decided, people, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    named, _ = named_and_other(dong_cam_decided)
    good = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    bad = SimpleUploadedFile("ghi-chu.txt", b"just text")
    with on(2025, 1, 10):
        response = people["chair"].post(
            reverse("reviews:file", args=[dong_cam_decided.pk]),
            {"indicators": [named.indicator_id], "reasons": "Sai điểm.", "files": [good, bad]},
        )
    assert response.status_code == 422
    assert "không phải PDF, JPEG, PNG, DOCX hoặc XLSX" in response.content.decode()
    assert not ReviewRequest.objects.exists()
    assert not list(tmp_path.rglob("*.pdf"))
