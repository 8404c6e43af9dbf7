"""The app refuses to start on an SQLite too old for the audit chain's UPDATE … FROM."""

import sqlite3

from django.core import checks

from friendlygov.core.checks import OLDEST_SQLITE, sqlite_new_enough, sqlite_too_old


def test_an_sqlite_older_than_3_33_is_refused_with_what_to_do():
    [error] = sqlite_too_old((3, 31, 1))
    assert error.id == "friendlygov.E002" and error.level == checks.ERROR
    assert "SQLite 3.31.1 is too old" in error.msg and "3.33.0" in error.msg
    assert "DATABASE_URL" in error.hint


def test_3_33_and_the_sqlite_python_is_linked_with_pass_and_the_check_runs_at_every_start():
    assert sqlite_too_old(OLDEST_SQLITE) == [] and sqlite_too_old(sqlite3.sqlite_version_info) == []
    assert sqlite_new_enough(None) == []
    assert sqlite_new_enough in checks.registry.registry.get_checks()  # not only with --deploy
