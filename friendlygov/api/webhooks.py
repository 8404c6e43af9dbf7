"""Webhooks: each event of the feed (events.py) is POSTed to the subscriptions whose owner may see
it, signed, and retried with back-off through the task queue (django-tasks, docs/adr/0012).

A delivery is a JSON body, the feed's item for the event, with these headers:

- `X-FriendlyGov-Event`: the event type, e.g. `assessment.submit`;
- `X-FriendlyGov-Delivery`: the delivery's id (the same on every retry: a receiver can drop
  repeats; delivery is at least once);
- `X-FriendlyGov-Signature: t=<unix time>,v1=<hex>`: HMAC-SHA256 with the subscription's secret
  over `<t>.<body>` (the time, a dot, the raw body). A receiver recomputes it, compares in
  constant time and refuses a `t` older than a few minutes (a replay).

An answer 2xx is delivered. Anything else (another status, a refused connection, no answer within
WEBHOOK_TIMEOUT_SECONDS) is retried after each wait of WEBHOOK_RETRY_SECONDS in turn, then the
delivery is marked failed. With the database task backend each attempt is a task (a retry one
scheduled for later, `run_after`) that the worker runs; with the immediate backend (no worker)
`manage.py send_webhooks`, run every minute by cron, sends the deliveries that are due: never the
request that made the change, whose author must not wait for someone else's server.
Administrators see every delivery in the admin's delivery log (Nhật ký gửi webhook)."""

import hashlib
import hmac
import json
import logging
import secrets
import time
import urllib.error
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from friendlygov.accounts import reach
from friendlygov.audit import services as audit
from friendlygov.audit.services import record

