"""The audit hash chain: every event links to the one before; verify_audit finds the first break."""

import importlib
import itertools
import json
import threading
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from friendlygov.audit import chain, keys, models, services
from friendlygov.audit.models import AppendOnlyError, AuditEvent
from friendlygov.audit.services import record, seal, verify


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
    key_id, key = keys.current()
    assert sealed.key_id == key_id and sealed.mac == chain.event_mac(key, sealed)
    assert sealed.hash == chain.link_hash(key, chain.GENESIS, sealed)


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


def test_verify_never_writes_and_seal_audit_chains_what_is_waiting(admin_client):
    user = admin_client.user  # no on-commit callbacks run here: as if the process died after commit
    for n in range(3):
        record(user, "account.renamed", user, {"step": n})
    with CaptureQueriesContext(connection) as captured:
        assert "0 event(s)" in verify_audit()
    assert "3 event(s) waiting to be chained" in verify_audit()
    statements = [q["sql"].lstrip().upper() for q in captured.captured_queries]
    assert [sql for sql in statements if sql.startswith(("INSERT", "UPDATE", "DELETE"))] == []
    assert any("AUDIT_AUDITEVENT" in sql for sql in statements)  # it did read the events
    assert AuditEvent.objects.pending().count() == 3
    call_command("seal_audit", stdout=StringIO())
    assert AuditEvent.objects.pending().count() == 0
    assert "3 event(s)" in verify_audit()
    assert list(AuditEvent.objects.values_list("data", flat=True)) == [{"step": n} for n in range(3)]


def test_verify_fails_on_an_event_left_unchained_past_the_grace(admin_client, settings):
    settings.AUDIT_SEAL_GRACE_SECONDS = 60
    user = admin_client.user
    with time_machine.travel(timezone.now() - timedelta(minutes=5)):
        old = record(user, "account.renamed", user, {"step": "old"})
    record(user, "account.renamed", user, {"step": "new"})
    with pytest.raises(CommandError, match=rf"1 event\(s\) unchained for more than 60 s .*ids {old.pk}\."):
        verify_audit()


def test_a_row_inserted_around_record_is_never_chained_and_verify_reports_it(five_events):
    """The attack: a row inserted with sequence NULL used to be chained by the next write (or by
    verify_audit itself) and then reported intact."""
    forged = five_events[0]
    run_sql(
        "INSERT INTO audit_auditevent (occurred_at, event_type, actor_name, target_type, target_id, data,"
        " request_id, previous_hash, key_id, mac) VALUES (%s, 'decision.issued', 'x', 'accounts.user', %s,"
        " '{}', '', '', %s, %s)",
        [timezone.now(), forged.target_id, forged.key_id, "f" * 64],
    )
    record(None, "account.renamed", forged, {"step": "after"})
    assert seal() == 1  # the genuine event only
    assert AuditEvent.objects.pending().get().event_type == "decision.issued"
    with pytest.raises(CommandError, match=r"1 unchained event\(s\) whose MAC does not hold"):
        verify_audit()


def test_a_chain_rebuilt_without_the_key_is_reported(five_events):
    """The attack: edit an event, then rehash the chain forward, as anyone with the code can."""
    run_sql("UPDATE audit_auditevent SET data = %s WHERE sequence = 3", ['{"step": 99}'])
    previous = five_events[1].hash
    for event in AuditEvent.objects.filter(sequence__gte=3).order_by("sequence"):
        link = chain.link_hash(b"guessed key", previous, event)
        run_sql(
            "UPDATE audit_auditevent SET previous_hash = %s, hash = %s WHERE id = %s",
            [previous, link, event.pk],
        )
        previous = link
    with pytest.raises(
        CommandError, match=r"position 3 .*edited — the event's content does not match its MAC"
    ):
        verify_audit()


def test_a_checkpoint_shows_a_cut_off_tail_and_a_rebuilt_chain(five_events, tmp_path, settings):
    settings.AUDIT_CHECKPOINT_DIR = str(tmp_path)
    out = StringIO()
    call_command("seal_audit", "--checkpoint", stdout=out)
    assert "position 5" in out.getvalue()
    assert "Matches the checkpoint" in verify_audit()
    run_sql("DELETE FROM audit_auditevent WHERE sequence = 5")
    with pytest.raises(CommandError, match="ends before it: events were removed"):
        verify_audit()  # the chain of 4 is intact in itself; the checkpoint shows the cut


