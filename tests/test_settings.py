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
        if k not in ("SECRET_KEY", "AUDIT_KEY", "FRIENDLYGOV_ALLOW_INSECURE_KEY", "DEBUG")
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


def test_the_web_application_refuses_to_start_without_an_audit_key():
    result = import_wsgi_with({"SECRET_KEY": "x" * 60})
    assert result.returncode != 0
    assert "AUDIT_KEY is not set" in result.stderr


def test_the_web_application_starts_with_its_two_keys():
    assert import_wsgi_with({"SECRET_KEY": "x" * 60, "AUDIT_KEY": "y" * 60}).returncode == 0


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


def run_with_settings(env: dict, code: str) -> subprocess.CompletedProcess:
    """Run `code` after django.setup() in a fresh process whose environment adds `env`
    (a None value removes the variable)."""
    merged = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup()\n{code}"],
        cwd=ROOT,
        env={name: value for name, value in merged.items() if value is not None},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_evidence_is_kept_on_disk_by_default():
    result = run_with_settings(
        {"MEDIA_STORAGE": None, "MEDIA_ROOT": None},
        "from django.core.files.storage import storages; s = storages['default']\n"
        "print(type(s).__name__, s.location)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["FileSystemStorage", str(ROOT / "var" / "media")]


def test_with_media_storage_s3_evidence_goes_to_a_private_bucket_without_public_links():
    result = run_with_settings(
        {
            "MEDIA_STORAGE": "s3",
            "AWS_STORAGE_BUCKET_NAME": "evidence",
            "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
            "AWS_ACCESS_KEY_ID": "key",
            "AWS_SECRET_ACCESS_KEY": "secret",
        },
        "from django.core.files.storage import storages; s = storages['default']\n"
        "print(type(s).__name__, s.bucket_name, s.endpoint_url, s.default_acl, s.querystring_auth,"
        " s.file_overwrite, s.location)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "S3Storage",
        "evidence",
        "http://127.0.0.1:9000",
        "private",
        "True",
        "False",
        "media",
    ]


def test_media_storage_s3_without_a_bucket_stops_the_app():
    result = run_with_settings({"MEDIA_STORAGE": "s3", "AWS_STORAGE_BUCKET_NAME": ""}, "")
    assert result.returncode != 0
    assert "MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME" in result.stderr


def test_an_unknown_media_storage_stops_the_app():
    result = run_with_settings({"MEDIA_STORAGE": "ftp"}, "")
    assert result.returncode != 0
    assert "MEDIA_STORAGE='ftp' is not one of: disk, s3" in result.stderr


def test_production_serves_collected_hashed_static_files_and_development_the_static_folders():
    code = "from django.conf import settings; print(settings.STORAGES['staticfiles']['BACKEND'])"
    production = run_with_settings({"SECRET_KEY": "x" * 60, "DEBUG": "0", "STATIC_MANIFEST": None}, code)
    development = run_with_settings({"DEBUG": "1", "STATIC_MANIFEST": None}, code)
    assert production.stdout.strip() == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert development.stdout.strip() == "django.contrib.staticfiles.storage.StaticFilesStorage"


def test_values_signed_with_a_retired_key_are_accepted_only_while_it_is_a_fallback():
    from django.core import signing

    token = signing.dumps("still me", key="retired-key-" + "r" * 50)
    code = f"from django.core import signing; print(signing.loads({token!r}))"
    rotated = {"SECRET_KEY": "new-key-" + "n" * 50}

    with_fallback = run_with_settings({**rotated, "SECRET_KEY_FALLBACKS": "retired-key-" + "r" * 50}, code)
    without = run_with_settings({**rotated, "SECRET_KEY_FALLBACKS": ""}, code)

    assert with_fallback.returncode == 0, with_fallback.stderr
    assert with_fallback.stdout.strip() == "still me"
    assert without.returncode != 0
    assert "BadSignature" in without.stderr


def test_the_forwarded_scheme_is_trusted_only_behind_a_declared_tls_proxy():
    code = (
        "from django.test import RequestFactory;"
        "print(RequestFactory().get('/', HTTP_X_FORWARDED_PROTO='https').is_secure())"
    )
    assert run_with_settings({"TRUST_X_FORWARDED_PROTO": "1"}, code).stdout.strip() == "True"
    assert run_with_settings({"TRUST_X_FORWARDED_PROTO": "0"}, code).stdout.strip() == "False"


def test_a_negative_proxy_count_stops_the_app():
    result = run_with_settings({"TRUSTED_PROXY_COUNT": "-1"}, "")
    assert result.returncode != 0
    assert "TRUSTED_PROXY_COUNT=-1" in result.stderr


def test_an_evidence_retention_under_a_day_stops_the_app():
    result = run_with_settings({"EVIDENCE_RETENTION_DAYS": "0"}, "")
    assert result.returncode != 0
    assert "EVIDENCE_RETENTION_DAYS=0: use 1 or more." in result.stderr
