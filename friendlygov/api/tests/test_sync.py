"""Incremental sync: updated_since returns only what changed, reads answer 304 to a matching
If-None-Match, and a workflow step with a stale If-Match answers 412 and does nothing."""

from datetime import datetime, timedelta

import time_machine
from django.utils import timezone

from friendlygov.assessments import services
from friendlygov.assessments.testing import fill_self
from friendlygov.assessments.workflow import Status
from friendlygov.audit.models import AuditEvent

from .conftest import token_client

API = "/api/v1"


def test_updated_since_returns_only_the_assessments_changed_since(dong_cam, people):
    head = token_client(people["head"].user)  # sees the body's communes
    before = head.get(f"{API}/assessments?cycle=2024&limit=500").json()
    assert before["count"] > 1
    assert all(item["updated_at"] for item in before["items"])
    later = timezone.now() + timedelta(hours=1)
    with time_machine.travel(later):
        score = dong_cam.scores.select_related("indicator").first()
        services.save_self_score(
            score, expected_version=score.version, actor=people["officer"].user, explanation="Mới"
        )
    since = (later - timedelta(minutes=1)).isoformat()
    changed = head.get(f"{API}/assessments", {"cycle": 2024, "updated_since": since}).json()
    assert [item["id"] for item in changed["items"]] == [dong_cam.pk]
    assert datetime.fromisoformat(changed["items"][0]["updated_at"]) >= later - timedelta(minutes=1)
    detail = head.get(f"{API}/assessments/{dong_cam.pk}").json()
    assert detail["updated_at"] == changed["items"][0]["updated_at"]
    # Nothing since then
    after = (later + timedelta(minutes=1)).isoformat()
    assert head.get(f"{API}/assessments", {"updated_since": after}).json()["count"] == 0


def test_a_read_answers_an_etag_and_304_while_nothing_changed(dong_cam, people):
    officer = token_client(people["officer"].user)
    url = f"{API}/assessments/{dong_cam.pk}"
    first = officer.get(url)
    etag = first["ETag"]
    assert etag
    unchanged = officer.get(url, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    score = dong_cam.scores.select_related("indicator").first()
    services.save_self_score(score, expected_version=score.version, actor=officer.user, explanation="Đổi")
    changed = officer.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_a_workflow_step_with_a_stale_if_match_answers_412_and_does_nothing(dong_cam, people):
    fill_self(dong_cam, people["officer"].user)
    chair = token_client(people["chair"].user)
    url = f"{API}/assessments/{dong_cam.pk}"
    version = chair.get(url).json()["version"]
    stale = chair.post(
        f"{url}/submit", headers={"If-Match": f'"{version - 1 if version > 1 else version + 1}"'}
    )
    assert stale.status_code == 412
    body = stale.json()["error"]
    assert body["code"] == "precondition_failed"
    assert body["details"]["version"] == version
    dong_cam.refresh_from_db()
    assert dong_cam.status == Status.DRAFT
    assert not AuditEvent.objects.for_target(dong_cam).filter(event_type="assessment.submit").exists()

    done = chair.post(f"{url}/submit", headers={"If-Match": f'"{version}"'})
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "submitted"
    assert done.json()["version"] == version + 1
    # The appraiser acting on what it read before the submission is refused in turn
    appraiser = token_client(people["appraiser"].user)
    late = appraiser.post(f"{url}/start-appraisal", headers={"If-Match": f'"{version}"'})
    assert late.status_code == 412
    assert (
        appraiser.post(f"{url}/start-appraisal", headers={"If-Match": f'W/"{version + 1}"'}).status_code
        == 200
    )
