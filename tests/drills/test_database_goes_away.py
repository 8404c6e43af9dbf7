"""Drill: the database goes away in the middle of a request.

The fault is injected at the database layer, just before the audit event of an autosave is
written, so the score's UPDATE has already run inside the service's transaction:
- everywhere, a `connection.execute_wrapper` raises the OperationalError a driver raises when its
  server is gone (deterministic, same process, works on SQLite and PostgreSQL);
- on PostgreSQL, additionally for real: the server terminates our own backend with
  pg_terminate_backend, and the next statement fails on a dead connection.
Then: the person gets a 503 page in Vietnamese (the API its error shape), nothing of the autosave
is stored, and once the database is back the same request succeeds.
"""

import psycopg
import pytest
from django.db import OperationalError, close_old_connections, connection
from django.urls import reverse

from friendlygov.assessments.models import IndicatorScore
from friendlygov.audit.models import AuditEvent

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TRIGGER_NAME": "self_value"}
AUDIT_INSERT = 'INSERT INTO "audit_auditevent"'


class DatabaseGoesAway:
    """An execute_wrapper: the first audit INSERT finds the database gone."""

    def __init__(self, terminate_backend=False):
        self.terminate_backend, self.tripped = terminate_backend, False

    def __call__(self, execute, sql, params, many, context):
        if not self.tripped and sql.startswith(AUDIT_INSERT):
            self.tripped = True
            if not self.terminate_backend:
                raise OperationalError("server closed the connection unexpectedly")
            pid = context["connection"].connection.info.backend_pid
            settings = context["connection"].settings_dict
            with psycopg.connect(
                dbname=settings["NAME"],
                user=settings["USER"],
                host=settings["HOST"],
                port=settings["PORT"] or 5432,
                password=settings["PASSWORD"] or None,
                autocommit=True,
            ) as other:
                other.execute("SELECT pg_terminate_backend(%s)", [pid])
        return execute(sql, params, many, context)


def manual_score(assessment):
    return assessment.scores.select_related("indicator").filter(indicator__method="manual").first()


def autosave(client, assessment, score, value):
    url = reverse("assessments:save_self", args=[assessment.pk, score.pk])
    return client.post(url, {"self_value": value, "version": score.version}, **HTMX)


def drill(client, assessment, fault):
    score = manual_score(assessment)
    before = (score.self_value, score.version, AuditEvent.objects.count())
    client.raise_request_exception = False
    with connection.execute_wrapper(fault):
        response = autosave(client, assessment, score, "4,5")
    assert fault.tripped
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "Hệ thống tạm gián đoạn" in page and "chưa được lưu" in page
    # The WSGI handler closes a broken connection at the end of each request; the test client
    # leaves that out, so the drill does it where the server would (outside the transaction a
    # non-transactional test runs in, which the injected fault leaves intact anyway).
    if not connection.in_atomic_block:
        close_old_connections()
    score.refresh_from_db()
    assert (score.self_value, score.version, AuditEvent.objects.count()) == before  # nothing half-written
    # The database is back: the same autosave goes through.
    response = autosave(client, assessment, score, "4,5")
    assert response.status_code == 200
    score.refresh_from_db()
    assert str(score.self_value) == "4.50" and score.version == before[1] + 1
    assert AuditEvent.objects.count() == before[2] + 1


def test_an_autosave_when_the_database_goes_away_stores_nothing_and_recovers(dong_cam, people):
    drill(people["officer"], dong_cam, DatabaseGoesAway())


def test_the_api_answers_a_lost_database_in_its_error_shape(dong_cam, people):
    client = people["officer"]
    client.raise_request_exception = False
    score = manual_score(dong_cam)
    with connection.execute_wrapper(DatabaseGoesAway()):
        response = client.patch(
            f"/api/v1/assessments/{dong_cam.pk}/scores/{score.indicator.code}",
            {"version": score.version, "self_value": "1"},
            content_type="application/json",
        )
    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "service_unavailable" and "cơ sở dữ liệu" in error["message"]
    score.refresh_from_db()
    assert score.self_value is None


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_terminated_backend_mid_request_stores_nothing_and_recovers(dong_cam, people):
    if connection.vendor != "postgresql":
        pytest.skip("pg_terminate_backend is PostgreSQL's; the injected fault above covers SQLite")
    drill(people["officer"], dong_cam, DatabaseGoesAway(terminate_backend=True))
    assert IndicatorScore.objects.filter(assessment=dong_cam, self_value__isnull=False).count() == 1
