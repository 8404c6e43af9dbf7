"""Settings come from the environment, strictly."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from friendlygov.core.env import env_bool, env_int

ROOT = Path(__file__).resolve().parents[1]


def import_wsgi_with(env: dict) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "FRIENDLYGOV_ALLOW_INSECURE_KEY", "DEBUG")
    }
    return subprocess.run(
        [sys.executable, "-c", "import config.wsgi"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_web_application_refuses_to_start_without_a_secret_key():
    result = import_wsgi_with({})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_the_web_application_starts_with_a_secret_key():
    assert import_wsgi_with({"SECRET_KEY": "x" * 60}).returncode == 0


def test_a_misspelt_boolean_stops_the_app(monkeypatch):
    monkeypatch.setenv("DEBUG", "ture")
    with pytest.raises(ImproperlyConfigured, match="DEBUG='ture' is not a boolean"):
        env_bool("DEBUG")
    monkeypatch.setenv("DEBUG", "off")
    assert env_bool("DEBUG") is False


def test_a_number_that_is_not_a_number_stops_the_app(monkeypatch):
    monkeypatch.setenv("DB_CONN_MAX_AGE", "sixty")
    with pytest.raises(ImproperlyConfigured, match="not a whole number"):
        env_int("DB_CONN_MAX_AGE", 60)
