"""Limits on repeat answers, without storing who answered.

A device is a random cookie; a network is the client address. Both are hashed with HMAC-SHA256
under a key derived from SECRET_KEY and today's date, so the hash changes every day and cannot be
linked across days; only the count lives, in the cache, until the day ends. Nothing is written to
the database. With several server processes the cache is shared (CACHE_URL, Redis;
friendlygov.core.server refuses to start them without it).
"""

import secrets

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac

from friendlygov.core import counters
from friendlygov.core.client import client_address

from .models import Refusal

DEVICE_COOKIE = "fg_survey_device"
DEVICE_COOKIE_MAX_AGE = 400 * 24 * 3600
DAY_SECONDS = 24 * 3600


def hashed(value: str, day) -> str:
    return salted_hmac(f"friendlygov.feedback.{day.isoformat()}", value, algorithm="sha256").hexdigest()


def new_device_token() -> str:
    return secrets.token_urlsafe(18)


def admit(request, unit_code: str) -> str | None:
    """Count this attempt; the refusal reason when over today's limit for this unit, else None."""
    day = timezone.localdate()
    device = request.COOKIES.get(DEVICE_COOKIE, "")
    if device:
        seen = counters.count(f"feedback:device:{unit_code}:{hashed(device, day)}", DAY_SECONDS)
        if seen > settings.FEEDBACK_DEVICE_DAILY_LIMIT:
            return Refusal.DEVICE_LIMIT
    seen = counters.count(f"feedback:network:{unit_code}:{hashed(client_address(request), day)}", DAY_SECONDS)
    if seen > settings.FEEDBACK_NETWORK_DAILY_LIMIT:
        return Refusal.NETWORK_LIMIT
    return None
