"""One structured log line per request."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def request_records(caplog):
    return [r for r in caplog.records if r.name == "friendlygov.request"]


@pytest.mark.django_db
def test_it_logs_one_record_per_request_with_who_what_and_how_long(signed_in, caplog):
    caplog.set_level(logging.INFO, logger="friendlygov.request")

    response = signed_in.get("/units/?q=secret-search", HTTP_X_REQUEST_ID="probe-123")

    [record] = request_records(caplog)
    assert record.request_id == "probe-123" == response["X-Request-ID"]
    assert record.user_id == signed_in.user.pk
    assert record.method == "GET"
    assert record.path == "/units/"
    assert record.status == response.status_code
    assert record.duration_ms >= 0
    assert "secret-search" not in record.getMessage()


@pytest.mark.django_db
def test_it_logs_no_user_for_an_anonymous_visitor(anonymous, caplog):
    caplog.set_level(logging.INFO, logger="friendlygov.request")

    anonymous.get("/units/")

    [record] = request_records(caplog)
    assert record.user_id is None
    assert record.status == 302


def run_one_request(log_format: str, tmp_path) -> subprocess.CompletedProcess:
    script = "import django; django.setup(); from django.test import Client; Client().get('/healthz')"
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "FRIENDLYGOV_ALLOW_INSECURE_KEY": "1",
        "SQLITE_PATH": str(tmp_path / "db.sqlite3"),
        "LOG_FORMAT": log_format,
    }
    return subprocess.run(  # noqa: S603 (a fixed command: this interpreter and our own script)
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_with_log_format_json_the_request_line_is_one_json_object(tmp_path):
    result = run_one_request("json", tmp_path)

    assert result.returncode == 0, result.stderr
    [line] = [line for line in result.stderr.splitlines() if "friendlygov.request" in line]
    entry = json.loads(line)
    assert entry["logger"] == "friendlygov.request"
    assert entry["level"] == "INFO"
    assert entry["method"] == "GET"
    assert entry["path"] == "/healthz"
    assert entry["status"] == 200
    assert entry["user_id"] is None
    assert len(entry["request_id"]) == 32
    assert isinstance(entry["duration_ms"], float)
    assert entry["time"]


def test_with_log_format_text_the_request_line_is_plain(tmp_path):
    result = run_one_request("text", tmp_path)

    assert result.returncode == 0, result.stderr
    [line] = [line for line in result.stderr.splitlines() if "friendlygov.request" in line]
    assert "GET /healthz 200" in line
    with pytest.raises(json.JSONDecodeError):
        json.loads(line)


def test_a_log_format_that_is_neither_json_nor_text_stops_the_app(tmp_path):
    result = run_one_request("xml", tmp_path)

    assert result.returncode != 0
    assert "LOG_FORMAT='xml' is not one of: json, text" in result.stderr
