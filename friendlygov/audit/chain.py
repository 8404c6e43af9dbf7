"""The audit hash chain: pure functions, no database (see docs/adr/0009-audit-hash-chain.md).

Each event stores `previous_hash` (the hash of the event before it, GENESIS for the first) and
`hash` = SHA-256 of the previous hash and the event's canonical content. Editing an event breaks
its own hash; deleting or reordering events breaks the link of the event after them.

The chain position (`sequence`) is deliberately NOT part of the hashed content: swapping two
events' positions then leaves each hash valid but breaks the links, which `verify_chain` reports
as a reordering rather than as an edit.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC

GENESIS = "0" * 64


def canonical_content(event) -> str:
    """The fields an event's hash covers, as one stable string (JSON, sorted keys, UTC time)."""
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


def event_hash(previous_hash: str, event) -> str:
    return hashlib.sha256(f"{previous_hash}\n{canonical_content(event)}".encode()).hexdigest()


@dataclass(frozen=True)
class Break:
    """The first place where the chain does not hold."""

    kind: str  # "edited", "deleted", "reordered"
    sequence: int
    event_id: int
    detail: str


@dataclass(frozen=True)
class Verdict:
    checked: int
    head_hash: str
    broken: Break | None = None


def verify_chain(events, is_stored=lambda hash_: False) -> Verdict:
    """Walk `events` in chain order (ascending `sequence`) and report the first broken link.

    `is_stored(hash)` tells whether some event in the table has that hash: a link that points at a
    stored event, but not at the event just before, means the events were reordered; a link that
    points at nothing means the event before it is gone.
    """
    expected_previous, expected_sequence, checked = GENESIS, 1, 0
    for event in events:
        if event_hash(event.previous_hash, event) != event.hash:
            return Verdict(
                checked,
                expected_previous,
                Break("edited", event.sequence, event.pk, "the event's content does not match its hash"),
            )
        if event.previous_hash != expected_previous:
            if is_stored(event.previous_hash):
                kind, detail = "reordered", "the event follows another event than the one before it"
            else:
                kind, detail = "deleted", "the event it follows is missing"
            return Verdict(checked, expected_previous, Break(kind, event.sequence, event.pk, detail))
        if event.sequence != expected_sequence:
            return Verdict(
                checked,
                expected_previous,
                Break(
                    "deleted",
                    event.sequence,
                    event.pk,
                    f"positions {expected_sequence}–{event.sequence - 1} are missing",
                ),
            )
        expected_previous, expected_sequence, checked = event.hash, expected_sequence + 1, checked + 1
    return Verdict(checked, expected_previous)
