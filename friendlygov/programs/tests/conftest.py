import pytest


@pytest.fixture(autouse=True)
def _default_program(request):
    """The default program's rules as migrated, also after a transactional test flushed them
    (programs/seeding.py). Tests without the database need nothing."""
    from friendlygov.core.testing_db import is_transactional

    marker = request.node.get_closest_marker("django_db")
    if is_transactional(request.node):
        request.getfixturevalue("transactional_db")
    elif marker or "db" in request.fixturenames:
        request.getfixturevalue("db")
    else:
        return
    from friendlygov.programs.seeding import ensure_default_program

    ensure_default_program()
