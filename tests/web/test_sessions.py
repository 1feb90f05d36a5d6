"""Sessions are Django's database sessions read with one plain statement: a live session keeps
its user logged in, an expired or deleted one does not."""

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone


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
