"""The audit key ring: the key new events are made with, and every older key for checking.

The keys come from the environment (AUDIT_KEY, AUDIT_OLD_KEYS), never from the database: someone
who can write the database but not read the server's environment cannot make an event, or a
chain, that verifies. Rotation: put the current key into AUDIT_OLD_KEYS and a new one into
AUDIT_KEY; events keep the id of the key they were made with (docs/ops/audit.md).
"""

from functools import cache

from django.conf import settings

from . import chain


@cache
def _ring(current: str, old: tuple[str, ...]) -> tuple[str, dict[str, bytes]]:
    keys = {}
    for text in (*old, current):
        key = text.encode()
        keys[chain.key_id(key)] = key
    return chain.key_id(current.encode()), keys


def current() -> tuple[str, bytes]:
    """(id, key) that new events and checkpoints are made with."""
    ident, keys = _ring(settings.AUDIT_KEY, tuple(settings.AUDIT_OLD_KEYS))
    return ident, keys[ident]


def all_keys() -> dict[str, bytes]:
    """key id → key, for every key events may have been made with."""
    return _ring(settings.AUDIT_KEY, tuple(settings.AUDIT_OLD_KEYS))[1]
