"""The history reads as sentences, newest first, with values as the form shows them; the raw
record (field names, hashes) only for administrators."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from friendlygov.assessments import services

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
RAW = ("self_value", "self_points", "explanation:", "sha256", "∅", "score.self_saved", "Bản ghi kỹ thuật")


def history(client, assessment, query=""):
    return client.get(reverse("assessments:history", args=[assessment.pk]) + query).content.decode()


def rows(assessment):
    manual = (
        assessment.scores.select_related("indicator").filter(indicator__method="manual").order_by("pk")[0]
    )
    ratio = assessment.scores.select_related("indicator").filter(indicator__method="ratio").order_by("pk")[0]
    return manual, ratio


def test_a_commune_officer_reads_sentences_newest_first_and_no_raw_fields(
    dong_cam, people, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    officer = people["officer"]
    who = str(officer.user)
    manual, ratio = rows(dong_cam)
    services.save_self_score(
        manual, expected_version=manual.version, actor=officer.user, self_value=Decimal("4.5")
    )
    manual.refresh_from_db()
    services.save_self_score(
        manual, expected_version=manual.version, actor=officer.user, explanation="Biên bản lưu ở xã."
    )
    services.save_self_score(
        ratio, expected_version=ratio.version, actor=officer.user, self_value=Decimal("97.5")
    )
    upload = SimpleUploadedFile("bien-ban.pdf", PDF, content_type="application/pdf")
    services.upload_evidence(dong_cam, manual.indicator, upload, actor=officer.user)

    page = history(officer, dong_cam)
    first = f"{who} sửa {manual.indicator.code}: (trống) → 4,5 điểm"
    note = f"{who} ghi giải trình {manual.indicator.code}: “Biên bản lưu ở xã.”"
    third = f"{who} sửa {ratio.indicator.code}: (trống) → 97,5%"
    uploaded = f"{who} tải lên tài liệu kiểm chứng cho {manual.indicator.code}: bien-ban.pdf"
    assert page.index(uploaded) < page.index(third) < page.index(note) < page.index(first)  # newest first
    for raw in RAW:
        assert raw not in page, raw


def test_the_history_filters_by_indicator_and_by_person(dong_cam, people):
    manual, ratio = rows(dong_cam)
    services.save_self_score(
        manual, expected_version=manual.version, actor=people["officer"].user, self_value=4
    )
    services.save_self_score(ratio, expected_version=ratio.version, actor=people["chair"].user, self_value=90)
    officer = people["officer"]
    only_manual = history(officer, dong_cam, f"?indicator={manual.indicator.code}")
    assert (
        f"sửa {manual.indicator.code}:" in only_manual and f"sửa {ratio.indicator.code}:" not in only_manual
    )
    chair = str(people["chair"].user)
    only_chair = history(officer, dong_cam, f"?who={chair}")
    assert f"{chair} sửa {ratio.indicator.code}: (trống) → 90%" in only_chair
    assert f"sửa {manual.indicator.code}:" not in only_chair


def test_workflow_moves_read_as_sentences_with_the_state_they_lead_to(dong_cam, people):
    from friendlygov.assessments.testing import quick_fill_self

    quick_fill_self(dong_cam)
    services.submit_assessment(dong_cam, actor=people["chair"].user)
    page = history(people["officer"], dong_cam)
    assert f"{people['chair'].user}: Gửi thẩm định (hồ sơ chuyển sang “Đã gửi thẩm định”)" in page
    assert "Tổng điểm tự chấm:" in page and "under_appraisal" not in page and "draft →" not in page


def test_an_administrator_also_sees_the_technical_record_behind_a_toggle(dong_cam, people, admin_client):
    manual, _ratio = rows(dong_cam)
    services.save_self_score(
        manual, expected_version=manual.version, actor=people["officer"].user, self_value=4
    )
    page = history(admin_client, dong_cam)
    assert "sửa " + manual.indicator.code in page
    assert '<details class="raw-record">' in page and "self_value" in page and "score.self_saved" in page
