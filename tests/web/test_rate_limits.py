"""Rate limits: past a rate the request is refused with 429, Retry-After and a page in the
reader's language, nothing is done, others are not affected, and the next window lets it pass."""

import re

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from ninja.errors import HttpError

from comuna.voting import services
from comuna.web import limits
from tests.conftest import PASSWORD, ballots_cast

pytestmark = pytest.mark.usefixtures("rate_limited")


def vote_url(poll):
    return reverse("poll-vote", kwargs={"slug": poll.body.slug, "pk": poll.pk})


def check_url(poll):
    return reverse("poll-check", kwargs={"slug": poll.body.slug, "pk": poll.pk})


def assert_refused(response):
    assert response.status_code == 429
    wait = int(response["Retry-After"])
    assert 1 <= wait <= 60
    page = response.content.decode()
    assert "Demasiadas solicitudes" in page  # Spanish, the site's default
    assert '<header class="top">' in page  # in the site's layout
    assert 'href="/"' in page  # a way back
    return wait


def next_window(monkeypatch, seconds=61):
    """Move the clock django-ratelimit reads past the window."""
    import time

    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + seconds)


def test_a_ballot_past_the_users_rate_is_refused_and_casts_nothing(cast, login, poll, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "cast-user": "3/m"}
    client = login(cast.resident.user)
    for _ in range(3):  # checking a ballot counts as casting does
        assert client.post(vote_url(poll), {"choice": "1", "check": "1"}).status_code == 200
    response = client.post(vote_url(poll), {"choice": "1"})
    assert_refused(response)
    assert ballots_cast(poll) == []
    assert not poll.voters.get(user=cast.resident.user).has_voted
    # another voter from the same address is not affected
    other = Client()
    other.force_login(cast.spokesperson.user)
    assert other.post(vote_url(poll), {"choice": "2"}).status_code == 200
    assert ballots_cast(poll) == [["2"]]


def test_casting_passes_again_in_the_next_window(cast, login, poll, settings, monkeypatch):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "cast-user": "2/m"}
    client = login(cast.resident.user)
    for _ in range(2):
        client.post(vote_url(poll), {"choice": "1", "check": "1"})
    assert client.post(vote_url(poll), {"choice": "1"}).status_code == 429
    next_window(monkeypatch)
    response = client.post(vote_url(poll), {"choice": "1"})
    assert response.status_code == 200
    assert re.search(rb'id="receipt-code"', response.content)
    assert ballots_cast(poll) == [["1"]]


def test_the_address_limit_holds_for_every_voter_behind_it(cast, poll, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "cast-ip": "2/m"}
    station = "10.0.0.7"
    for user in (cast.resident.user, cast.spokesperson.user):
        client = Client(REMOTE_ADDR=station)
        client.force_login(user)
        assert client.post(vote_url(poll), {"choice": "1"}).status_code == 200
    third = Client(REMOTE_ADDR=station)
    third.force_login(cast.electoral.user)
    assert_refused(third.post(vote_url(poll), {"choice": "1"}))
    elsewhere = Client(REMOTE_ADDR="10.0.0.8")
    elsewhere.force_login(cast.electoral.user)
    assert elsewhere.post(vote_url(poll), {"choice": "2"}).status_code == 200
    assert ballots_cast(poll) == [["1"], ["1"], ["2"]]


def test_receipt_checks_are_limited_per_address(cast, login, poll, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "check-ip": "3/m"}
    client = login(cast.resident.user)
    receipt = services.cast(poll, cast.resident.user, "1")
    for _ in range(3):
        assert client.post(check_url(poll), {"code": receipt.code}).status_code == 200
    assert_refused(client.post(check_url(poll), {"code": receipt.code}))
    assert client.get(check_url(poll)).status_code == 200  # reading the page is not counted
    other = Client(REMOTE_ADDR="10.9.9.9")
    other.force_login(cast.resident.user)
    assert other.post(check_url(poll), {"code": receipt.code}).status_code == 200


