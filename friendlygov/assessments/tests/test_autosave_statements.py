"""One autosave is a fixed, short list of SQL statements (README, Benchmarks): what keeps the save
safe (the version-checked UPDATE, the assessment's row lock, the audit event, and the chaining of
audit events when it is due) and the rows for exact totals, nothing else.

A test runs inside a transaction, so the person's grants are read here on every request; between
real requests a process keeps them for the version the user row shows (accounts/reach.py), and a
steady autosave is 10 statements (`make bench`)."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from friendlygov.api import webhooks
from friendlygov.assessments import services
from friendlygov.assessments.results import (
    SELF,
    framework_rules,
    layer_result,
    published_framework,
    published_indicators,
)
from friendlygov.assessments.selectors import scores_for_totals
from friendlygov.audit.models import AuditEvent
from friendlygov.audit.services import seal, verify
from friendlygov.programs.selectors import rules_for

from .test_pages import HTMX, first_score

KINDS = (
    ("session", r'^SELECT .* FROM "django_session"'),
    ("user", r'^SELECT .* FROM "accounts_user"'),
    ("grants", r'^SELECT .* FROM "accounts_rolegrant"'),
    ("row and assessment", r'^SELECT .* FROM "assessments_indicatorscore" INNER JOIN .* WHERE .*"id" = \d+'),
    ("begin", r"^(BEGIN|SAVEPOINT)"),
    ("commit", r"^(COMMIT|RELEASE SAVEPOINT)"),
    ("lock", r'^SELECT .* FROM "assessments_assessment" WHERE .*"id" = \d+'),
    ("row if at version", r'^UPDATE "assessments_indicatorscore" SET .* WHERE .*"version" = \d+'),
    ("rows as saved", r'^SELECT .* FROM "assessments_indicatorscore" WHERE .*"assessment_id" = \d+$'),
    ("new total", r'^UPDATE "assessments_assessment" SET "self_score"'),
    ("audit event", r'^INSERT INTO "audit_auditevent"'),
    ("chain lock", r"^SELECT pg_advisory_xact_lock"),
    ("pending and head", r'^SELECT .* FROM "audit_auditevent" .*"sequence" IS NULL'),
    ("seal", r'^WITH link\(id, seq, prev, digest\) AS \(VALUES .*\) UPDATE "audit_auditevent" SET sequence'),
)


def kind_of(sql: str) -> str:
    return next((kind for kind, pattern in KINDS if re.search(pattern, sql, re.DOTALL)), sql[:80])


def autosave(client, assessment, score, value):
    return client.post(
        reverse("assessments:save_self", args=[assessment.pk, score.pk]),
        {"self_value": value, "version": score.version},
        HTTP_HX_TRIGGER_NAME="self_value",
        **HTMX,
    )


def test_one_autosave_is_fifteen_statements_and_one_more_on_postgresql(
    dong_cam, people, django_capture_on_commit_callbacks
):
    officer = people["officer"]
    # The first save in a process reads a published framework's rules and indicators once.
    framework = published_framework(dong_cam.cycle.framework_id)
    published_indicators(framework), framework_rules(framework)
    rules_for(dong_cam.cycle)  # and its program's rule version (ADR 0032)
    webhooks.any_active()  # and whether any webhook subscription is active (kept in the cache)
    seal()  # the fixtures' events, so that the save chains its own event only
    score = first_score(dong_cam)
    with CaptureQueriesContext(connection) as captured, django_capture_on_commit_callbacks(execute=True):
        response = autosave(officer, dong_cam, score, "4,5")
    assert response.status_code == 200 and b"save-status error" not in response.content
    postgresql = connection.vendor == "postgresql"
    # The tests run inside a transaction, so the service's own BEGIN … COMMIT are savepoints here.
    assert [kind_of(q["sql"]) for q in captured.captured_queries] == [
        "session",
        "user",
        "row and assessment",
        "grants",
        "begin",
        "lock",
        "row if at version",
        "rows as saved",
        "new total",
        "audit event",
        "commit",
        # after the commit: the audit event joins the hash chain
        "begin",
        *(["chain lock"] if postgresql else []),
        "pending and head",
        "seal",
        "commit",
    ]
    lock = captured.captured_queries[5]["sql"]
    # SQLite has no row locks: every transaction there is BEGIN IMMEDIATE (settings), one writer at a time.
    assert "FOR UPDATE" in lock if postgresql else connection.transaction_mode == "IMMEDIATE"
    assert verify().broken is None
    assert AuditEvent.objects.pending().count() == 0


def test_a_save_soon_after_another_leaves_the_chaining_to_the_next_pass(
    dong_cam, people, django_capture_on_commit_callbacks, settings, monkeypatch
):
    import time

    from friendlygov.audit import services as audit

    settings.AUDIT_SEAL_INTERVAL_MS = 1000  # production's default
    monkeypatch.setattr(audit, "_last_pass", time.monotonic())  # this process has just chained
    webhooks.any_active()  # known in the cache, as between real requests
    rules_for(dong_cam.cycle)  # the program's rule version, kept per process
    score = first_score(dong_cam)
    with CaptureQueriesContext(connection) as captured, django_capture_on_commit_callbacks(execute=True):
        response = autosave(people["officer"], dong_cam, score, "4,5")
    assert response.status_code == 200 and b"save-status error" not in response.content
    kinds = [kind_of(q["sql"]) for q in captured.captured_queries]
    assert kinds[-2:] == ["audit event", "commit"] and len(kinds) == 11
    event = AuditEvent.objects.pending().get(event_type="score.self_saved")
    assert event.mac  # protected by its MAC until the next pass chains it
    assert seal() >= 1 and verify().broken is None


def test_a_save_that_leaves_the_total_as_it_was_does_not_write_the_total_again(
    dong_cam, people, django_capture_on_commit_callbacks
):
    score = first_score(dong_cam)
    autosave(people["officer"], dong_cam, score, "4,5")
    score.refresh_from_db()
    with CaptureQueriesContext(connection) as captured:
        response = people["officer"].post(
            reverse("assessments:save_self", args=[dong_cam.pk, score.pk]),
            {"explanation": "Biên bản lưu tại văn phòng.", "version": score.version},
            HTTP_HX_TRIGGER_NAME="explanation",
            **HTMX,
        )
    assert response.status_code == 200 and b"save-status error" not in response.content
    kinds = [kind_of(q["sql"]) for q in captured.captured_queries]
    assert "new total" not in kinds and "audit event" in kinds
    dong_cam.refresh_from_db()
    assert dong_cam.self_score == Decimal("4.5")


def test_the_save_answers_with_the_row_every_row_and_the_totals_as_saved(dong_cam, people):
    score = first_score(dong_cam)
    saved = services.save_self_score(
        score, expected_version=score.version, actor=people["officer"].user, self_value=Decimal(3)
    )
    assert isinstance(saved, services.SavedScore)
    assert (saved.row.pk, saved.row.self_value, saved.row.version) == (score.pk, 3, score.version + 1)
    fresh = scores_for_totals(dong_cam)
    assert sorted((r.pk, r.self_points, r.version) for r in saved.rows) == sorted(
        (r.pk, r.self_points, r.version) for r in fresh
    )
    dong_cam.refresh_from_db()
    assert saved.layer == SELF
    assert saved.totals == layer_result(dong_cam, fresh, SELF)
    assert saved.assessment.self_score == dong_cam.self_score == saved.totals.total.total


def test_a_stale_save_is_told_it_is_stale_before_it_is_told_its_value_is_wrong(dong_cam, people):
    score = first_score(dong_cam)
    officer = people["officer"].user
    services.save_self_score(score, expected_version=score.version, actor=officer, self_value=3)
    with pytest.raises(services.StaleVersion) as stale:
        services.save_self_score(score, expected_version=score.version, actor=officer, self_value="0.3")
    assert stale.value.score.self_value == 3  # the row as it now stands
    score.refresh_from_db()
    with pytest.raises(ValidationError, match="theo bước"):
        services.save_self_score(score, expected_version=score.version, actor=officer, self_value="0.3")
