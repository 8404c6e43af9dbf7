"""Evidence through the API: checked by content, served only as a download, withdrawn not destroyed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from friendlygov.assessments.models import Evidence
from friendlygov.audit.models import AuditEvent

from .conftest import small_pdf

API = "/api/v1"


@pytest.fixture
def indicator_code(dong_cam):
    return dong_cam.scores.select_related("indicator").first().indicator.code


def upload(client, assessment, code, name, content):
    return client.post(
        f"{API}/assessments/{assessment.pk}/evidence",
        {"indicator_code": code, "file": SimpleUploadedFile(name, content, content_type="application/pdf")},
    )


def assert_refused(response, assessment, *, contains):
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "upload_refused"
    assert contains in error["message"]
    assert not Evidence.objects.filter(assessment=assessment).exists()
    assert not AuditEvent.objects.filter(event_type="evidence.uploaded").exists()


def test_a_renamed_executable_is_refused(dong_cam, people, indicator_code):
    response = upload(people["officer"], dong_cam, indicator_code, "x.pdf", b"MZ\x90\x00" + b"\x00" * 200)
    assert_refused(response, dong_cam, contains="x.pdf")


def test_an_oversized_file_is_refused(dong_cam, people, indicator_code, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    response = upload(people["officer"], dong_cam, indicator_code, "big.pdf", small_pdf() + b"%" * 2048)
    assert_refused(response, dong_cam, contains="quá lớn")


def test_an_upload_over_the_assessments_quota_is_refused_with_the_reason(
    dong_cam, people, indicator_code, settings
):
    first = small_pdf()
    settings.EVIDENCE_ASSESSMENT_QUOTA_BYTES = len(first) + 10
    assert upload(people["officer"], dong_cam, indicator_code, "a.pdf", first).status_code == 201
    response = upload(people["officer"], dong_cam, indicator_code, "b.pdf", first + b"%" * 20)
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "upload_refused" and "vượt hạn mức" in error["message"]
    assert Evidence.objects.filter(assessment=dong_cam).count() == 1


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("anh.gif", b"GIF89a\x01\x00\x01\x00"),
        ("trang.html", b"<html><script>alert(1)</script></html>"),
        ("rong.pdf", b""),
    ],
)
def test_a_type_we_do_not_accept_is_refused(dong_cam, people, indicator_code, name, content):
    response = upload(people["officer"], dong_cam, indicator_code, name, content)
    assert_refused(response, dong_cam, contains=name)


def test_an_unknown_indicator_or_a_missing_file_is_a_bad_payload(dong_cam, people, indicator_code):
    unknown = upload(people["officer"], dong_cam, "NO-SUCH", "a.pdf", small_pdf())
    assert unknown.status_code == 422
    assert unknown.json()["error"]["code"] == "invalid_payload"
    missing = people["officer"].post(
        f"{API}/assessments/{dong_cam.pk}/evidence", {"indicator_code": indicator_code}
    )
    assert missing.status_code == 422
    assert missing.json()["error"]["details"][0]["loc"][-1] == "file"


def test_a_file_is_downloaded_as_an_attachment_of_its_detected_type_then_withdrawn(
    dong_cam, people, indicator_code
):
    created = upload(people["officer"], dong_cam, indicator_code, "Biên bản.pdf", small_pdf())
    assert created.status_code == 201
    evidence_id = created.json()["id"]

    for who in ("officer", "chair", "appraiser", "head"):
        response = people[who].get(f"{API}/evidence/{evidence_id}/download")
        assert response.status_code == 200, who
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == small_pdf()

    assert people["appraiser"].delete(f"{API}/evidence/{evidence_id}").status_code == 403
    assert people["officer"].delete(f"{API}/evidence/{evidence_id}").status_code == 204
    assert people["officer"].get(f"{API}/assessments/{dong_cam.pk}/evidence").json()["items"] == []
    assert people["officer"].delete(f"{API}/evidence/{evidence_id}").status_code == 404
    assert people["officer"].get(f"{API}/evidence/{evidence_id}/download").status_code == 200  # audit trail
    evidence = Evidence.objects.get(pk=evidence_id)
    assert evidence.removed_at is not None and evidence.file.storage.exists(evidence.file.name)
    events = AuditEvent.objects.for_target(dong_cam).values_list("event_type", flat=True)
    assert list(events) == ["evidence.uploaded", "evidence.removed"]
