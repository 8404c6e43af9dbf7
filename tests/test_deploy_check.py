"""`manage.py check --deploy` is clean with the production environment documented in .env.example.

The environment is exactly the uncommented KEY=value lines of .env.example, on top of only PATH
(and the venv's Python). The values the file cannot carry are the secrets: SECRET_KEY is empty
there on purpose (as is AUDIT_KEY), so the test generates them the way the file says to.
"""

import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def documented_environment() -> dict[str, str]:
    env = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, _, value = line.partition("=")
        env[key.strip()] = value.strip()
    return env


def run_deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def generated_secrets() -> dict:
    """The secrets the file leaves empty, generated the way it says to."""
    return {"SECRET_KEY": secrets.token_urlsafe(50), "AUDIT_KEY": secrets.token_urlsafe(50)}


def test_the_example_documents_the_production_security_settings():
    env = documented_environment()
    assert env["DEBUG"] == "0"
    assert env["SECRET_KEY"] == env["AUDIT_KEY"] == ""  # never a real secret in the repository
    for name in (
        "ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS",
        "SECURE_COOKIES",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "TRUST_X_FORWARDED_PROTO",
        "TWO_FACTOR_REQUIRED",
    ):
        assert env[name], name


def test_check_deploy_is_clean_with_the_documented_production_environment():
    env = {**documented_environment(), **generated_secrets()}
    result = run_deploy_check(env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_fails_when_a_production_setting_is_left_out():
    env = {**documented_environment(), **generated_secrets()}
    del env["SECURE_HSTS_SECONDS"]
    result = run_deploy_check(env)
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout


def test_behind_the_proxy_http_is_redirected_but_the_health_probe_is_not(settings, db):
    from django.test import Client

    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    client = Client()
    assert client.get("/healthz").status_code == 200
    response = client.get("/accounts/login/")
    assert response.status_code == 301 and response["Location"].startswith("https://")
    assert client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https").status_code == 200


# --- Several workers need a shared cache for the limits (friendlygov.core.server) ---------------


def production_environment(**changes) -> dict:
    """The documented environment with the secrets it leaves empty generated (the signing key and
    the audit key), changed by `changes` (a None value removes the variable)."""
    generated = {"SECRET_KEY": secrets.token_urlsafe(50), "AUDIT_KEY": secrets.token_urlsafe(50)}
    env = {**documented_environment(), **generated, **changes}
    return {name: value for name, value in env.items() if value is not None}


def test_the_deploy_check_stops_several_workers_without_a_shared_cache():
    env = production_environment(CACHE_URL=None, GUNICORN_WORKERS="3")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "friendlygov.E001" in result.stderr
    assert "3 server processes" in result.stderr and "CACHE_URL" in result.stderr


def test_gunicorn_refuses_to_start_several_workers_without_a_shared_cache():
    env = production_environment(CACHE_URL=None, GUNICORN_WORKERS="3", GUNICORN_BIND="127.0.0.1:0")
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "--config", "config/gunicorn.conf.py"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _, stderr = server.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        server.kill()
        server.communicate()
        pytest.fail("gunicorn started three workers without a shared cache")
    assert server.returncode == 1
    assert "no shared cache" in stderr and "CACHE_URL=redis://" in stderr
