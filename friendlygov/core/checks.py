"""System checks of the project's own: production settings (`manage.py check --deploy`) and the
database the app can run on (every start)."""

import sqlite3

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import connections

from .server import planned_workers, unshared_limits

# The audit chain is sealed with UPDATE … FROM (audit/models.py), which SQLite has since 3.33.
OLDEST_SQLITE = (3, 33, 0)


@register(Tags.caches, deploy=True)
def shared_cache_for_limits(app_configs, **kwargs):
    problem = unshared_limits(planned_workers(), settings.CACHES)
    return [Error(problem, id="friendlygov.E001")] if problem else []


@register(Tags.database)
def sqlite_new_enough(app_configs, **kwargs):
    """Refuse to start on an SQLite too old for the audit chain's statements, rather than fail on
    the first write of an audit event. Read from the library Python is linked with, without
    connecting."""
    if not any(connections[alias].vendor == "sqlite" for alias in settings.DATABASES):
        return []
    return sqlite_too_old(sqlite3.sqlite_version_info)


def sqlite_too_old(version: tuple[int, ...]) -> list[Error]:
    if version >= OLDEST_SQLITE:
        return []
    found, needed = ".".join(map(str, version)), ".".join(map(str, OLDEST_SQLITE))
    return [
        Error(
            f"SQLite {found} is too old: the audit chain needs SQLite {needed} or newer (UPDATE … FROM).",
            hint="Use a newer Python or operating system (Debian 11+, Ubuntu 22.04+), or PostgreSQL "
            "through DATABASE_URL.",
            id="friendlygov.E002",
        )
    ]