def login_attempt(client, username="resident", password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_logins_are_limited_per_username_then_pass_in_the_next_window(cast, monkeypatch):
    for i in range(5):
        assert login_attempt(Client(REMOTE_ADDR=f"10.1.0.{i}"), password="wrong").status_code == 200
    client = Client(REMOTE_ADDR="10.1.0.99")
    assert_refused(login_attempt(client))  # even with the right password
    assert "_auth_user_id" not in client.session
    assert login_attempt(client, username="spokesperson").status_code == 302
    next_window(monkeypatch)
    assert login_attempt(Client(REMOTE_ADDR="10.1.0.100")).status_code == 302


def test_logins_are_limited_per_address(cast, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login-ip": "10/m"}
    client = Client(REMOTE_ADDR="10.2.0.1")
    for i in range(10):
        assert login_attempt(client, username=f"nobody{i}").status_code == 200
    assert_refused(login_attempt(client))
    assert "_auth_user_id" not in client.session
    assert login_attempt(Client(REMOTE_ADDR="10.2.0.2")).status_code == 302
    assert client.get(reverse("login")).status_code == 200  # the form itself is not counted


def test_the_refusal_speaks_the_readers_language(cast, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login-ip": "1/m"}
    client = Client()
    client.cookies["django_language"] = "en"
    login_attempt(client, password="wrong")
    response = login_attempt(client)
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()


def test_clearing_the_counters_lets_requests_pass(cast, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login-ip": "1/m"}
    client = Client()
    login_attempt(client, password="wrong")
    assert login_attempt(client).status_code == 429
    caches[limits.CACHE].clear()
    assert login_attempt(client).status_code == 302


def test_api_endpoints_raise_an_http_error_with_retry_after(cast, rf, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "token-user": "2/h"}
    request = rf.post("/api/v1/tokens")
    request.user = cast.resident.user
    limits.check(request, "token-user")
    limits.check(request, "token-user")
    with pytest.raises(limits.TooManyRequests) as refused:
        limits.check(request, "token-user")
    assert isinstance(refused.value, HttpError)
    assert refused.value.status_code == 429
    assert 1 <= refused.value.retry_after <= 3600


def test_limits_off_count_nothing(cast, login, poll, settings):
    settings.RATELIMIT_ENABLE = False
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "cast-user": "1/m"}
    client = login(cast.resident.user)
    for _ in range(3):
        assert client.post(vote_url(poll), {"choice": "1", "check": "1"}).status_code == 200


def test_the_counters_add_and_count_atomically(db):
    cache = caches[limits.CACHE]
    assert cache.add("k", 1, 60) is True
    assert cache.add("k", 1, 60) is False
    assert cache.incr("k") == 2
    assert cache.incr("k", 3) == 5
    assert cache.get("k") == 5
    assert cache.get_many(["k", "missing"]) == {"k": 5}
    cache.set("other", {"a": 1})
    assert cache.get("other") == {"a": 1}
    with pytest.raises(ValueError):
        cache.incr("missing")
    assert cache.add("gone", 1, -1) is True  # already expired
    assert cache.get("gone") is None
    assert cache.add("gone", 7, 60) is True  # an expired counter starts afresh
    assert cache.get("gone") == 7


def test_a_requests_counters_are_counted_together_and_start_afresh_when_expired(db):
    cache = caches[limits.CACHE]
    assert cache.hit_many([("a", 60), ("b", 60)]) == {"a": 1, "b": 1}
    assert cache.hit_many([("a", 60), ("b", 60)]) == {"a": 2, "b": 2}
    assert cache.hit_many([("a", 60), ("c", -1)]) == {"a": 3, "c": 1}
    assert cache.get("a") == 3 and cache.get("c") is None  # c expired at once
    assert cache.hit_many([("c", 60)]) == {"c": 1}


def test_any_other_cache_counts_the_same(cast, settings):
    settings.CACHES = {
        **settings.CACHES,
        "ratelimit": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login-ip": "2/m"}
    client = Client(REMOTE_ADDR="10.3.0.1")
    for _ in range(2):
        assert login_attempt(client, password="wrong").status_code == 200
    assert_refused(login_attempt(client))
