"""record() is the only way to write an audit event. Call it inside the service's transaction,
so the event and the change it describes are committed together or not at all."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, router, transaction
from django.db.models import Subquery

from friendlygov.core.request_id import current_request_id

from . import chain
from .models import AuditEvent

# Any fixed number: the key of the PostgreSQL advisory lock that serialises appends to the chain.
CHAIN_LOCK_KEY = 0x46474155444954  # "FGAUDIT"


def record(actor, event_type: str, target, data: dict | None = None) -> AuditEvent:
    """Store one event in the caller's transaction; it joins the hash chain once that commits."""
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
    using = router.db_for_write(AuditEvent)
    event.save(using=using)
    # After the commit, not inside it: a lock held until the caller commits would queue every
    # write of the whole site behind one another (docs/adr/0009-audit-hash-chain.md). If sealing
    # fails the event stays pending and the next seal (any later write, verify_audit) chains it.
    transaction.on_commit(lambda: seal(using=using), using=using, robust=True)
    return event


def seal(using: str = "default") -> int:
    """Chain the pending events, in the order they were stored; how many were chained.

    Sealers take turns: on PostgreSQL a transaction-level advisory lock is held from reading the
    head until the commit; SQLite runs every transaction IMMEDIATE (settings), so the write lock
    is already ours. The unique `sequence` and `hash` make any fork fail loudly rather than pass
    silently. One sealer chains everything pending, so under load most find nothing left to do.
    """
    with transaction.atomic(using=using):
        connection = connections[using]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
        events = AuditEvent.objects.using(using)
        # The pending events and the head of the chain in one statement (read under the lock).
        head = events.sealed().order_by("-sequence")
        pending = list(
            events.pending()
            .order_by("pk")
            .annotate(
                head_sequence=Subquery(head.values("sequence")[:1]),
                head_hash=Subquery(head.values("hash")[:1]),
            )
        )
        if not pending:
            return 0
        sequence, previous = pending[0].head_sequence or 0, pending[0].head_hash or chain.GENESIS
        for event in pending:
            sequence += 1
            digest = chain.event_hash(previous, event)
            events.pending().filter(pk=event.pk).seal(sequence=sequence, previous_hash=previous, hash=digest)
            previous = digest
    return len(pending)


def verify(using: str = "default") -> chain.Verdict:
    """Seal what is pending, then walk the whole chain."""
    seal(using=using)
    events = AuditEvent.objects.using(using).sealed().order_by("sequence").iterator(chunk_size=2000)
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
