"""Idempotency-Key on POSTs: a repeat gets the first answer and creates nothing; a different
request with the same key is refused; keys expire; evidence is not attached twice."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from friendlygov.api.models import IdempotencyKey
from friendlygov.assessments import services
from friendlygov.assessments.models import Decision, Evidence
from friendlygov.assessments.testing import approve_in_time, fill_self

from .conftest import small_pdf, token_client

API = "/api/v1"


@pytest.fixture
def appraised(dong_cam, people):
    fill_self(dong_cam, people["officer"].user)
    services.submit_assessment(dong_cam, actor=people["chair"].user)
    services.copy_self_to_appraisal(dong_cam, actor=people["appraiser"].user)
    approve_in_time(dong_cam, actor=people["appraiser"].user)
    dong_cam.refresh_from_db()
    return dong_cam


def draft(client, assessment, key, number="15/QĐ-UBND"):
    payload = {
        "body_id": assessment.body_id,
        "assessment_ids": [assessment.pk],
        "number": number,
        "signed_on": "2025-01-15",
        "signer_name": "Nguyễn Văn A",
        "legal_bases": ["Căn cứ Luật Tổ chức chính quyền địa phương"],
    }
    return client.post(
        f"{API}/decisions", payload, content_type="application/json", headers={"Idempotency-Key": key}
    )


def test_a_repeated_post_with_the_same_key_creates_one_object_and_answers_the_same(appraised, people):
    head = token_client(people["head"].user)
    first = draft(head, appraised, "draft-2025-0001")
    assert first.status_code == 201, first.content
    again = draft(head, appraised, "draft-2025-0001")
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Decision.objects.count() == 1

    # The same key with another request: refused, nothing done
    other = draft(head, appraised, "draft-2025-0001", number="16/QĐ-UBND")
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert Decision.objects.count() == 1


def test_keys_belong_to_their_caller_and_expire(appraised, people, settings):
    settings.IDEMPOTENCY_KEY_HOURS = 1
    head = token_client(people["head"].user)
    assert draft(head, appraised, "k1").status_code == 201
    # Another caller's same key is another request: it is done (and refused by the service, as a
    # second draft of the same unit would be without a key)
    stranger = token_client(people["officer"].user)
    assert draft(stranger, appraised, "k1").status_code == 403
    assert IdempotencyKey.objects.count() == 2
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        call_command("prune_idempotency_keys", stdout=io.StringIO())
    assert IdempotencyKey.objects.count() == 0


def test_a_bad_key_is_refused_before_anything_is_done(appraised, people):
    head = token_client(people["head"].user)
    assert draft(head, appraised, "x" * 256).json()["error"]["code"] == "invalid_idempotency_key"
    assert Decision.objects.count() == 0


def upload(client, assessment, code, content, key, name="bien-ban.pdf"):
    return client.post(
        f"{API}/assessments/{assessment.pk}/evidence",
        {"indicator_code": code, "file": SimpleUploadedFile(name, content, content_type="application/pdf")},
        headers={"Idempotency-Key": key},
    )


def test_a_retried_upload_with_its_key_or_without_makes_one_evidence_row(dong_cam, people):
    officer = token_client(people["officer"].user)
    code = dong_cam.scores.select_related("indicator").first().indicator.code
    first = upload(officer, dong_cam, code, small_pdf(), "up-1")
    assert first.status_code == 201, first.content
    replayed = upload(officer, dong_cam, code, small_pdf(), "up-1")
    assert (replayed.status_code, replayed.json()) == (201, first.json())
    assert replayed["Idempotent-Replayed"] == "true"
    # Another file under the same key is another request
    other = upload(officer, dong_cam, code, small_pdf() + b"\n%extra", "up-1")
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    # The same content again under a new key (or none): deduplicated by its hash, 200, same row
    again = upload(officer, dong_cam, code, small_pdf(), "up-2")
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Evidence.objects.filter(assessment=dong_cam).count() == 1
    # Once withdrawn, the same file may be attached again
    assert officer.delete(f"{API}/evidence/{first.json()['id']}").status_code == 204
    assert upload(officer, dong_cam, code, small_pdf(), "up-3").status_code == 201
    assert Evidence.objects.filter(assessment=dong_cam).count() == 2
