"""record() is the only way to write an audit event. Call it inside the service's transaction,
so the event and the change it describes are committed together or not at all."""

import json

from django.core.serializers.json import DjangoJSONEncoder

from friendlygov.core.request_id import current_request_id

from .models import AuditEvent


def record(actor, event_type: str, target, data: dict | None = None) -> AuditEvent:
    return AuditEvent.objects.create(
        event_type=event_type,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_name=actor.get_username() if actor is not None and actor.is_authenticated else "",
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        data=json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder)),
        request_id=current_request_id(),
    )


def changes(before: dict, after: dict) -> dict:
    """{"field": {"old": …, "new": …}} for the fields whose value differs."""
    return {
        key: {"old": before.get(key), "new": after.get(key)}
        for key in after
        if before.get(key) != after.get(key)
    }
