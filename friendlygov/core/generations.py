"""Values computed once and kept in the shared cache until what they were computed from changes.

A *generation* is a random token kept in the cache under a name ("results": what the decisions
in force say). Whatever writes that kind of data calls `bump(name)`, which gives the name a new
token once the transaction commits; every value remembered under the old token is then never read
again (it expires on its own). The token is random rather than a counter, so a cache that loses it
(eviction, a restart of a cache kept in memory) starts a new generation instead of one that may
already have been used: a lost token costs a recomputation, never a stale answer.

With several server processes the cache is shared (CACHE_URL, Redis), so a bump in one process is
seen by all. See docs/adr/0033-aggregates-of-a-decided-cycle-in-the-cache.md.
"""

import hashlib
import secrets

from django.core.cache import cache
from django.db import transaction

PREFIX = "generation:"
# Remembered values outlive no generation, and no day either: what a bump does not announce (a
# unit renamed, a grant's units redrawn) is seen at the latest the next day.
REMEMBER_SECONDS = 24 * 3600


def current(name: str) -> str:
    """The token of `name` now (a new one if the cache has none)."""
    token = cache.get(PREFIX + name)
    if token is None:
        cache.add(PREFIX + name, secrets.token_hex(8), timeout=None)
        token = cache.get(PREFIX + name)
    return token


def bump(name: str) -> None:
    """Start a new generation of `name` now, and again when the current transaction commits (only
    once outside one): what was remembered under the old one is no longer read. The second start
    drops what another process read between the two (from before the change, which it still saw)
    and kept under the first."""
    _start(name)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _start(name))


def _start(name: str) -> None:
    cache.set(PREFIX + name, secrets.token_hex(8), timeout=None)


def key(name: str, *parts) -> str:
    """The cache key of a value of generation `name` computed from `parts` (any reprs)."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"{name}:{current(name)}:{digest}"


def remember(name: str, parts: tuple, compute, *, timeout: int = REMEMBER_SECONDS):
    """`compute()`, computed once per generation of `name` and `parts`."""
    found_key = key(name, *parts)
    value = cache.get(found_key)
    if value is None:
        value = compute()
        cache.set(found_key, value, timeout=timeout)
    return value
