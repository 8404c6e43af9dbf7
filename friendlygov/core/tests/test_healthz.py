"""The health endpoint: what a load balancer and a monitor read."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.django_db
def test_it_answers_200_with_status_database_and_version(anonymous):
    response = anonymous.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["version"] not in ("", "unknown")
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_it_never_loads_or_sets_a_session_even_for_a_signed_in_probe(signed_in):
    with CaptureQueriesContext(connection) as queries:
        response = signed_in.get("/healthz")

    assert response.status_code == 200
    assert [q["sql"] for q in queries] == ["SELECT 1"]
    assert "sessionid" not in response.cookies
    assert "Cookie" not in response.get("Vary", "")


def test_it_answers_503_when_the_database_cannot_be_reached(tmp_path):
    """A real failure, in a fresh process: PostgreSQL on a port where nothing listens."""
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(json.dumps({'status_code': r.status_code, 'body': r.json()}))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "FRIENDLYGOV_ALLOW_INSECURE_KEY": "1",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:9/nothing",
        "LOG_FORMAT": "json",
    }
    result = subprocess.run(  # noqa: S603 (a fixed command: this interpreter and our own script)
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status_code"] == 503
    assert answer["body"]["status"] == "error"
    assert answer["body"]["database"] == "unavailable"
    assert answer["body"]["version"]
    assert "the database did not answer" in result.stderr
