"""Helpers for the dashboard and results API tests, which read the real `setup_demo` data (the
`small_demo` and `full_demo` fixtures of friendlygov.core.testing: built once, copied per module)."""

from friendlygov.accounts.models import RoleGrant
from friendlygov.assessments.models import Cycle


def demo_cycles() -> dict:
    return {cycle.year: cycle for cycle in Cycle.objects.all()}


def grant(make_persona, name, role, unit_id, year=None):
    client = make_persona(name)
    RoleGrant.objects.create(user=client.user, role=role, unit_id=unit_id, year=year)
    return client