from . import events, tokens
from .models import DeliveryState, WebhookDelivery, WebhookSubscription
from .rendering import LocalTimeEncoder

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-FriendlyGov-Signature"


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(secret: str, header: str, body: bytes, *, tolerance: int = 300, now: float | None = None) -> bool:
    """What a receiver does (in Python): the signature holds and is recent."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    expected = signature(secret, timestamp, body).split("v1=", 1)[1]
    fresh = abs((now or time.time()) - timestamp) <= tolerance
    return fresh and hmac.compare_digest(expected, parts.get("v1", ""))


# --- Fan-out: from an audit event to deliveries -------------------------------------------------


ANY_ACTIVE = "api:webhooks:any-active"


def any_active() -> bool:
    """Is any subscription active? Kept in the shared cache, and forgotten whenever a subscription
    changes (`subscriptions_changed`), so a site without webhooks spends no statement on them at
    each save."""
    flag = cache.get(ANY_ACTIVE)
    if flag is None:
        flag = WebhookSubscription.objects.filter(active=True).exists()
        cache.set(ANY_ACTIVE, flag, 300)
    return flag


def subscriptions_changed(sender, **kwargs) -> None:
    """post_save / post_delete of a subscription."""
    cache.delete(ANY_ACTIVE)
    transaction.on_commit(lambda: cache.delete(ANY_ACTIVE))


def event_recorded(sender, instance, created, **kwargs) -> None:
    """post_save of an audit event: once its transaction commits, make its deliveries."""
    if created and instance.target_type in events.KINDS:
        transaction.on_commit(lambda: fan_out(instance.pk), robust=True)


def fan_out(event_id: int) -> list[WebhookDelivery]:
    """One delivery per active subscription that wants the event and whose owner may see it;
    each is sent by a task."""
    if not any_active():
        return []
    subscriptions = list(WebhookSubscription.objects.filter(active=True).select_related("owner"))
    from friendlygov.audit.models import AuditEvent

    event = AuditEvent.objects.get(pk=event_id)
    if event.sequence is None:
        audit.seal()  # the feed's items carry their chain place; usually it is chained already
        event = AuditEvent.objects.get(pk=event_id)
    made = []
    for subscription in subscriptions:
        if not subscription.wants(event.event_type) or not _visible(subscription.owner, event):
            continue
        delivery, created = WebhookDelivery.objects.get_or_create(
            subscription=subscription, event=event, defaults={"next_attempt_at": timezone.now()}
        )
        if created:
            made.append(delivery)
            _send_later(delivery, when=None)
    return made


def _visible(owner, event) -> bool:
    if not owner.is_active or not events.feed(owner).filter(pk=event.pk).exists():
        return False
    return bool(events.present(owner, [event]))


# --- Sending ------------------------------------------------------------------------------------


@task()
def deliver_webhook(delivery_id: int) -> str:
    """The task that sends one delivery (an id: the database backend stores arguments as JSON)."""
    return attempt(delivery_id)


def _send_later(delivery, when) -> None:
    """Enqueue the task that sends it (at `when`, None: now) when the backend is a real queue that
    can wait. The immediate backend would send it inside the request that made the change, making
    the person who saved wait for someone else's server: its deliveries are left, due at
    `next_attempt_at`, to `manage.py send_webhooks` (cron, every minute)."""
    if deliver_webhook.get_backend().supports_defer:
        task = deliver_webhook if when is None else deliver_webhook.using(run_after=when)
        task.enqueue(delivery.pk)


def attempt(delivery_id: int) -> str:
    """Send one delivery now, if it is still pending and due; its state afterwards."""
    delivery = WebhookDelivery.objects.select_related("subscription__owner", "event").get(pk=delivery_id)
    now = timezone.now()
    if delivery.state != DeliveryState.PENDING or (
        delivery.next_attempt_at and delivery.next_attempt_at > now
    ):
        return delivery.state
    subscription = delivery.subscription
    items = events.present(subscription.owner, [delivery.event])
    body = json.dumps(items[0] if items else {}, cls=LocalTimeEncoder, ensure_ascii=False).encode()
    status, error = _post(subscription, delivery, body)
    delivery.attempts += 1
    delivery.last_status, delivery.last_error = status, error[:300]
    if status is not None and 200 <= status < 300:
        delivery.state, delivery.delivered_at, delivery.next_attempt_at = DeliveryState.DELIVERED, now, None
    else:
        waits = settings.WEBHOOK_RETRY_SECONDS
        if delivery.attempts > len(waits):
            delivery.state, delivery.next_attempt_at = DeliveryState.FAILED, None
        else:
            delivery.next_attempt_at = now + timedelta(seconds=waits[delivery.attempts - 1])
    delivery.save()
    if delivery.state == DeliveryState.PENDING:
        _send_later(delivery, when=delivery.next_attempt_at)
    return delivery.state


def _post(subscription, delivery, body: bytes) -> tuple[int | None, str]:
    if not subscription.url.startswith(("https://", "http://")):
        return None, "only http and https addresses are called"
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        subscription.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "FriendlyGov-Webhooks/1",
            "X-FriendlyGov-Event": delivery.event.event_type,
            "X-FriendlyGov-Delivery": str(delivery.pk),
            SIGNATURE_HEADER: signature(subscription.secret, int(time.time()), body),
        },
    )
    try:
        timeout = settings.WEBHOOK_TIMEOUT_SECONDS
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310  # nosec B310
            return answer.status, ""
    except urllib.error.HTTPError as error:
        return error.code, f"HTTP {error.code}"
    except (urllib.error.URLError, OSError) as error:
        logger.info("Webhook delivery %s to %s failed: %s", delivery.pk, subscription.url, error)
        return None, str(getattr(error, "reason", error))


def send_due(now=None) -> int:
    """Enqueue every pending delivery that is due, first attempts and retries (manage.py
    send_webhooks; with the immediate backend each is sent right here)."""
    due = WebhookDelivery.objects.filter(
        state=DeliveryState.PENDING, next_attempt_at__lte=now or timezone.now()
    ).values_list("pk", flat=True)
    count = 0
    for pk in list(due):
        deliver_webhook.enqueue(pk)
        count += 1
    return count


def send_again(deliveries) -> int:
    """The administrator's "send again now": pending or failed deliveries are tried once more."""
    ids = list(deliveries.exclude(state=DeliveryState.DELIVERED).values_list("pk", flat=True))
    WebhookDelivery.objects.filter(pk__in=ids).update(state=DeliveryState.PENDING, next_attempt_at=None)
    for pk in ids:
        deliver_webhook.enqueue(pk)  # the administrator asked: sent now, whatever the backend
    return len(ids)


# --- Managing subscriptions ---------------------------------------------------------------------


def may_manage(user) -> bool:
    """Administrators manage every subscription (admin pages); a service account its own (API)."""
    return reach.sees_everything(user) or tokens.is_service_account(user)


@transaction.atomic
def subscribe(owner, *, name: str, url: str, event_types: list[str], actor) -> WebhookSubscription:
    if not may_manage(actor) or (actor.pk != owner.pk and not reach.sees_everything(actor)):
        raise PermissionDenied(_("Chỉ quản trị viên hoặc tài khoản hệ thống mới đăng ký được webhook."))
    subscription = WebhookSubscription(
        name=name.strip(), url=url, secret=new_secret(), owner=owner, event_types=sorted(set(event_types))
    )
    subscription.full_clean()
    subscription.save()
    record(actor, "webhook.subscribed", subscription, {"url": url, "event_types": subscription.event_types})
    return subscription


@transaction.atomic
def unsubscribe(subscription, *, actor) -> None:
    """Stops the deliveries; the subscription and its delivery log stay (active = False)."""
    if subscription.owner_id != actor.pk and not reach.sees_everything(actor):
        raise PermissionDenied(_("Bạn chỉ huỷ được đăng ký webhook của chính mình."))
    if subscription.active:
        subscription.active = False
        subscription.save(update_fields=["active"])
        record(actor, "webhook.unsubscribed", subscription, {"url": subscription.url})
