"""Expensive test data built once, then shared (a pytest plugin, see conftest.py).

Two tools, both domain-free (the domain fixtures that use them live in the apps' `testing.py`):

`DatabaseTemplate` — a database built once and copied for each module that reads it, as zulip's
`template_database_status` does. The template is keyed by a hash of what produces it (every
non-test source and data file, the migrations among them), kept between runs under
var/test-templates/ (SQLite: a file; PostgreSQL: a database made with CREATE DATABASE … TEMPLATE),
and rebuilt only when that hash changes. Parallel workers build it once, under a file lock.

`shared_transaction` and `shares_per_module` — a fixture built once per test module inside an
outer transaction; each test runs in a savepoint inside it, so what a test writes never reaches
the next test. A module with a transactional test shares nothing (see the collection hook).
"""

import fcntl
import functools
import hashlib
import re
import sqlite3
import time
from collections.abc import Callable
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import django
import pytest

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / "var" / "test-templates"
SOURCES = ("friendlygov", "config")
SOURCE_SUFFIXES = {".py", ".json", ".yaml", ".yml", ".csv", ".txt"}
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@functools.cache
def source_hash() -> str:
    """A hash of every file that can change what a built database holds: code, migrations, data,
    and core's test plugins, which say how a template is built (not the tests, nor the apps' test
    fixtures, which only read it), and the day: the demo's current cycle is dated from the day it
    is built (its self-assessment open), so a template from another day may hold closed stages."""
    digest = hashlib.sha256(django.get_version().encode())
    digest.update(date.today().isoformat().encode())
    for top in SOURCES:
        for path in sorted((ROOT / top).rglob("*")):
            parts = set(path.relative_to(ROOT).parts)
            # How a template is built; the browser fixtures build none.
            recipe = path.parent == ROOT / "friendlygov" / "core" and path.name != "testing_browser.py"
            test_only = parts & {"tests", "fuzz", "__pycache__"} or (
                path.name.startswith("testing") and not recipe
            )
            if path.suffix in SOURCE_SUFFIXES and not test_only:
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@contextmanager
def file_lock(name: str):
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / f"{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def is_transactional(item) -> bool:
    """Does this test commit for real (transactional_db, live_server) instead of rolling back?"""
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("serialized_rollback")):
        return True
    return bool({"transactional_db", "live_server", "django_db_serialized_rollback"} & set(item.fixturenames))


