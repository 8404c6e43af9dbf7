"""The audit hash chain: every event links to the one before; verify_audit finds the first break."""

import importlib
import itertools
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections

from friendlygov.audit import chain
from friendlygov.audit.models import AppendOnlyError, AuditEvent
from friendlygov.audit.services import record, verify


@pytest.fixture
def five_events(admin_client, django_capture_on_commit_callbacks):
    user = admin_client.user
    with django_capture_on_commit_callbacks(execute=True):
        stored = [record(user, "account.renamed", user, {"step": n, "tên": "Bình"}) for n in range(5)]
    return [AuditEvent.objects.get(pk=event.pk) for event in stored]


def run_sql(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def verify_audit(*args):
    from io import StringIO

    out = StringIO()
    call_command("verify_audit", *args, stdout=out)
    return out.getvalue()


def test_it_links_each_event_to_the_one_before(five_events):
    events = list(AuditEvent.objects.order_by("sequence"))
    assert [e.sequence for e in events] == [1, 2, 3, 4, 5]
    assert events[0].previous_hash == chain.GENESIS
    for before, after in itertools.pairwise(events):
        assert after.previous_hash == before.hash
    assert "5 event(s)" in verify_audit()
    assert events[-1].hash in verify_audit()


def test_an_event_is_stored_pending_and_chained_once_its_transaction_commits(
    admin_client, django_capture_on_commit_callbacks
):
    user = admin_client.user
    with django_capture_on_commit_callbacks() as callbacks:
        event = record(user, "account.renamed", user, {"step": 1})
        stored = AuditEvent.objects.get(pk=event.pk)
        assert (stored.sequence, stored.hash) == (None, None)  # nothing waits for the chain here
    assert len(callbacks) == 1
    callbacks[0]()
    sealed = AuditEvent.objects.get(pk=event.pk)
    assert sealed.sequence == 1 and sealed.previous_hash == chain.GENESIS
    assert sealed.hash == chain.event_hash(chain.GENESIS, sealed)


def test_a_rolled_back_transaction_leaves_no_event_and_no_gap(
    admin_client, django_capture_on_commit_callbacks
):
    from django.db import transaction

    user = admin_client.user
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            record(user, "account.renamed", user, {"step": "lost"})
            raise RuntimeError
        record(user, "account.renamed", user, {"step": "kept"})
    assert len(callbacks) == 1  # the rolled-back event's seal never ran
    assert list(AuditEvent.objects.values_list("sequence", "data")) == [(1, {"step": "kept"})]


def test_verify_chains_events_left_pending_first(admin_client):
    user = admin_client.user  # no on-commit callbacks run here: as if the process died after commit
    for n in range(3):
        record(user, "account.renamed", user, {"step": n})
    assert AuditEvent.objects.pending().count() == 3
    assert "3 event(s)" in verify_audit()
    assert AuditEvent.objects.pending().count() == 0
    assert list(AuditEvent.objects.values_list("data", flat=True)) == [{"step": n} for n in range(3)]


def test_the_chain_fields_of_an_event_cannot_be_updated_through_the_orm(five_events):
    first = five_events[0]
    assert AuditEvent.objects.pending().filter(pk=first.pk).count() == 0
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=first.pk).update(hash="0" * 64)


def test_it_reports_an_edited_event(five_events):
    run_sql("UPDATE audit_auditevent SET data = %s WHERE sequence = 3", ['{"step": 99}'])
    with pytest.raises(CommandError, match=r"position 3 .*edited"):
        verify_audit()


def test_it_reports_an_event_whose_actor_was_changed(five_events, make_persona):
    someone = make_persona("someone-else").user
    run_sql("UPDATE audit_auditevent SET actor_id = %s WHERE sequence = 2", [someone.pk])
    with pytest.raises(CommandError, match=r"position 2 .*edited"):
        verify_audit()


def test_it_reports_a_deleted_event(five_events):
    run_sql("DELETE FROM audit_auditevent WHERE sequence = 2")
    with pytest.raises(CommandError, match=r"position 3 .*deleted"):
        verify_audit()


def test_it_reports_a_deleted_first_event(five_events):
    run_sql("DELETE FROM audit_auditevent WHERE sequence = 1")
    with pytest.raises(CommandError, match=r"position 2 .*deleted"):
        verify_audit()


def test_it_reports_reordered_events(five_events):
    run_sql("UPDATE audit_auditevent SET sequence = 100 WHERE sequence = 2")
    run_sql("UPDATE audit_auditevent SET sequence = 2 WHERE sequence = 3")
    run_sql("UPDATE audit_auditevent SET sequence = 3 WHERE sequence = 100")
    with pytest.raises(CommandError, match=r"position 2 .*reordered"):
        verify_audit()


def test_it_reports_a_cut_off_tail_against_a_recorded_head(five_events):
    head = five_events[-1].hash
    assert "5 event(s)" in verify_audit("--expect-head", head)
    run_sql("DELETE FROM audit_auditevent WHERE sequence = 5")
    assert "4 event(s)" in verify_audit()  # the chain alone cannot see it...
    with pytest.raises(CommandError, match="not in the chain"):
        verify_audit("--expect-head", head)  # ...a recorded head can


def test_an_empty_chain_is_intact(db):
    assert "0 event(s)" in verify_audit()


def test_the_data_migration_chains_events_recorded_before_the_chain(five_events):
    from django.apps import apps

    # Undo the chain as if the events had been written before it existed, in a scrambled order.
    for n, event in enumerate(five_events):
        run_sql(
            "UPDATE audit_auditevent SET sequence = %s, previous_hash = '', hash = %s WHERE id = %s",
            [1000 - n, f"old-{n}", event.pk],
        )
    assert verify().broken is not None
    migration = importlib.import_module("friendlygov.audit.migrations.0003_chain_existing_events")

    class Editor:
        connection = connection

    migration.chain_existing(apps, Editor())
    verdict = verify()
    assert verdict.broken is None and verdict.checked == 5
    ordered = list(AuditEvent.objects.order_by("sequence").values_list("pk", flat=True))
    assert ordered == [e.pk for e in five_events]  # in the order they happened
    record(None, "account.renamed", five_events[0], {})
    assert verify().checked == 6  # verify chains the new, pending event after the old ones


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_on_postgresql_never_fork_the_chain(django_user_model):
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite serialises writers by its IMMEDIATE transactions; the lock under test is PostgreSQL's"
        )
    from django.db import transaction

    user = django_user_model.objects.create_user("auditor")
    errors, start = [], threading.Barrier(8)

    def append(n):
        try:
            start.wait()
            for i in range(10):
                with transaction.atomic():
                    record(user, "account.renamed", user, {"thread": n, "i": i})
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=append, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    verdict = verify()
    assert verdict.broken is None
    assert verdict.checked == AuditEvent.objects.count() == 80
