from datetime import timedelta

from django.contrib.sessions.models import Session
from django.utils import timezone

from friendlygov.core.sessions import SessionStore


def test_it_loads_a_stored_session_and_nothing_once_it_has_expired(db):
    stored = SessionStore()
    stored["_auth_user_id"] = "42"
    stored.save()
    assert SessionStore(stored.session_key).load() == {"_auth_user_id": "42"}

    Session.objects.filter(session_key=stored.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    expired = SessionStore(stored.session_key)
    assert expired.load() == {}
    assert expired.session_key is None  # as Django's own store: a new key is made if it is saved


def test_an_unknown_key_loads_nothing(db):
    unknown = SessionStore("x" * 32)
    assert unknown.load() == {}
    assert unknown.session_key is None
