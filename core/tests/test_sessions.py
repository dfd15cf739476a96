"""The session store (core.sessions): Django's database store, read by a query of its own.
It reads what Django's store wrote, under the same rule: the key, and not expired."""

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from core.sessions import SessionStore

pytestmark = pytest.mark.django_db


def _stored_by_django(data, *, expires_in=dt.timedelta(minutes=30)):
    store = db.SessionStore()
    store.update(data)
    store.set_expiry(int(expires_in.total_seconds()))
    store.save()
    return store.session_key


def test_it_is_the_configured_engine():
    assert settings.SESSION_ENGINE == "core.sessions"


def test_it_reads_a_session_django_stored_in_one_query(django_assert_num_queries):
    key = _stored_by_django({"_auth_user_id": "17", "svc_sign_in": {"password": True}})
    store = SessionStore(session_key=key)
    with django_assert_num_queries(1):
        assert dict(store.items()) == {
            "_auth_user_id": "17",
            "svc_sign_in": {"password": True},
            "_session_expiry": 1800,
        }
    assert store.session_key == key


def test_an_expired_or_unknown_session_reads_empty_and_forgets_its_key(monkeypatch):
    key = _stored_by_django({"_auth_user_id": "17"}, expires_in=dt.timedelta(minutes=30))
    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now + dt.timedelta(minutes=29))
    assert SessionStore(session_key=key).get("_auth_user_id") == "17"
    monkeypatch.setattr(timezone, "now", lambda: now + dt.timedelta(minutes=31))
    expired = SessionStore(session_key=key)
    assert dict(expired.items()) == {}
    assert expired.session_key is None

    unknown = SessionStore(session_key="x" * 32)
    assert dict(unknown.items()) == {}
    assert unknown.session_key is None


def test_what_it_saves_django_reads_and_a_modified_session_is_written_back():
    store = SessionStore()
    store["_auth_user_id"] = "5"
    store.set_expiry(600)
    store.save()
    assert db.SessionStore(session_key=store.session_key).get("_auth_user_id") == "5"

    again = SessionStore(session_key=store.session_key)
    again["_slid_at"] = 1700000000
    again.save()
    stored = Session.objects.get(session_key=store.session_key).get_decoded()
    assert stored == {"_auth_user_id": "5", "_session_expiry": 600, "_slid_at": 1700000000}
