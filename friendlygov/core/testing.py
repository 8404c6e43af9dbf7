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
