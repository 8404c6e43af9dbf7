"""Loaded by pytest before Django is set up (see addopts in pyproject.toml): test defaults for
settings that production must set explicitly."""

import os

os.environ.setdefault("FRIENDLYGOV_ALLOW_INSECURE_KEY", "1")
# Static files straight from static/, so the suite needs no collectstatic (.ci/deploy-check covers
# the collected, hashed files).
os.environ.setdefault("STATIC_MANIFEST", "0")
# Each audit event is chained right after its commit, so that a test sees the chain at once.
os.environ.setdefault("AUDIT_SEAL_INTERVAL_MS", "0")
# No API rate limit: the suite and the fuzzing call faster than people do; tests of the limit set it.
os.environ.setdefault("API_REQUESTS_PER_MINUTE", "0")
