"""Drill: an import killed halfway leaves nothing imported.

A real `import_results` runs in its own process against a real database file (SQLite) or the test
database (PostgreSQL). A helper (import_and_hang.py) stops it after every row is written inside the
import's transaction, the test kills it with SIGKILL (no cleanup, no rollback by Python), and
then looks: no result row and no audit event, because the transaction never committed. The rows
it saw before the kill prove the kill came halfway, not before anything was written.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
HELPER = Path(__file__).with_name("import_and_hang.py")


def run_killed_import(env, workdir: Path) -> int:
    """Start the import, wait until it hangs inside its transaction, SIGKILL it; rows it had seen."""
    marker = workdir / "inside-transaction"
    process = subprocess.Popen(
        [sys.executable, str(HELPER), str(marker), str(workdir)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 180
        while not marker.exists() or not marker.read_text():
            if process.poll() is not None:
                pytest.fail(f"the import ended before the kill: {process.stderr.read().decode()[-2000:]}")
            if time.monotonic() > deadline:
                pytest.fail("the import never reached its transaction")
            time.sleep(0.1)
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
    return int(marker.read_text())


def base_env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SQLITE_PATH")}
    return {**env, "FRIENDLYGOV_ALLOW_INSECURE_KEY": "1", **extra}


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args, "-v0"], cwd=ROOT, env=env, check=True, timeout=600)


def migrated_database_file(database: Path, env, django_db_blocker) -> None:
    """A file copy of the session's test database (migrated, with the shipped units, loaded again
    first if a transactional test flushed them), instead of migrating a new file and loading the
    units in processes of their own, which costs more than the drill."""
    if connection.vendor != "sqlite":
        manage(env, "migrate")
        manage(env, "load_units")
        return
    from django.core.management import call_command

    from friendlygov.units.models import UnitVersion

    with django_db_blocker.unblock():
        assert not connection.in_atomic_block
        if not UnitVersion.objects.exists():
            call_command("load_units", verbosity=0)
        with sqlite3.connect(database) as copy:
            connection.connection.backup(copy)
        copy.close()


def test_a_killed_import_leaves_nothing_imported_on_sqlite(tmp_path, django_db_setup, django_db_blocker):
    database = tmp_path / "drill.sqlite3"
    env = base_env(SQLITE_PATH=str(database))
    migrated_database_file(database, env, django_db_blocker)
    seen_inside = run_killed_import(env, tmp_path)
    assert seen_inside == 40  # every row was written inside the transaction when it was killed
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT COUNT(*) FROM reports_importedresult").fetchone() == (0,)
        assert db.execute(
            "SELECT COUNT(*) FROM audit_auditevent WHERE event_type = 'results.imported'"
        ).fetchone() == (0,)
    manage(env, "verify_audit")  # the chain is whole after the kill


@pytest.mark.django_db(transaction=True)
def test_a_killed_import_leaves_nothing_imported_on_postgresql(reference_data, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only; the SQLite drill above runs on a database file of its own")
    from friendlygov.audit.models import AuditEvent
    from friendlygov.reports.models import ImportedResult

    s = connection.settings_dict
    url = f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"
    seen_inside = run_killed_import(base_env(DATABASE_URL=url), tmp_path)
    assert seen_inside == 40
    assert ImportedResult.objects.count() == 0
    assert not AuditEvent.objects.filter(event_type="results.imported").exists()
