"""Drill: a restore from backup gives identical results and an identical, intact audit chain.

PostgreSQL: pg_dump (custom format) of the database the tests wrote, pg_restore into a scratch
database, then every row of the results and the audit trail is compared, and `verify_audit` runs
against the restored copy and reports the same head. SQLite: the same through SQLite's online
backup API (what `sqlite3 db ".backup file"` uses) into a file.
"""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from friendlygov.assessments.testing import fill_self
from friendlygov.audit.services import verify

ROOT = Path(__file__).resolve().parents[2]
SCRATCH = "fg_restore_drill"

# What "identical results and audit chain" means, table by table, in a stable order.
COMPARED = {
    "audit_auditevent": "sequence",
    "assessments_indicatorscore": "id",
    "assessments_assessment": "id",
    "reports_importedresult": "id",
}


def rows(cursor, table, order):
    cursor.execute(f"SELECT * FROM {table} ORDER BY {order}")  # noqa: S608 - fixed names above
    return cursor.fetchall()


def verify_audit_against(env) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SQLITE_PATH")}
    result = subprocess.run(
        [sys.executable, "manage.py", "verify_audit"],
        cwd=ROOT,
        env={**clean, "FRIENDLYGOV_ALLOW_INSECURE_KEY": "1", **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def history(dong_cam, people):
    """A commune's self-assessment, scored through the services: scores plus audit events."""
    fill_self(dong_cam, people["officer"].user)
    verdict = verify()
    assert verdict.broken is None and verdict.checked > 10
    return verdict


@pytest.mark.django_db(transaction=True)
def test_a_postgresql_restore_gives_identical_results_and_audit_chain(history):
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump/pg_restore drill; the SQLite backup API drill covers SQLite")
    s = connection.settings_dict
    libpq = {"PGHOST": s["HOST"], "PGPORT": str(s["PORT"] or 5432), "PGUSER": s["USER"]}
    if s["PASSWORD"]:
        libpq["PGPASSWORD"] = s["PASSWORD"]
    env = {**os.environ, **libpq}
    dump = subprocess.run(
        ["pg_dump", "-Fc", s["NAME"]], env=env, capture_output=True, check=True, timeout=600
    )
    subprocess.run(["dropdb", "--if-exists", SCRATCH], env=env, check=True)
    subprocess.run(["createdb", SCRATCH], env=env, check=True)
    try:
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", "-d", SCRATCH],
            input=dump.stdout,
            env=env,
            check=True,
            capture_output=True,
            timeout=600,
        )
        params = {
            "host": s["HOST"],
            "port": s["PORT"] or 5432,
            "user": s["USER"],
            "password": s["PASSWORD"] or None,
        }
        with (
            psycopg.connect(dbname=s["NAME"], **params) as original,
            psycopg.connect(dbname=SCRATCH, **params) as copy,
        ):
            for table, order in COMPARED.items():
                assert rows(copy.cursor(), table, order) == rows(original.cursor(), table, order), table
        url = f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{s['HOST']}:{s['PORT'] or 5432}/{SCRATCH}"
        out = verify_audit_against({"DATABASE_URL": url})
        assert f"{history.checked} event(s), head {history.head_hash}" in out
    finally:
        subprocess.run(["dropdb", "--if-exists", SCRATCH], env=env, check=False)


@pytest.mark.django_db(transaction=True)
def test_a_sqlite_backup_gives_identical_results_and_audit_chain(history, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite backup API drill; the pg_dump drill covers PostgreSQL")
    backup = tmp_path / "backup.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(backup) as target:
        connection.connection.backup(target)
    # Read the copy the way Django reads the original (its declared-type converters), to compare values.
    with sqlite3.connect(backup, detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES) as copy:
        for table, order in COMPARED.items():
            with connection.cursor() as original:
                assert rows(copy.cursor(), table, order) == [
                    tuple(r) for r in rows(original, table, order)
                ], table
    out = verify_audit_against({"SQLITE_PATH": str(backup)})
    assert f"{history.checked} event(s), head {history.head_hash}" in out
