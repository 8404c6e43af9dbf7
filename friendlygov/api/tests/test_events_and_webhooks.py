"""The events feed (the audit trail, through the permission policy) and webhooks: delivered signed
to a real local HTTP receiver, retried after a failure, logged."""

import hashlib
import hmac
import io
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from friendlygov.api import webhooks
from friendlygov.api.models import DeliveryState, WebhookDelivery, WebhookSubscription
from friendlygov.assessments import services
from friendlygov.audit import services as audit
from friendlygov.audit.models import AuditEvent

from .conftest import token_client

API = "/api/v1"


def save_explanation(assessment, user, text="Báo cáo số 45/BC-UBND"):
    score = assessment.scores.select_related("indicator").order_by("pk").first()
    services.save_self_score(score, expected_version=score.version, actor=user, explanation=text)
    return score.indicator.code


def test_the_feed_shows_what_changed_after_a_cursor_to_whoever_may_see_it(dong_cam, people):
    officer = token_client(people["officer"].user)
    start = officer.get(f"{API}/events?after=0&limit=500").json()
    cursor = start["next_cursor"]
    code = save_explanation(dong_cam, people["officer"].user)
    save_explanation(dong_cam, people["officer"].user, "Lần hai")
    audit.seal()

    page = officer.get(f"{API}/events", {"after": cursor, "limit": 1}).json()
    assert page["has_more"] is True
    (event,) = page["items"]
    assert (event["type"], event["data"]["indicator"]) == ("score.self_saved", code)
    assert event["target"] == {
        "type": "assessment",
        "id": dong_cam.pk,
        "url": f"/api/v1/assessments/{dong_cam.pk}",
    }
    assert (event["cycle"], event["unit_code"]) == (2024, dong_cam.unit.code)
    rest = officer.get(f"{API}/events", {"after": page["next_cursor"]}).json()
    assert [e["data"]["explanation"]["new"] for e in rest["items"]] == ["Lần hai"]
    assert rest["has_more"] is False
    empty = officer.get(f"{API}/events", {"after": rest["next_cursor"]}).json()
    assert (empty["items"], empty["next_cursor"]) == ([], rest["next_cursor"])

    # Filters, and the policy: an outsider sees none of it
    assert officer.get(f"{API}/events", {"after": cursor, "type": "decision."}).json()["items"] == []
    assert (
        len(officer.get(f"{API}/events", {"after": cursor, "unit": dong_cam.unit.code}).json()["items"]) == 2
    )
    assert officer.get(f"{API}/events", {"after": cursor, "cycle": 2025}).json()["items"] == []
    outsider = token_client(people["outsider_commune"].user)
    assert outsider.get(f"{API}/events", {"after": cursor}).json()["items"] == []
    assert token_client(people["appraiser"].user).get(f"{API}/events", {"after": cursor}).json()["items"]


def test_the_appraisers_working_events_are_hidden_from_the_commune_until_approved(dong_cam, people):
    from friendlygov.assessments.testing import fill_self

    fill_self(dong_cam, people["officer"].user)
    services.submit_assessment(dong_cam, actor=people["chair"].user)
    audit.seal()
    cursor = token_client(people["officer"].user).get(f"{API}/events?after=0&limit=500").json()["next_cursor"]
    score = dong_cam.scores.select_related("indicator").order_by("pk").first()
    services.save_appraised_score(
        score,
        expected_version=score.version,
        actor=people["appraiser"].user,
        appraisal_comment="Thiếu biên bản",
    )
    audit.seal()
    seen_by = {
        who: [
            e["type"]
            for e in token_client(people[who].user).get(f"{API}/events", {"after": cursor}).json()["items"]
        ]
        for who in ("officer", "appraiser")
    }
    assert "score.appraised_saved" in seen_by["appraiser"]
    assert "score.appraised_saved" not in seen_by["officer"]
    assert "assessment.start_appraisal" in seen_by["officer"]  # the step itself is not hidden


