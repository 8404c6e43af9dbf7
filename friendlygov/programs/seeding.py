"""The default program as migration 0002 seeds it, for the tests that flush the database.

A transactional test (a live server, a browser) empties every table when it ends, the rows data
migrations wrote included; the next test then finds no program rules. Reloading the reference data
runs the migration's own seed again (it does nothing when the rules are there)."""

import importlib

from django.apps import apps

SEED_MIGRATION = "friendlygov.programs.migrations.0002_hai_duong_default_program"


def ensure_default_program() -> None:
    importlib.import_module(SEED_MIGRATION).seed(apps, None)
