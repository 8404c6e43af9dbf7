"""The demo data for the dashboard and results API tests: the real `setup_demo` (small or full),
built once per module inside a transaction rolled back afterwards."""

from contextlib import contextmanager
from io import StringIO

from django.core.management import call_command
from django.db import transaction

from friendlygov.accounts.models import RoleGrant
from friendlygov.assessments.models import Cycle


@contextmanager
def demo_data(django_db_blocker, *args):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("setup_demo", *args, stdout=StringIO())
        yield {cycle.year: cycle for cycle in Cycle.objects.all()}
        transaction.set_rollback(True)


def grant(make_persona, name, role, unit_id, year=None):
    client = make_persona(name)
    RoleGrant.objects.create(user=client.user, role=role, unit_id=unit_id, year=year)
    return client
