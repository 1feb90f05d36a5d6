"""Sessions are Django's database sessions read with one plain statement: a live session keeps
its user logged in, an expired or deleted one does not. The user is read by Comuna's login
backend, Django's reading with one plain statement: what logs a user out still does."""

from datetime import timedelta

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from comuna.web.sessions import SessionStore


def _profile(client):
    return client.get(reverse("profile"))


def test_a_live_session_keeps_its_user_logged_in(cast, login):
    client = login(cast.resident.user)
    assert _profile(client).status_code == 200


def test_an_expired_session_logs_nobody_in(cast, login):
    client = login(cast.resident.user)
    key = client.cookies["sessionid"].value
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(1))
    response = _profile(client)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_deleted_session_logs_nobody_in(cast, login):
    client = login(cast.resident.user)
    Session.objects.filter(session_key=client.cookies["sessionid"].value).delete()
    assert _profile(client).status_code == 302


def _session_data(client) -> dict:
    return SessionStore(client.cookies["sessionid"].value).load()


def _rewrite_session(client, **changes) -> None:
    key = client.cookies["sessionid"].value
    store = SessionStore(key)
    data = store.load() | changes
    Session.objects.filter(session_key=key).update(session_data=store.encode(data))


def test_a_login_names_comunas_backend(cast, login):
    client = login(cast.resident.user)
    assert _session_data(client)[BACKEND_SESSION_KEY] == "comuna.web.backends.ModelBackend"


def test_a_session_naming_djangos_backend_still_logs_its_user_in(cast, login):
    """Sessions written before Comuna's login backend existed stay valid."""
    client = login(cast.resident.user)
    _rewrite_session(client, **{BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend"})
    response = _profile(client)
    assert response.status_code == 200
    assert response.wsgi_request.user == cast.resident.user


def test_a_session_of_a_deactivated_user_logs_nobody_in(cast, login):
    client = login(cast.resident.user)
    type(cast.resident.user).objects.filter(pk=cast.resident.user.pk).update(is_active=False)
    assert _profile(client).status_code == 302


def test_a_session_naming_a_missing_or_impossible_user_logs_nobody_in(cast, login):
    client = login(cast.resident.user)
    for user_id in ("999999", str(2**70)):
        _rewrite_session(client, **{SESSION_KEY: user_id})
        assert _profile(client).status_code == 302


def test_a_session_with_a_stale_password_hash_logs_nobody_in(cast, login):
    client = login(cast.resident.user)
    _rewrite_session(client, **{HASH_SESSION_KEY: "0" * 64})
    assert _profile(client).status_code == 302
