"""The audit chain: pure functions, no database (see docs/adr/0009-audit-hash-chain.md).

Every event carries two keyed hashes (HMAC-SHA-256, with a key kept outside the database):
- `mac`, over the event's canonical content, written in the same transaction as the event: a row
  inserted or edited by someone without the key has a MAC that does not hold, so sealing never
  chains it, and verification reports it;
- `hash`, its link: over the previous event's `hash` and the event's content, written when the
  event is chained (`sequence`, `previous_hash`). Editing an event breaks its own hash; deleting
  or reordering events breaks the link of the event after them; rebuilding the chain forward
  needs the key.

Events chained before the key existed (`key_id` empty) carry an unkeyed SHA-256 link and no MAC;
they may only form the beginning of the chain.

The chain position (`sequence`) is deliberately NOT part of the hashed content: swapping two
events' positions then leaves each hash valid but breaks the links, which `verify_chain` reports
as a reordering rather than as an edit.
"""

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, timedelta

GENESIS = "0" * 64


def canonical_content(event) -> str:
    """The fields an event's hashes cover, as one stable string (JSON, sorted keys, UTC time)."""
    return json.dumps(
        {
            "occurred_at": event.occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
            "event_type": event.event_type,
            "actor_id": event.actor_id,
            "actor_name": event.actor_name,
            "target_type": event.target_type,
            "target_id": event.target_id,
            "data": event.data,
            "request_id": event.request_id,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


def key_id(key: bytes) -> str:
    """A short public name for a key, stored with each event so that verification picks the key
    it was made with (keys rotate; the old ones stay for checking)."""
    return hashlib.sha256(b"friendlygov audit key id\n" + key).hexdigest()[:12]


def event_mac(key: bytes, event) -> str:
    return hmac.new(key, b"event\n" + canonical_content(event).encode(), hashlib.sha256).hexdigest()


def link_hash(key: bytes | None, previous_hash: str, event) -> str:
    """The event's link; `key` None for the unkeyed events chained before the key existed."""
    content = f"{previous_hash}\n{canonical_content(event)}".encode()
    if key is None:
        return hashlib.sha256(content).hexdigest()
    return hmac.new(key, b"link\n" + content, hashlib.sha256).hexdigest()


def mac_holds(keys: dict[str, bytes], event) -> bool:
    """Was this event written by `record()` with one of `keys`, and is it unchanged since?"""
    key = keys.get(event.key_id)
    return key is not None and hmac.compare_digest(event.mac, event_mac(key, event))


@dataclass(frozen=True)
class Break:
    """The first place where the chain does not hold."""

    kind: str  # "edited", "deleted", "reordered", "unkeyed", "unknown key", "time"
    sequence: int
    event_id: int
    detail: str


@dataclass(frozen=True)
class Verdict:
    checked: int
    head_hash: str
    broken: Break | None = None
    head_sequence: int = 0


def verify_chain(events, keys: dict[str, bytes], is_stored=lambda hash_: False, skew=timedelta(0)) -> Verdict:
    """Walk `events` in chain order (ascending `sequence`) and report the first broken link.

    `keys`: key id → key, every key the chain was made with. `is_stored(hash)` tells whether some
    event in the table has that hash: a link that points at a stored event, but not at the event
    just before, means the events were reordered; a link that points at nothing means the event
    before it is gone. `skew`: how far a recorded time may go back along the chain (events are
    chained after their commit, so concurrent writers interleave by the length of a transaction).
    """
    expected_previous, expected_sequence, checked = GENESIS, 1, 0
    keyed_seen, latest = False, None

    def broken(kind, event, detail):
        return Verdict(checked, expected_previous, Break(kind, event.sequence, event.pk, detail), checked)

    for event in events:
        if not event.key_id:
            if keyed_seen:
                return broken("unkeyed", event, "an event without a key follows keyed events")
            key = None
        else:
            keyed_seen = True
            key = keys.get(event.key_id)
            if key is None:
                return broken("unknown key", event, f"no configured key has the id {event.key_id}")
            if not hmac.compare_digest(event.mac, event_mac(key, event)):
                return broken("edited", event, "the event's content does not match its MAC")
        if not hmac.compare_digest(link_hash(key, event.previous_hash, event), event.hash or ""):
            return broken("edited", event, "the event's content does not match its hash")
        if event.previous_hash != expected_previous:
            if is_stored(event.previous_hash):
                return broken("reordered", event, "the event follows another event than the one before it")
            return broken("deleted", event, "the event it follows is missing")
        if event.sequence != expected_sequence:
            return broken("deleted", event, f"positions {expected_sequence}–{event.sequence - 1} are missing")
        if latest is not None and event.occurred_at < latest - skew:
            return broken("time", event, f"its recorded time goes back by {latest - event.occurred_at}")
        latest = event.occurred_at if latest is None else max(latest, event.occurred_at)
        expected_previous, expected_sequence, checked = event.hash, expected_sequence + 1, checked + 1
    return Verdict(checked, expected_previous, None, checked)
