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
    each test's own changes are rolled back as usual. The demo templates the collected tests read
    are built (or found by source hash) now, from this state."""
    from friendlygov.core.testing import build_templates_for

    with django_db_blocker.unblock():
        call_command("load_units", verbosity=0)
        call_command("load_default_framework", verbosity=0)
        build_templates_for(request.session.items)
