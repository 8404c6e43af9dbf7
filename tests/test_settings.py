"""Settings come from the environment, strictly."""

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import StorageHandler
from django.test import RequestFactory, override_settings

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


def settings_with(monkeypatch, env: dict) -> dict:
    """config/settings.py evaluated afresh, in this process, with `env` added to the environment
    (a None value removes the variable): what a new process would read, without starting one (the
    start itself is tested above, through config.wsgi)."""
    for name, value in env.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "config" / "settings.py"))


def storage_with(monkeypatch, env: dict):
    """The evidence storage those settings make (MEDIA_ROOT is the one setting it reads beside its
    own options)."""
    read = settings_with(monkeypatch, env)
    with override_settings(MEDIA_ROOT=read["MEDIA_ROOT"]):
        return StorageHandler(read["STORAGES"])["default"]


def test_evidence_is_kept_on_disk_by_default(monkeypatch):
    storage = storage_with(monkeypatch, {"MEDIA_STORAGE": None, "MEDIA_ROOT": None})
    assert (type(storage).__name__, storage.location) == ("FileSystemStorage", str(ROOT / "var" / "media"))


def test_with_media_storage_s3_evidence_goes_to_a_private_bucket_without_public_links(monkeypatch):
    storage = storage_with(
        monkeypatch,
        {
            "MEDIA_STORAGE": "s3",
            "AWS_STORAGE_BUCKET_NAME": "evidence",
            "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
            "AWS_ACCESS_KEY_ID": "key",
            "AWS_SECRET_ACCESS_KEY": "secret",
        },
    )
    assert type(storage).__name__ == "S3Storage"
    assert (storage.bucket_name, storage.endpoint_url, storage.location) == (
        "evidence",
        "http://127.0.0.1:9000",
        "media",
    )
    assert (storage.default_acl, storage.querystring_auth, storage.file_overwrite) == ("private", True, False)


def test_media_storage_s3_without_a_bucket_stops_the_app(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME"):
        settings_with(monkeypatch, {"MEDIA_STORAGE": "s3", "AWS_STORAGE_BUCKET_NAME": ""})


def test_an_unknown_media_storage_stops_the_app(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="MEDIA_STORAGE='ftp' is not one of: disk, s3"):
        settings_with(monkeypatch, {"MEDIA_STORAGE": "ftp"})


def test_production_serves_collected_hashed_static_files_and_development_the_static_folders(monkeypatch):
    production = settings_with(monkeypatch, {"SECRET_KEY": "x" * 60, "DEBUG": "0", "STATIC_MANIFEST": None})
    development = settings_with(monkeypatch, {"DEBUG": "1", "STATIC_MANIFEST": None})
    assert (
        production["STORAGES"]["staticfiles"]["BACKEND"]
        == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )
    assert (
        development["STORAGES"]["staticfiles"]["BACKEND"]
        == "django.contrib.staticfiles.storage.StaticFilesStorage"
    )


def test_values_signed_with_a_retired_key_are_accepted_only_while_it_is_a_fallback(monkeypatch):
    token = signing.dumps("still me", key="retired-key-" + "r" * 50)
    rotated = {"SECRET_KEY": "new-key-" + "n" * 50}

    def loads(read):
        with override_settings(
            SECRET_KEY=read["SECRET_KEY"], SECRET_KEY_FALLBACKS=read["SECRET_KEY_FALLBACKS"]
        ):
            return signing.loads(token)

    assert loads(
        settings_with(monkeypatch, {**rotated, "SECRET_KEY_FALLBACKS": "retired-key-" + "r" * 50})
    ) == ("still me")
    with pytest.raises(signing.BadSignature):
        loads(settings_with(monkeypatch, {**rotated, "SECRET_KEY_FALLBACKS": ""}))


def test_the_forwarded_scheme_is_trusted_only_behind_a_declared_tls_proxy(monkeypatch):
    def secure(trust: str) -> bool:
        header = settings_with(monkeypatch, {"TRUST_X_FORWARDED_PROTO": trust}).get("SECURE_PROXY_SSL_HEADER")
        with override_settings(SECURE_PROXY_SSL_HEADER=header):
            return RequestFactory().get("/", HTTP_X_FORWARDED_PROTO="https").is_secure()

    assert secure("1") is True
    assert secure("0") is False


def test_a_negative_proxy_count_stops_the_app(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXY_COUNT=-1"):
        settings_with(monkeypatch, {"TRUSTED_PROXY_COUNT": "-1"})


def test_an_evidence_retention_under_a_day_stops_the_app(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="EVIDENCE_RETENTION_DAYS=0: use 1 or more"):
        settings_with(monkeypatch, {"EVIDENCE_RETENTION_DAYS": "0"})
