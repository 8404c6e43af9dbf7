"""A refused upload says so once, in the evidence form (it appeared twice: there and as the row's
save status), with the size as the page writes numbers."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_a_refused_upload_is_said_once(dong_cam, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.EVIDENCE_MAX_BYTES = 1_048_576
    score = dong_cam.scores.order_by("pk").first()
    photo = b"\xff\xd8\xff" + bytes(int(1.5 * 1_048_576))
    big = SimpleUploadedFile("anh.jpg", photo, content_type="image/jpeg")
    response = people["officer"].post(
        reverse("assessments:upload", args=[dong_cam.pk, score.pk]), {"file": big}, **HTMX
    )
    body = response.content.decode()
    message = "Tệp “anh.jpg” quá lớn (1,5 MB); tối đa 1 MB."
    assert body.count(message) == 1
    assert 'class="save-status error upload-error"' in body
    assert not dong_cam.evidence.exists()