class Receiver:
    """A real HTTP server on a free port, answering each POST with the next status of `statuses`."""

    def __init__(self, statuses):
        self.statuses, self.received = list(statuses), []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.received.append((self.headers, body))  # case-insensitive names
                self.send_response(outer.statuses.pop(0) if outer.statuses else 200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/friendlygov"
        # Polled every 20 ms for the shutdown at the end (the default half second, per test).
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def send_due():
    """What cron runs every minute with the immediate task backend."""
    out = io.StringIO()
    call_command("send_webhooks", stdout=out)
    return out.getvalue()


@pytest.fixture
def receiver():
    with Receiver([500]) as running:
        yield running


def subscribe(owner, url, types=()):
    return WebhookSubscription.objects.create(
        name="Kho dữ liệu", url=url, secret=webhooks.new_secret(), owner=owner, event_types=list(types)
    )


def test_a_webhook_is_delivered_signed_and_retried_after_a_failure(
    dong_cam, people, receiver, django_capture_on_commit_callbacks
):
    subscription = subscribe(people["head"].user, receiver.url, ["score."])
    subscribe(people["outsider_district"].user, receiver.url)  # may not see Đồng Cẩm: nothing sent
    with django_capture_on_commit_callbacks(execute=True):
        code = save_explanation(dong_cam, people["officer"].user)

    delivery = WebhookDelivery.objects.get()
    assert delivery.subscription == subscription
    # Not sent by the request that saved (the immediate backend): by the cron's pass
    assert (delivery.state, delivery.attempts, receiver.received) == (DeliveryState.PENDING, 0, [])
    send_due()
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status) == (DeliveryState.PENDING, 1, 500)
    assert delivery.next_attempt_at > timezone.now()
    assert len(receiver.received) == 1

    # Not due yet: nothing is sent
    send_due()
    assert len(receiver.received) == 1
    with time_machine.travel(delivery.next_attempt_at + timedelta(seconds=1)):
        send_due()
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status) == (DeliveryState.DELIVERED, 2, 200)
    assert delivery.delivered_at is not None

    headers, body = receiver.received[-1]
    assert headers["X-FriendlyGov-Event"] == "score.self_saved"
    assert headers["X-FriendlyGov-Delivery"] == str(delivery.pk)
    # The receiver's check: HMAC-SHA256 of "<t>.<body>" with the subscription's secret
    parts = dict(part.split("=", 1) for part in headers["X-FriendlyGov-Signature"].split(","))
    expected = hmac.new(
        subscription.secret.encode(), parts["t"].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    assert hmac.compare_digest(parts["v1"], expected)
    assert not webhooks.verify("whsec_another", headers["X-FriendlyGov-Signature"], body, now=int(parts["t"]))
    event = json.loads(body)
    assert (event["type"], event["data"]["indicator"], event["target"]["id"]) == (
        "score.self_saved",
        code,
        dong_cam.pk,
    )
    assert event["cursor"] is not None  # the same item as the events feed
    # Both attempts carried the same delivery id: a receiver drops repeats
    assert receiver.received[0][0]["X-FriendlyGov-Delivery"] == str(delivery.pk)


def test_a_delivery_that_keeps_failing_is_given_up_and_logged(
    dong_cam, people, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_RETRY_SECONDS = [0]
    with Receiver([503, 503, 503]) as failing:
        subscribe(people["head"].user, failing.url)
        with django_capture_on_commit_callbacks(execute=True):
            save_explanation(dong_cam, people["officer"].user)
        send_due()
        send_due()  # the retry, due at once here
        send_due()  # nothing left: given up after the last wait
        delivery = WebhookDelivery.objects.get()
        assert (delivery.state, delivery.attempts, delivery.last_status) == (DeliveryState.FAILED, 2, 503)
        assert len(failing.received) == 2


def test_the_delivery_log_is_in_the_admin(
    dong_cam, people, admin_client, receiver, django_capture_on_commit_callbacks
):
    subscribe(people["head"].user, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        save_explanation(dong_cam, people["officer"].user)
    page = admin_client.get("/admin/api/webhookdelivery/")
    assert page.status_code == 200
    assert "Kho dữ liệu" in page.content.decode()
    assert (
        admin_client.get(f"/admin/api/webhookdelivery/{WebhookDelivery.objects.get().pk}/change/").status_code
        == 200
    )


def test_with_the_database_worker_a_retry_is_a_task_scheduled_after_the_wait(
    dong_cam, people, receiver, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    # The worker closes stale connections between tasks; here that would close the test's own
    # transaction (on PostgreSQL), so it is kept open for the test (as in the jobs' tests).
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def work():
        call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO(), stderr=io.StringIO())

    subscribe(people["head"].user, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        save_explanation(dong_cam, people["officer"].user)
    assert receiver.received == []  # queued, not sent in the request
    work()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.last_status) == (DeliveryState.PENDING, 1, 500)
    retry = (
        DBTaskResult.objects.filter(task_path="friendlygov.api.webhooks.deliver_webhook")
        .order_by("-enqueued_at")
        .first()
    )
    assert retry.run_after == delivery.next_attempt_at
    work()  # not due yet
    assert len(receiver.received) == 1
    with time_machine.travel(delivery.next_attempt_at + timedelta(seconds=1)):
        work()
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.DELIVERED, 2)
    assert len(receiver.received) == 2


def test_a_service_account_manages_its_own_subscriptions_through_the_api(
    dong_cam, people, receiver, django_capture_on_commit_callbacks
):
    from friendlygov.accounts.models import Role, RoleGrant
    from friendlygov.api import tokens

    account = tokens.create_service_account("kho.du.lieu", actor=None)
    RoleGrant.objects.create(user=account.user, role=Role.VIEWER, unit=people["head"].user.grants.get().unit)
    program = token_client(account.user, scopes=["webhooks:manage", "events:read"])
    created = program.post(
        f"{API}/webhooks",
        {"name": "Kho", "url": receiver.url, "event_types": ["score."]},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    subscription = created.json()
    assert subscription["secret"].startswith("whsec_")
    listed = program.get(f"{API}/webhooks").json()["items"]
    assert [s["id"] for s in listed] == [subscription["id"]] and "secret" not in listed[0]

    with django_capture_on_commit_callbacks(execute=True):
        save_explanation(dong_cam, people["officer"].user)
    send_due()
    log = program.get(f"{API}/webhooks/{subscription['id']}/deliveries").json()["items"]
    assert [(d["event_type"], d["state"], d["last_status"]) for d in log] == [
        ("score.self_saved", "pending", 500)
    ]

    # A person's token may not subscribe; nobody sees or stops another's subscription
    officer = token_client(people["officer"].user)
    refused = officer.post(
        f"{API}/webhooks", {"name": "x", "url": receiver.url}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert officer.delete(f"{API}/webhooks/{subscription['id']}").status_code == 404
    assert program.delete(f"{API}/webhooks/{subscription['id']}").status_code == 204
    assert not WebhookSubscription.objects.get(pk=subscription["id"]).active


def test_whether_any_subscription_is_active_is_kept_until_a_subscription_changes(db, people):
    assert webhooks.any_active() is False
    subscription = subscribe(people["head"].user, "https://kho.example.gov.vn/hooks")
    assert webhooks.any_active() is True
    subscription.active = False
    subscription.save()
    assert webhooks.any_active() is False


def test_the_feed_does_not_wait_for_the_next_write_to_show_what_was_just_done(
    dong_cam, people, settings, monkeypatch
):
    """A write chains its event at most once a second (production's setting); the last events of a
    burst wait for the next write or the seal_audit cron. The feed chains them when it is read."""
    import time

    officer = token_client(people["officer"].user)
    cursor = officer.get(f"{API}/events?after=0&limit=500").json()["next_cursor"]
    settings.AUDIT_SEAL_INTERVAL_MS = 1000
    monkeypatch.setattr(audit, "_last_pass", time.monotonic())  # this process has just chained
    save_explanation(dong_cam, people["officer"].user)
    assert AuditEvent.objects.pending().exists()  # not chained by the save

    items = officer.get(f"{API}/events", {"after": cursor}).json()["items"]
    assert [item["type"] for item in items] == ["score.self_saved"]