class DatabaseTemplate:
    """`build()` run once against the test database and kept; `loaded()` gives each module a copy."""

    def __init__(self, label: str, build: Callable[[], str]):
        self.label = label
        self.build = build

    # --- naming (fixed when first asked, before the connection is ever moved to a copy) --------
    @staticmethod
    def _connection():
        from django.db import connection

        return connection

    def _key(self) -> str:
        return f"{self.label}-{source_hash()}"

    def _name(self) -> None:
        if getattr(self, "_named", False):
            return
        connection = self._connection()
        key = self._key()
        if connection.vendor == "sqlite":
            self._template_db = ""
            self._output_file = CACHE / f"{key}-sqlite.out"
        else:
            base = re.sub(r"_gw\d+$", "", connection.settings_dict["NAME"])
            self._template_db = f"{base}_tpl_{key}".replace("-", "_")[:63]
            self._output_file = CACHE / f"{self._template_db}.out"
        self._sqlite_file = CACHE / f"{key}.sqlite3"
        self._named = True

    def _template_db_name(self) -> str:
        self._name()
        return self._template_db

    def _output_path(self) -> Path:
        self._name()
        return self._output_file

    @property
    def _sqlite_path(self) -> Path:
        self._name()
        return self._sqlite_file

    # --- building ---------------------------------------------------------------------------
    def ensure(self) -> None:
        """Build the template unless one for this source hash exists. Call it with the test
        database in its session-start state and no transaction open."""
        with file_lock(self.label):
            if self._connection().vendor == "sqlite":
                self._ensure_sqlite()
            else:
                self._ensure_postgresql()

    def _build_and_keep_output(self) -> None:
        """Under the password hasher the tests use (core/testing.py), so that a test can sign in
        as a demo account: a hash made by another hasher would not be recognised there."""
        from django.test.utils import override_settings

        with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
            output = self.build()
        self._output_path().write_text(output, encoding="utf-8")

    def _ensure_sqlite(self) -> None:
        if self._sqlite_path.exists() and self._output_path().exists():
            return
        main = self._raw_sqlite()
        before = sqlite3.connect(":memory:")
        main.backup(before)
        try:
            self._build_and_keep_output()
            partial = self._sqlite_path.with_suffix(".partial")
            partial.unlink(missing_ok=True)
            with sqlite3.connect(partial) as kept:
                main.backup(kept)
            kept.close()
            partial.replace(self._sqlite_path)
            for old in CACHE.glob(f"{self.label}-*.sqlite3"):
                if old != self._sqlite_path:
                    old.unlink(missing_ok=True)
        finally:
            before.backup(main)
            before.close()

    def _ensure_postgresql(self) -> None:
        name = self._template_db_name()
        if self._database_exists(name) and self._output_path().exists():
            return
        connection = self._connection()
        test_db = connection.settings_dict["NAME"]
        building = f"{name}_building"[:63]
        self._drop(building)
        self._create_from(building, test_db)
        try:
            with self._using_database(building):
                self._build_and_keep_output()
        except BaseException:
            self._drop(building)
            raise
        self._drop(name)
        self._execute_nodb(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
        prefix = name[: -len(source_hash())]
        for (old,) in self._query_nodb(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", [prefix + "%"]
        ):
            if old not in (name, building):
                self._drop(old)

    # --- using ------------------------------------------------------------------------------
    def output(self) -> str:
        return self._output_path().read_text(encoding="utf-8")

    @contextmanager
    def loaded(self):
        """The test database holds a copy of the template inside the block; afterwards it holds
        again exactly what it held before. Yields what the build printed."""
        self.ensure()
        if self._connection().vendor == "sqlite":
            main = self._raw_sqlite()
            before = sqlite3.connect(":memory:")
            main.backup(before)
            try:
                self._restore_sqlite(main)
                yield self.output()
            finally:
                before.backup(main)
                before.close()
        else:
            copy = f"{self._connection().settings_dict['NAME']}_copy"[:63]
            output = self.output()
            self._drop(copy)
            self._create_from(copy, self._template_db_name())
            try:
                with self._using_database(copy):
                    yield output
            finally:
                self._drop(copy)

    def install(self) -> str:
        """Put the template's rows into the test database for good (for a transactional test, whose
        database is flushed afterwards, or a session that only ever reads the demo). On PostgreSQL
        the connection cannot move under a running live server, so the build runs in place."""
        self.ensure()
        if self._connection().vendor != "sqlite":
            return self.build()
        self._restore_sqlite(self._raw_sqlite())
        return self.output()

    # --- SQLite -----------------------------------------------------------------------------
    def _raw_sqlite(self):
        connection = self._connection()
        assert not connection.in_atomic_block, "a template is copied outside any transaction"
        connection.ensure_connection()
        return connection.connection

    def _restore_sqlite(self, main) -> None:
        source = sqlite3.connect(self._sqlite_path)
        try:
            source.backup(main)
        finally:
            source.close()
        self._forget_cached_rows()

    @staticmethod
    def _forget_cached_rows() -> None:
        from django.contrib.contenttypes.models import ContentType

        ContentType.objects.clear_cache()

    # --- PostgreSQL -------------------------------------------------------------------------
    @contextmanager
    def _using_database(self, name: str):
        connection = self._connection()
        original = connection.settings_dict["NAME"]
        connection.close()
        connection.settings_dict["NAME"] = name
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict["NAME"] = original
            self._forget_cached_rows()

    def _execute_nodb(self, sql: str, params=None) -> None:
        with self._connection()._nodb_cursor() as cursor:
            cursor.execute(sql, params)

    def _query_nodb(self, sql: str, params=None) -> list:
        with self._connection()._nodb_cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def _database_exists(self, name: str) -> bool:
        return bool(self._query_nodb("SELECT 1 FROM pg_database WHERE datname = %s", [name]))

    def _drop(self, name: str) -> None:
        self._execute_nodb(f'DROP DATABASE IF EXISTS "{name}"')

    def _create_from(self, name: str, template: str) -> None:
        """CREATE DATABASE … TEMPLATE refuses while anyone is connected to the template (another
        worker copying it at the same moment, or our own pooled connection): close ours and retry."""
        self._connection().close()
        for attempt in range(20):
            try:
                self._execute_nodb(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
                return
            except Exception as error:
                if "being accessed by other users" not in str(error) or attempt == 19:
                    raise
                time.sleep(0.25)


# --- after a transactional test ----------------------------------------------------------------
def restore_instead_of_flushing() -> None:
    """After a transactional test (a live server, on_commit work) Django empties every table
    (`flush`, then post_migrate writes the content types and permissions again) and the next test
    loads the reference data again: together about a third of a second, more after the demo. On
    the in-memory SQLite test database the state the session started from (migrated, reference
    data loaded) is kept once and copied back instead, with SQLite's backup API. The identifiers
    the test used are then free again, as after a rolled-back test. Call it once the session's
    database is ready; PostgreSQL, and a test with serialized rollback or other databases, flush
    as before."""
    from django.db import connection
    from django.test import TransactionTestCase

    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        return
    if getattr(TransactionTestCase._fixture_teardown, "restores", False):
        return
    connection.ensure_connection()
    kept = sqlite3.connect(":memory:", check_same_thread=False)
    connection.connection.backup(kept)
    flush = TransactionTestCase._fixture_teardown

    def restore_session_start(self):
        if self.serialized_rollback or set(self._databases_names(include_mirrors=False)) != {"default"}:
            return flush(self)
        kept.backup(connection.connection)
        DatabaseTemplate._forget_cached_rows()

    restore_session_start.restores = True
    TransactionTestCase._fixture_teardown = restore_session_start


# --- module-shared fixtures -------------------------------------------------------------------
SHARED_FIXTURES: dict[str, str] = {}


def shares_per_module(fixture_name: str, shared_name: str) -> None:
    """Declare that `fixture_name` reads from the module-scoped `shared_name` for tests that roll
    back; transactional tests build their own. See pytest_collection_modifyitems below."""
    SHARED_FIXTURES[fixture_name] = shared_name


@contextmanager
def shared_transaction(django_db_blocker):
    """Writes made inside the block stay for the whole module, then are rolled back. Database
    access is allowed only while building, as pytest-django allows it only inside tests."""
    from django.db import transaction

    atomic = transaction.atomic()
    with django_db_blocker.unblock():
        atomic.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@contextmanager
def building(django_db_blocker):
    """Database access, and the settings every test runs with (core/testing.py's autouse fixtures,
    which are per test and so not active while a module-shared fixture is built)."""
    from django.conf import settings
    from django.test.utils import override_settings
    from django.utils import translation

    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS, AXES_ENABLED=False, TWO_FACTOR_REQUIRED=False),
        translation.override(settings.LANGUAGE_CODE),
    ):
        yield


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """A module-shared fixture must be set up before the test's own transaction opens, and it
    stays until the module's run of tests ends: so it goes first in each test's fixture list, and
    within each run of one module's tests, the tests that use it come after those that do not
    (which must never see its rows); shared fixtures build on each other (cycle, then people, then
    appraised units), so tests that use more of them come later. The order pytest-django chose
    between runs is kept."""
    if not SHARED_FIXTURES:
        return
    # A transactional test cannot run while a module's shared transaction is open, and pytest
    # (or xdist, which keeps a file's tests together) may run it right after the module's other
    # tests: a module with a transactional test shares nothing, each test builds its own data.
    with_transactional = {getattr(item, "module", None) for item in items if is_transactional(item)}

    def shared_for(item) -> list[str]:
        if getattr(item, "module", None) in with_transactional:
            return []
        names = getattr(item, "fixturenames", ())
        return [shared for name, shared in SHARED_FIXTURES.items() if name in names]

    for item in items:
        for shared in shared_for(item):
            if shared not in item.fixturenames:
                item.fixturenames.insert(0, shared)
    runs: list[list] = []
    for item in items:
        if runs and getattr(runs[-1][0], "module", None) is getattr(item, "module", None):
            runs[-1].append(item)
        else:
            runs.append([item])
    items[:] = [item for run in runs for item in sorted(run, key=lambda item: len(shared_for(item)))]
