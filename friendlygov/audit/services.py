"""record() is the only way to write an audit event. Call it inside the service's transaction,
so the event and the change it describes are committed together or not at all."""

import json
import logging
import time
from datetime import timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, router, transaction
from django.db.models import Subquery
from django.utils import timezone

from friendlygov.core.request_id import current_request_id

from . import chain, checkpoints, keys
from .models import AuditEvent

logger = logging.getLogger(__name__)

# Any fixed number: the key of the PostgreSQL advisory lock that serialises appends to the chain.
CHAIN_LOCK_KEY = 0x46474155444954  # "FGAUDIT"


def record(actor, event_type: str, target, data: dict | None = None) -> AuditEvent:
    """Store one event, with its MAC, in the caller's transaction; it joins the chain after the
    commit (`seal`)."""
    signed_in = actor is not None and actor.is_authenticated
    event = AuditEvent(
        occurred_at=timezone.now(),
        event_type=event_type,
        actor=actor if signed_in else None,
        actor_name=actor.get_username() if signed_in else "",
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        data=json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder)),
        request_id=current_request_id(),
    )
    event.key_id, key = keys.current()
    event.mac = chain.event_mac(key, event)
    using = router.db_for_write(AuditEvent)
    event.save(using=using)
    # After the commit, not inside it: a lock held until the caller commits would queue every
    # write of the whole site behind one another (docs/adr/0009-audit-hash-chain.md). If sealing
    # fails or is not due, the event stays pending and the next pass (a later write, or
    # `seal_audit` from cron) chains it; its MAC protects it meanwhile.
    transaction.on_commit(lambda: _seal_when_due(using), using=using, robust=True)
    return event


# When this process last chained (time.monotonic()); shared by its threads, and a race between
# them only means one extra pass, which the chain lock serialises.
_last_pass = float("-inf")


def _seal_when_due(using: str) -> None:
    """Chain the pending events unless this process did so less than AUDIT_SEAL_INTERVAL_MS ago:
    under load one pass chains the events of many saves, instead of each save taking the lock."""
    global _last_pass
    now = time.monotonic()
    if (now - _last_pass) * 1000 < settings.AUDIT_SEAL_INTERVAL_MS:
        return
    _last_pass = now
    seal(using=using)


def seal(using: str = "default") -> int:
    """Chain the pending events whose MAC holds, in the order they were stored; how many were
    chained. An event whose MAC does not hold (inserted or edited around `record()`) is never
    chained: it stays pending, is logged, and `verify_audit` reports it.

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
        ring = keys.all_keys()
        sequence, previous = pending[0].head_sequence or 0, pending[0].head_hash or chain.GENESIS
        links = {}
        for event in pending:
            if not chain.mac_holds(ring, event):
                logger.error(
                    "Audit event %s (%s) not chained: its MAC does not hold (written around record()).",
                    event.pk,
                    event.event_type,
                )
                continue
            sequence += 1
            digest = chain.link_hash(ring[event.key_id], previous, event)
            links[event.pk] = (sequence, previous, digest)
            previous = digest
        events.seal(links)
    return len(links)


def verify(using: str = "default") -> chain.Verdict:
    """Walk the whole chain; never writes. Sealing is `seal`'s job (and `seal_audit`'s)."""
    skew = timedelta(seconds=settings.AUDIT_CLOCK_SKEW_SECONDS)
    events = AuditEvent.objects.using(using).sealed().order_by("sequence").iterator(chunk_size=2000)
    return chain.verify_chain(events, keys.all_keys(), lambda hash_: is_stored(hash_, using=using), skew)


def unchained(using: str = "default", *, now=None) -> dict:
    """The events waiting to be chained: {"forged": [ids whose MAC does not hold], "late": [ids
    waiting longer than AUDIT_SEAL_GRACE_SECONDS], "waiting": how many in all}."""
    now = now or timezone.now()
    ring, forged, late, waiting = keys.all_keys(), [], [], 0
    for event in AuditEvent.objects.using(using).pending().order_by("pk").iterator(chunk_size=2000):
        waiting += 1
        if not chain.mac_holds(ring, event):
            forged.append(event.pk)
        elif now - event.occurred_at > timedelta(seconds=settings.AUDIT_SEAL_GRACE_SECONDS):
            late.append(event.pk)
    return {"forged": forged, "late": late, "waiting": waiting}


def checkpoint(using: str = "default") -> checkpoints.Checkpoint | None:
    """Write the chain's head, as stored, to AUDIT_CHECKPOINT_DIR, signed; None when no folder is
    set or nothing is chained yet. It does not walk the chain: `verify_audit` does that, and
    compares with the newest checkpoint."""
    chained = AuditEvent.objects.using(using).sealed().order_by("-sequence")
    head = chained.values_list("sequence", "hash").first()
    if head is None or not settings.AUDIT_CHECKPOINT_DIR:
        return None
    return checkpoints.write(settings.AUDIT_CHECKPOINT_DIR, *head)


def is_stored(hash_: str, using: str = "default") -> bool:
    return AuditEvent.objects.using(using).filter(hash=hash_).exists()


def hash_at(sequence: int, using: str = "default") -> str | None:
    return AuditEvent.objects.using(using).filter(sequence=sequence).values_list("hash", flat=True).first()


def changes(before: dict, after: dict) -> dict:
    """{"field": {"old": …, "new": …}} for the fields whose value differs."""
    return {
        key: {"old": before.get(key), "new": after.get(key)}
        for key in after
        if before.get(key) != after.get(key)
    }
