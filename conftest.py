import hashlib
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, settings

# Property tests judge the code, not the machine: on a loaded 2-core runner, input generation and
# single examples can take seconds, and Hypothesis's timing checks (too_slow, the 200 ms deadline)
# then fail tests that are right. Every other health check stays on.
settings.register_profile("friendlygov", suppress_health_check=[HealthCheck.too_slow], deadline=None)
settings.load_profile("friendlygov")

pytest_plugins = [
    "friendlygov.core.testing_db",
    "friendlygov.core.testing",
    "friendlygov.core.testing_browser",
    "friendlygov.assessments.testing",
    "friendlygov.signing.testing",
]


@pytest.fixture(autouse=True)
def _grants_read_afresh():
    """A person's grants are kept per process by (user id, version of the grants), see
    accounts/reach.py; tests switch between databases whose users share ids and versions."""
    from friendlygov.accounts import reach
    from friendlygov.programs import selectors as programs

    reach.forget_everyone()
    programs.forget_rules()  # rule versions are kept per process by id, which a rollback may reuse
    yield
    reach.forget_everyone()
    programs.forget_rules()


@pytest.fixture(scope="session")
def django_db_setup(request, django_db_setup, django_db_blocker):
    """The shipped reference data (units, default framework) is loaded once for the session;
    each test's own changes are rolled back as usual, and on SQLite a transactional test's are
    undone by copying this state back (testing_db.restore_instead_of_flushing). The demo templates
    the collected tests read are built (or found by source hash) now, from this state."""
    from friendlygov.core.testing import build_templates_for
    from friendlygov.core.testing_db import restore_instead_of_flushing

    with django_db_blocker.unblock():
        call_command("load_units", verbosity=0)
        call_command("load_default_framework", verbosity=0)
        build_templates_for(request.session.items)
        restore_instead_of_flushing()


def pytest_configure(config):
    """Every session (and every xdist worker) starts from an empty SQLite test database that
    Django migrates: about 10 s of CPU for the same result each time. The migrated database is kept
    under var/test-templates/, keyed like the templates (and by every installed app's migrations),
    and copied in instead of migrating again, only while Django creates the test database. PostgreSQL
    migrates as before."""
    from django.core import management
    from django.db.backends.sqlite3.creation import DatabaseCreation

    if getattr(DatabaseCreation.create_test_db, "keeps_migrated", False):
        return
    create_test_db = DatabaseCreation.create_test_db

    def create_test_db_from_kept(self, *args, **kwargs):
        run_command = management.call_command

        def call_command(name, *command_args, **options):
            if name != "migrate":
                return run_command(name, *command_args, **options)
            return migrate_or_copy(self.connection, lambda: run_command(name, *command_args, **options))

        management.call_command = call_command
        try:
            return create_test_db(self, *args, **kwargs)
        finally:
            management.call_command = run_command

    create_test_db_from_kept.keeps_migrated = True
    DatabaseCreation.create_test_db = create_test_db_from_kept


def migrate_or_copy(connection, migrate):
    from friendlygov.core.testing_db import CACHE, DatabaseTemplate, file_lock, source_hash

    kept = CACHE / f"migrated-{source_hash()}-{installed_migrations_hash()}.sqlite3"
    with file_lock("migrated"):
        connection.ensure_connection()
        if kept.exists():
            with closing(sqlite3.connect(kept)) as source:
                source.backup(connection.connection)
            DatabaseTemplate._forget_cached_rows()
            return None
        result = migrate()
        partial = kept.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        with closing(sqlite3.connect(partial)) as copy:
            connection.connection.backup(copy)
        partial.replace(kept)
        for old in CACHE.glob("migrated-*.sqlite3"):
            if old != kept:
                old.unlink(missing_ok=True)
        return result


def installed_migrations_hash() -> str:
    """The migration files of every installed app, third-party ones included (source_hash covers
    only ours): their names and contents."""
    from django.apps import apps

    digest = hashlib.sha256()
    for app in apps.get_app_configs():
        folder = Path(app.path) / "migrations"
        for path in sorted(folder.glob("*.py")) if folder.is_dir() else ():
            digest.update(f"{app.label}/{path.name}".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
