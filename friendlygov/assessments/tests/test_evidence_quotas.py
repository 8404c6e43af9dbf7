"""Evidence cannot fill the disk (issue 14: 12 × 20 MB uploaded and withdrawn in 1.7 s left 241 MB
on disk). Quotas per assessment and per uploader count withdrawn files until they are purged;
uploads per hour are limited; identical files are stored once; withdrawn files are purged after
their retention, never before the cycle's review period ends, and never while another upload uses
the same file.

The sizes are scaled down 1,024 times (20 KB files against a 200 KB quota) to keep the suite fast;
the rules are the same at 20 MB and 200 MB.
"""

import io
import os
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from friendlygov.assessments import services
from friendlygov.assessments.models import Evidence
from friendlygov.audit.models import AuditEvent

KB = 1024
HTMX = {"HTTP_HX_REQUEST": "true"}
WITHDRAWN_IN_REVIEW = datetime(2024, 11, 15, 3, tzinfo=UTC)
IN_REVIEW = datetime(2025, 1, 20, 3, tzinfo=UTC)  # the 2024 cycle decides until 31 January 2025
AFTER_REVIEW = datetime(2025, 3, 1, 3, tzinfo=UTC)


def pdf(number: int, size: int = 20 * KB) -> bytes:
    head = f"%PDF-1.4\n% evidence {number}\n".encode()
    return head + os.urandom(size - len(head))


def bytes_on_disk(root) -> int:
    return sum(path.stat().st_size for path in root.rglob("*") if path.is_file())


@pytest.fixture
def purge(django_capture_on_commit_callbacks):
    """The purge as cron runs it: files are deleted once its transactions commit."""

    def run(now):
        with django_capture_on_commit_callbacks(execute=True):
            return services.purge_withdrawn_evidence(now=now)

    return run


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.EVIDENCE_MAX_BYTES = 20 * KB
    settings.EVIDENCE_ASSESSMENT_QUOTA_BYTES = 200 * KB
    settings.EVIDENCE_USER_QUOTA_BYTES = 10_000 * KB
    settings.EVIDENCE_UPLOADS_PER_HOUR = 60
    settings.EVIDENCE_RETENTION_DAYS = 30
    return tmp_path


@pytest.fixture
def row(dong_cam):
    return dong_cam.scores.select_related("indicator").filter(indicator__method="manual").first()


def upload(client, assessment, score, content: bytes, name="bien-ban.pdf"):
    url = reverse("assessments:upload", args=[assessment.pk, score.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, content)}, **HTMX)


def withdraw(client, assessment, evidence):
    return client.post(reverse("assessments:remove_upload", args=[assessment.pk, evidence.pk]), **HTMX)


def upload_and_withdraw(officer, assessment, score, contents) -> list[str]:
    """Each file uploaded then withdrawn at once, as in the attack; the refusals met."""
    refusals = []
    for number, content in enumerate(contents):
        page = upload(officer, assessment, score, content, f"tai-lieu-{number}.pdf").content.decode()
        stored = Evidence.objects.filter(removed_at=None).last()
        if stored is None:
            refusals.append(page)
            continue
        withdraw(officer, assessment, stored)
    return refusals


def test_uploading_and_withdrawing_twelve_files_cannot_fill_the_disk(
    media, dong_cam, row, people, django_capture_on_commit_callbacks
):
    refusals = upload_and_withdraw(people["officer"], dong_cam, row, [pdf(n) for n in range(12)])
    # Ten files fill the assessment's 200 KB, withdrawn ones included; the last two are refused.
    assert len(refusals) == 2
    assert "vượt hạn mức tài liệu của hồ sơ" in refusals[0]
    assert "kể cả tệp đã gỡ" in refusals[0]
    assert Evidence.objects.count() == 10
    assert bytes_on_disk(media) == 200 * KB  # 240 KB before the quota

    # Once the retention and the cycle's review have passed, the daily purge empties the disk.
    Evidence.objects.update(removed_at=WITHDRAWN_IN_REVIEW)
    out = io.StringIO()
    with time_machine.travel(AFTER_REVIEW, tick=False), django_capture_on_commit_callbacks(execute=True):
        call_command("purge_evidence", stdout=out)
    assert "purged 10 withdrawn evidence file(s)" in out.getvalue()
    assert bytes_on_disk(media) == 0
    # The audit keeps each file's name and hash.
    purged = AuditEvent.objects.filter(event_type="evidence.purged")
    assert purged.count() == 10
    first = Evidence.objects.order_by("pk").first()
    event = purged.get(data__evidence=first.pk)
    assert event.data["name"] == first.original_name and event.data["sha256"] == first.sha256
    # ...and the quota is free again.
    again = upload(people["officer"], dong_cam, row, pdf(99), "tai-lieu-moi.pdf")
    assert Evidence.objects.get(removed_at=None).original_name == "tai-lieu-moi.pdf", again.content


