"""`/webhooks`: a service account manages its own webhook subscriptions (scope `webhooks:manage`);
administrators manage everyone's in the admin pages. What is delivered, and how it is signed and
retried, is in webhooks.py."""

from datetime import datetime
from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema
from ninja.responses import Status as Reply

from . import tokens, webhooks
from .auth import AUTH
from .models import DeliveryState, WebhookSubscription
from .pagination import Shown, paged
from .shapes import error_responses

router = Router(tags=["webhooks"], auth=AUTH)
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
ERRORS = error_responses(400, 401, 403, 404, 422)
EventPrefix = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z_.]+$")]


class SubscriptionIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    url: str = Field(max_length=500, pattern=r"^https?://", description="Where the events are POSTed")
    event_types: list[EventPrefix] = Field(
        default_factory=list,
        max_length=20,
        description='Type prefixes to receive, e.g. ["assessment.", "decision.issued"]; empty: all',
    )


class SubscriptionOut(Schema):
    id: int
    name: str
    url: str
    event_types: list[str]
    active: bool
    created_at: datetime

    @staticmethod
    def of(s: WebhookSubscription) -> "SubscriptionOut":
        return SubscriptionOut(
            id=s.pk,
            name=s.name,
            url=s.url,
            event_types=s.event_types,
            active=s.active,
            created_at=s.created_at,
        )


class CreatedSubscriptionOut(SubscriptionOut):
    secret: str = Field(description="The signing secret: shown here once, keep it to check signatures")


class DeliveryOut(Schema):
    id: int
    event_id: int
    event_type: str
    state: DeliveryState
    attempts: int
    last_status: int | None
    last_error: str
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    created_at: datetime


def _own(user, subscription_id: int) -> WebhookSubscription:
    subscription = WebhookSubscription.objects.filter(pk=subscription_id, owner=user).first()
    if subscription is None:
        raise Http404
    return subscription


@router.get("", response={200: list[SubscriptionOut], **ERRORS}, summary="Your webhook subscriptions")
@paged
def list_subscriptions(request):
    return Shown(WebhookSubscription.objects.filter(owner=request.user).order_by("pk"), SubscriptionOut.of)


@router.post("", response={201: CreatedSubscriptionOut, **ERRORS}, summary="Subscribe a URL to your events")
def create_subscription(request, payload: SubscriptionIn):
    if not tokens.is_service_account(request.user):
        raise PermissionDenied(
            _("Qua API, chỉ tài khoản hệ thống đăng ký được webhook; quản trị viên dùng trang quản trị.")
        )
    subscription = webhooks.subscribe(
        request.user, name=payload.name, url=payload.url, event_types=payload.event_types, actor=request.user
    )
    return Reply(201, {**SubscriptionOut.of(subscription).model_dump(), "secret": subscription.secret})


@router.delete("/{subscription_id}", response={204: None, **ERRORS}, summary="Stop a subscription")
def delete_subscription(request, subscription_id: Id):
    webhooks.unsubscribe(_own(request.user, subscription_id), actor=request.user)
    return Reply(204, None)


@router.get(
    "/{subscription_id}/deliveries",
    response={200: list[DeliveryOut], **ERRORS},
    summary="The delivery log of a subscription, newest first",
)
@paged
def list_deliveries(request, subscription_id: Id):
    deliveries = _own(request.user, subscription_id).deliveries.select_related("event").order_by("-pk")
    return Shown(
        deliveries,
        lambda d: {
            "id": d.pk,
            "event_id": d.event_id,
            "event_type": d.event.event_type,
            "state": d.state,
            "attempts": d.attempts,
            "last_status": d.last_status,
            "last_error": d.last_error,
            "next_attempt_at": d.next_attempt_at,
            "delivered_at": d.delivered_at,
            "created_at": d.created_at,
        },
    )
