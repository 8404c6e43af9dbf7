"""Loaded by pytest before Django is set up (see addopts in pyproject.toml): test defaults for
settings that production must set explicitly."""

import os

os.environ.setdefault("FRIENDLYGOV_ALLOW_INSECURE_KEY", "1")
