"""record() is the only way to write an audit event. Call it inside the service's transaction,
so the event and the change it describes are committed together or not at all."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, router, transaction
from django.utils import timezone

from friendlygov.core.request_id import current_request_id

from . import chain
from .models import AuditEvent

# Any fixed number: the key of the PostgreSQL advisory lock that serialises appends to the chain.
CHAIN_LOCK_KEY = 0x46474155444954  # "FGAUDIT"


def record(actor, event_type: str, target, data: dict | None = None) -> AuditEvent:
    signed_in = actor is not None and actor.is_authenticated
    event = AuditEvent(
        event_type=event_type,
        actor=actor if signed_in else None,
        actor_name=actor.get_username() if signed_in else "",
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        data=json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder)),
        request_id=current_request_id(),
    )
    return _append(event)


def _append(event: AuditEvent) -> AuditEvent:
    """Link the event to the head of the chain and insert it.

    Two transactions must never read the same head. On PostgreSQL a transaction-level advisory
    lock is held from reading the head until the surrounding transaction commits or rolls back;
    SQLite runs every transaction IMMEDIATE (settings), so the write lock is already ours. The
    unique `sequence` and `hash` make any fork fail loudly rather than pass silently.
    """
    using = router.db_for_write(AuditEvent)
    with transaction.atomic(using=using):
        connection = connections[using]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
        head = AuditEvent.objects.using(using).order_by("-sequence").values("sequence", "hash").first()
        event.occurred_at = timezone.now()
        event.sequence = head["sequence"] + 1 if head else 1
        event.previous_hash = head["hash"] if head else chain.GENESIS
        event.hash = chain.event_hash(event.previous_hash, event)
        event.save(using=using)
    return event


def verify(using: str = "default") -> chain.Verdict:
    events = AuditEvent.objects.using(using).order_by("sequence").iterator(chunk_size=2000)
    return chain.verify_chain(events, lambda hash_: is_stored(hash_, using=using))


def is_stored(hash_: str, using: str = "default") -> bool:
    return AuditEvent.objects.using(using).filter(hash=hash_).exists()


def changes(before: dict, after: dict) -> dict:
    """{"field": {"old": …, "new": …}} for the fields whose value differs."""
    return {
        key: {"old": before.get(key), "new": after.get(key)}
        for key in after
        if before.get(key) != after.get(key)
    }
