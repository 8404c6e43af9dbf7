import pytest

from friendlygov.audit.models import AppendOnlyError, AuditEvent
from friendlygov.audit.services import changes, record


@pytest.fixture
def event(admin_client):
    user = admin_client.user
    return record(user, "account.renamed", user, {"full_name": {"old": "", "new": "Trần Thị Bình"}})


def test_it_records_who_did_what_to_which_object(event, admin_client):
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.event_type == "account.renamed"
    assert stored.actor == admin_client.user
    assert stored.actor_name == "province-admin"
    assert (stored.target_type, stored.target_id) == ("accounts.user", str(admin_client.user.pk))
    assert stored.data == {"full_name": {"old": "", "new": "Trần Thị Bình"}}
    assert list(AuditEvent.objects.for_target(admin_client.user)) == [stored]


def test_it_refuses_to_change_or_delete_an_event(event):
    event.event_type = "something.else"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(event_type="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).event_type == "account.renamed"


def test_it_keeps_the_request_id_of_the_request_that_caused_it(admin_client):
    response = admin_client.get("/", HTTP_X_REQUEST_ID="trace-123")
    assert response["X-Request-ID"] == "trace-123"
    response = admin_client.get("/", HTTP_X_REQUEST_ID="bad id with spaces")
    assert response["X-Request-ID"] != "bad id with spaces"
    assert len(response["X-Request-ID"]) == 32


def test_changes_lists_only_the_fields_that_differ():
    assert changes({"a": 1, "b": 2}, {"a": 1, "b": 3}) == {"b": {"old": 2, "new": 3}}
