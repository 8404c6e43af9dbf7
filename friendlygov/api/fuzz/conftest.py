"""The fuzzing database: the small demo (2 districts, 14 units, cycles 2024–2026), built once."""

import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("setup_demo", "--small", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
