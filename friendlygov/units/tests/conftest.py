import pytest

from friendlygov.units.loader import load_units


@pytest.fixture
def units(db):
    """The shipped unit data, loaded inside the test's transaction (about a third of a second)."""
    return load_units()
