"""Test personas and helpers shared by every app's tests (a pytest plugin, see conftest.py).

A persona is a signed-in client for one role on one place: `anonymous`, `admin_client` now;
the workflow adds commune officers, appraisers and outsiders on top of `make_persona`.
"""

import pytest
from django.test import Client

PERSONA_PASSWORD = "persona-pass-2026"  # noqa: S105


@pytest.fixture
def make_persona(db, django_user_model):
    def make(username: str, **fields) -> Client:
        user = django_user_model.objects.create_user(username=username, password=PERSONA_PASSWORD, **fields)
        client = Client()
        client.force_login(user)
        client.user = user
        return client

    return make


@pytest.fixture
def anonymous() -> Client:
    return Client()


@pytest.fixture
def admin_client(make_persona) -> Client:
    return make_persona("province-admin", is_staff=True, is_superuser=True)


@pytest.fixture
def signed_in(make_persona) -> Client:
    """Any signed-in person with no role: sees what every account may see, nothing more."""
    return make_persona("someone")


@pytest.fixture
def reference_data(db):
    """The shipped units and default framework. Loaded once per session (conftest.py); loaded again
    here only after a transactional test has flushed the database."""
    from django.apps import apps
    from django.core.management import call_command

    if not apps.get_model("units", "UnitVersion").objects.exists():
        call_command("load_units", verbosity=0)
    if not apps.get_model("frameworks", "FrameworkVersion").objects.exists():
        call_command("load_default_framework", verbosity=0)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests create many users; a deliberately slow hasher would dominate the suite's time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in Vietnamese: a request in English must not leak into the next test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _no_login_lockout(settings):
    """django-axes counts failed logins per address; tests that log in many times from 127.0.0.1
    must not lock each other out. A lockout test turns it back on with `settings.AXES_ENABLED = True`
    (axes' own advice for test suites). Two-factor is off unless a test sets TWO_FACTOR_REQUIRED or
    gives its user an authenticator."""
    settings.AXES_ENABLED = False
    settings.TWO_FACTOR_REQUIRED = False
