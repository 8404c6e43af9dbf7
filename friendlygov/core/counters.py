"""Counters that limit how often something may happen: survey answers, imports, evidence uploads,
failed logins from one address.

They live in the cache, so every server process sees one count and a restart keeps it, provided
the cache is shared (CACHE_URL, Redis). Several processes without a shared cache would each count
alone: the deploy check and gunicorn's start refuse that (friendlygov.core.server).
"""

from django.core.cache import cache


def count(key: str, window_seconds: int, *, sliding: bool = False) -> int:
    """Add one to the counter `key` and return its new value. The counter lives `window_seconds`
    from its first count (with `sliding`, from its last one), then starts again from zero."""
    cache.add(key, 0, timeout=window_seconds)
    try:
        value = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, value := 1, timeout=window_seconds)
    if sliding:
        cache.touch(key, timeout=window_seconds)
    return value


def current(key: str) -> int:
    """The counter's value without counting."""
    return cache.get(key, 0)


def forget(key: str) -> None:
    cache.delete(key)