def test_identical_files_are_stored_once(media, dong_cam, row, people, settings):
    settings.EVIDENCE_ASSESSMENT_QUOTA_BYTES = 12 * 20 * KB
    same = pdf(1)
    assert upload_and_withdraw(people["officer"], dong_cam, row, [same] * 12) == []
    assert Evidence.objects.count() == 12
    assert len({evidence.file.name for evidence in Evidence.objects.all()}) == 1
    assert bytes_on_disk(media) == 20 * KB


def test_a_purge_never_removes_a_file_another_upload_still_uses(media, purge, dong_cam, row, people):
    officer, content = people["officer"], pdf(7)
    # The same file for two indicators (for the same indicator it is one row: services.upload_evidence)
    other = dong_cam.scores.select_related("indicator").exclude(pk=row.pk).first()
    upload(officer, dong_cam, row, content, "ban-1.pdf")
    upload(officer, dong_cam, other, content, "ban-2.pdf")
    first, second = Evidence.objects.order_by("pk")
    assert first.file.name == second.file.name
    withdraw(officer, dong_cam, first)
    Evidence.objects.filter(pk=first.pk).update(removed_at=WITHDRAWN_IN_REVIEW)

    result = purge(AFTER_REVIEW)
    assert (result.rows, result.files_deleted) == (1, 0)
    assert bytes_on_disk(media) == 20 * KB
    download = people["appraiser"].get(reverse("assessments:evidence", args=[second.pk]))
    assert b"".join(download.streaming_content) == content
    event = AuditEvent.objects.get(event_type="evidence.purged")
    assert event.data["file_deleted"] is False

    withdraw(officer, dong_cam, second)
    Evidence.objects.filter(pk=second.pk).update(removed_at=WITHDRAWN_IN_REVIEW)
    assert purge(AFTER_REVIEW).files_deleted == 1
    assert bytes_on_disk(media) == 0


def test_withdrawn_files_stay_through_the_cycles_review_period(media, purge, dong_cam, row, people, settings):
    settings.EVIDENCE_RETENTION_DAYS = 1
    upload(people["officer"], dong_cam, row, pdf(3))
    evidence = Evidence.objects.get()
    withdraw(people["officer"], dong_cam, evidence)
    Evidence.objects.update(removed_at=WITHDRAWN_IN_REVIEW)
    url = reverse("assessments:evidence", args=[evidence.pk])

    # The retention (one day) has passed, but decisions may still be issued until 31 January.
    assert purge(IN_REVIEW).rows == 0
    assert people["appraiser"].get(url).status_code == 200

    assert purge(AFTER_REVIEW).rows == 1
    evidence.refresh_from_db()
    assert evidence.purged_at is not None and evidence.file.name == ""
    assert evidence.sha256 and evidence.original_name == "bien-ban.pdf"
    assert people["appraiser"].get(url).status_code == 404
    assert bytes_on_disk(media) == 0
    history = people["officer"].get(reverse("assessments:history", args=[dong_cam.pk])).content.decode()
    assert "Tệp “bien-ban.pdf” đã gỡ được xoá khi hết thời hạn lưu" in history
    # Running again (cron) finds nothing more to do.
    assert purge(AFTER_REVIEW).rows == 0


def test_uploads_per_person_and_hour_are_limited(media, dong_cam, row, people, settings):
    settings.EVIDENCE_UPLOADS_PER_HOUR = 3
    pages = [upload(people["officer"], dong_cam, row, pdf(n)).content.decode() for n in range(4)]
    assert "Bạn đã tải lên 3 tệp trong giờ này" in pages[3]
    assert Evidence.objects.count() == 3


def test_an_uploader_has_a_quota_of_their_own(media, dong_cam, row, people, settings):
    settings.EVIDENCE_USER_QUOTA_BYTES = 50 * KB
    pages = [upload(people["officer"], dong_cam, row, pdf(n)).content.decode() for n in range(3)]
    assert "vượt hạn mức tải lên của bạn" in pages[2]
    assert Evidence.objects.count() == 2