def test_a_tampered_checkpoint_is_reported(five_events, tmp_path, settings):
    settings.AUDIT_CHECKPOINT_DIR = str(tmp_path)
    written = services.checkpoint()
    body = json.loads(written.path.read_text())
    body["sequence"] = 4
    written.path.write_text(json.dumps(body))
    with pytest.raises(CommandError, match="its signature does not hold"):
        verify_audit()


def test_recorded_times_may_not_go_back_along_the_chain(
    admin_client, settings, django_capture_on_commit_callbacks
):
    settings.AUDIT_CLOCK_SKEW_SECONDS = 60
    user = admin_client.user
    with django_capture_on_commit_callbacks(execute=True):
        record(user, "account.renamed", user, {"step": 1})
        with time_machine.travel(timezone.now() - timedelta(seconds=30)):
            record(user, "account.renamed", user, {"step": 2})  # within the skew: fine
    assert "2 event(s)" in verify_audit()
    with (
        django_capture_on_commit_callbacks(execute=True),
        time_machine.travel(timezone.now() - timedelta(hours=2)),
    ):
        record(user, "account.renamed", user, {"step": 3})
    with pytest.raises(CommandError, match=r"position 3 .*time — its recorded time goes back by 1:59"):
        verify_audit()


def test_a_rotated_key_still_verifies_old_events_and_signs_new_ones(five_events, settings):
    old_id = five_events[0].key_id
    settings.AUDIT_OLD_KEYS = [settings.AUDIT_KEY]
    settings.AUDIT_KEY = "the next key, from the environment"
    event = record(None, "account.renamed", five_events[0], {"step": "rotated"})
    assert seal() == 1
    assert AuditEvent.objects.get(pk=event.pk).key_id not in ("", old_id)
    assert "6 event(s)" in verify_audit()
    settings.AUDIT_OLD_KEYS = []
    with pytest.raises(
        CommandError, match=rf"position 1 .*unknown key — no configured key has the id {old_id}"
    ):
        verify_audit()


def test_a_process_chains_at_most_once_per_interval(
    admin_client, settings, django_capture_on_commit_callbacks, monkeypatch
):
    settings.AUDIT_SEAL_INTERVAL_MS = 60_000
    monkeypatch.setattr(services, "_last_pass", float("-inf"))  # this process has not chained yet
    user = admin_client.user
    with django_capture_on_commit_callbacks(execute=True):
        record(user, "account.renamed", user, {"step": 1})
    with django_capture_on_commit_callbacks(execute=True):
        record(user, "account.renamed", user, {"step": 2})
    assert list(AuditEvent.objects.pending().values_list("data", flat=True)) == [{"step": 2}]
    call_command("seal_audit", stdout=StringIO())
    assert AuditEvent.objects.pending().count() == 0


def test_one_pass_chains_more_events_than_one_statement_writes(admin_client, settings, monkeypatch):
    """A pass after a busy interval chains everything pending, batch after batch, in order."""
    monkeypatch.setattr(models, "SEAL_BATCH", 7)
    user = admin_client.user
    stored = [record(user, "account.renamed", user, {"step": n}) for n in range(17)]  # 3 batches
    assert seal() == 17
    events = list(AuditEvent.objects.order_by("sequence"))
    assert [e.pk for e in events] == [e.pk for e in stored]
    assert [e.sequence for e in events] == list(range(1, 18))
    assert events[0].previous_hash == chain.GENESIS
    for before, after in itertools.pairwise(events):
        assert after.previous_hash == before.hash
    assert seal() == 0  # nothing is chained twice
    assert "17 event(s)" in verify_audit()


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

    # Undo the chain as if the events had been written before it (and its key) existed, in a
    # scrambled order.
    for n, event in enumerate(five_events):
        run_sql(
            "UPDATE audit_auditevent SET sequence = %s, previous_hash = '', hash = %s, key_id = '', mac = ''"
            " WHERE id = %s",
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
    seal()
    assert verify().checked == 6  # a keyed event after the unkeyed ones
    run_sql("UPDATE audit_auditevent SET key_id = '', mac = '' WHERE sequence = 6")
    assert verify().broken.kind == "edited"  # stripping its key does not pass it off as an old event


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
