"""A person's grants are read once per version of them and kept between requests in the process;
any change of grants is seen at the next request, in this process and in the others."""

from datetime import date

import pytest
from django.db import connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from friendlygov.accounts import reach
from friendlygov.accounts.models import Role, RoleGrant, User
from friendlygov.units.models import UnitType, UnitVersion


@pytest.fixture
def commune(db):
    return UnitVersion.objects.create(
        id="ZZC@2025-07-01",
        code="ZZC",
        name="Xã Thử",
        type=UnitType.COMMUNE,
        province_code="ZZ",
        valid_from=date(2025, 7, 1),
    )


def at_request_start(user) -> User:
    """The user as the authentication middleware loads it at the start of each request."""
    return User.objects.get(pk=user.pk)


def grant_reads(user) -> tuple[list, int]:
    with CaptureQueriesContext(connection) as captured:
        found = reach.grants(at_request_start(user))
    return found, sum('"accounts_rolegrant"' in q["sql"] for q in captured.captured_queries)


@pytest.mark.django_db(transaction=True)  # kept only when read outside a transaction, as in a request
def test_grants_are_read_once_and_a_change_is_seen_at_the_next_request(commune):
    officer = User.objects.create_user("canbo.zzc")
    RoleGrant.objects.create(user=officer, role=Role.COMMUNE_OFFICER, unit=commune)
    first, reads = grant_reads(officer)
    assert [g.role for g in first] == [Role.COMMUNE_OFFICER] and reads == 1
    again, reads = grant_reads(officer)
    assert again == first and reads == 0
    RoleGrant.objects.filter(user=officer).delete()  # the revocation, as the admin pages do it
    after, reads = grant_reads(officer)
    assert after == [] and reads == 1
    assert not reach.reaches(at_request_start(officer), commune, reach.COMMUNE_ROLES, 2026)


@pytest.mark.django_db(transaction=True)
def test_a_change_made_in_another_process_is_seen_at_the_next_request(commune):
    officer = User.objects.create_user("canbo.zzc")
    RoleGrant.objects.create(user=officer, role=Role.COMMUNE_OFFICER, unit=commune)
    assert grant_reads(officer)[0]  # kept in this process
    # Another process revokes it: its signal moves the version on in the database, and drops
    # only that process's own copy, not this one.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_rolegrant WHERE user_id = %s", [officer.pk])
    User.objects.filter(pk=officer.pk).update(grants_version=F("grants_version") + 1)
    after, reads = grant_reads(officer)
    assert after == [] and reads == 1


@pytest.mark.django_db(transaction=True)
def test_grants_read_inside_a_transaction_that_rolls_back_are_not_kept(commune):
    officer = User.objects.create_user("canbo.zzc")
    with transaction.atomic():
        RoleGrant.objects.create(user=officer, role=Role.APPRAISER, unit=commune)
        inside = at_request_start(officer)
        assert [g.role for g in reach.grants(inside)] == [Role.APPRAISER]
        transaction.set_rollback(True)
    assert grant_reads(officer)[0] == []
    # Another process then grants something else: the version reaches the number the rolled-back
    # change had given it, and must not bring back what was read inside that transaction.
    RoleGrant.objects.bulk_create([RoleGrant(user=officer, role=Role.COMMUNE_OFFICER, unit=commune)])
    User.objects.filter(pk=officer.pk).update(grants_version=F("grants_version") + 1)
    after, reads = grant_reads(officer)
    assert [g.role for g in after] == [Role.COMMUNE_OFFICER] and reads == 1


def test_the_user_backend_reads_the_signed_in_user_as_the_orm_does(db):
    from friendlygov.accounts.backends import UserBackend

    officer = User.objects.create_user("canbo.zzc", full_name="Nguyễn Văn An")
    read = UserBackend().get_user(officer.pk)
    fields = [f.attname for f in User._meta.concrete_fields]
    assert [getattr(read, f) for f in fields] == [getattr(User.objects.get(pk=officer.pk), f) for f in fields]
    assert UserBackend().get_user(officer.pk + 1000) is None
    User.objects.filter(pk=officer.pk).update(is_active=False)
    assert UserBackend().get_user(officer.pk) is None  # an inactive user is not signed in
