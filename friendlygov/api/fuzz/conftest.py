"""The fuzzing database: the small demo (2 districts, 14 units, cycles 2024–2026), built once."""

import pytest

from friendlygov.core.testing import SMALL_DEMO


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        SMALL_DEMO.install()
