"""Personal access tokens: made and revoked on the profile page, shown once, stored hashed,
and how the API judges a request that sends one (or a session, with its CSRF check)."""

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from comuna.api import tokens
from comuna.api.access import user_of
from comuna.api.models import PersonalToken, Scope
from tests.api.conftest import Caller, token_for

ME = "/api/v1/me/"


def _make(client, **fields):
    data = {"name": "Mi script", "scope": "read", "expires_on": ""} | fields
    return client.post(reverse("token-new"), data)


def test_a_token_is_made_on_the_profile_page_and_its_secret_shown_only_once(cast, login):
    client = login(cast.resident.user)
    profile = client.get(reverse("profile"))
    assert 'action="/me/tokens/new/"' in profile.content.decode()
    response = _make(client, name="Mi script", scope="read-write")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    secret = page.split('id="token-secret"><code>')[1].split("</code>")[0]
    assert secret.startswith("cmn_") and len(secret) > 40
    assert "una sola vez" in page  # the page says it is shown once (Spanish by default)
    token = PersonalToken.objects.get()
    assert (token.user, token.name, token.scope) == (cast.resident.user, "Mi script", "read-write")
    assert token.secret_hash == tokens.digest(secret) and secret.startswith(token.prefix)
    listed = client.get(reverse("profile")).content.decode()
    assert "Mi script" in listed and token.prefix in listed and secret not in listed
    assert Caller().client.get(ME, headers={"Authorization": f"Bearer {secret}"}).status_code == 200


def test_the_token_pages_speak_portuguese_and_need_no_javascript(cast, login):
    client = login(cast.resident.user)
    page = client.get(reverse("profile"), HTTP_ACCEPT_LANGUAGE="pt").content.decode()
    assert "Tokens de acesso pessoal" in page
    assert "<script" not in page.split('id="tokens"')[1]
    response = client.post(
        reverse("token-new"), {"name": "x", "scope": "read"}, HTTP_ACCEPT_LANGUAGE="pt"
    )
    assert "apenas uma vez" in response.content.decode()


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"name": ""}, "name"),
        ({"scope": "admin"}, "scope"),
        ({"expires_on": "2001-01-01"}, "expires_on"),
        ({"expires_on": "mañana"}, "expires_on"),
        ({"name": "x" * 101}, "name"),
    ],
)
def test_a_bad_token_form_says_what_is_wrong_and_makes_nothing(cast, login, fields, field):
    response = _make(login(cast.resident.user), **fields)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not PersonalToken.objects.exists()


def test_revoking_is_immediate_and_only_for_the_owner(cast, login):
    secret = token_for(cast.resident.user)
    token = PersonalToken.objects.get()
    url = reverse("token-revoke", kwargs={"pk": token.pk})
    assert login(cast.spokesperson.user).post(url).status_code == 404
    assert Caller().client.get(ME, headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    client = login(cast.resident.user)
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("profile")
    refused = Caller().client.get(ME, headers={"Authorization": f"Bearer {secret}"})
    assert refused.status_code == 401
    assert set(refused.json()) == {"detail", "errors"}
    assert "Revocado" in client.get(reverse("profile")).content.decode()


@pytest.mark.parametrize(
    "header",
    [
        "Bearer cmn_not-a-token-of-ours",
        "Bearer ",
        "Bearer " + "x" * 5000,
        "Basic cmVzaWRlbnQ6YS1sb25nLXRlc3QtcGFzc3dvcmQ=",
        "Token abc",
    ],
)
def test_an_unknown_token_or_another_scheme_is_a_json_401(cast, header):
    response = Caller().client.get(ME, headers={"Authorization": header})
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"


def test_a_bad_token_is_refused_even_with_a_session(cast):
    caller = Caller(cast.resident.user, how="session")
    assert caller.get(ME).status_code == 200
    caller.headers["Authorization"] = "Bearer cmn_forged"
    assert caller.get(ME).status_code == 401


def test_an_expired_token_is_refused_and_one_expiring_today_still_works(cast):
    today = timezone.localdate()
    expired = token_for(cast.resident.user, expires_on=today - timedelta(days=1))
    last_day = token_for(cast.resident.user, expires_on=today)
    assert (
        Caller().client.get(ME, headers={"Authorization": f"Bearer {expired}"}).status_code == 401
    )
    assert (
        Caller().client.get(ME, headers={"Authorization": f"Bearer {last_day}"}).status_code == 200
    )


def test_a_token_of_a_deactivated_login_is_refused(cast):
    secret = token_for(cast.resident.user)
    cast.resident.user.is_active = False
    cast.resident.user.save()
    assert Caller().client.get(ME, headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_using_a_token_records_when(cast):
    secret = token_for(cast.resident.user, Scope.READ)
    assert PersonalToken.objects.get().last_used_at is None
    Caller().client.get(ME, headers={"Authorization": f"Bearer {secret}"})
    assert PersonalToken.objects.get().last_used_at is not None


def test_a_session_post_without_the_csrf_token_is_a_json_403(cast, poll):
    url = f"/api/v1/bodies/{cast.council.slug}/polls/{poll.pk}/ballot"
    caller = Caller(cast.resident.user, how="session", csrf=False)
    response = caller.post(url, {"choices": ["1"]})
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert "CSRF" in response.json()["detail"]
    assert not poll.voters.filter(has_voted=True).exists()


def test_a_read_token_may_not_post(cast, poll):
    url = f"/api/v1/bodies/{cast.council.slug}/polls/{poll.pk}/ballot"
    response = Caller(cast.resident.user, how="token-read").post(url, {"choices": ["1"]})
    assert response.status_code == 403
    assert "may only read" in response.json()["detail"]
    assert not poll.voters.filter(has_voted=True).exists()


def test_user_of_reads_a_token_sent_to_an_endpoint_without_auth(cast):
    """Public endpoints take no auth: user_of still finds the token's user, and refuses a bad
    token rather than treating its caller as a visitor."""
    from django.contrib.auth.models import AnonymousUser
    from ninja.errors import AuthenticationError

    secret = token_for(cast.resident.user, Scope.READ)
    request = RequestFactory().get("/api/v1/anything", HTTP_AUTHORIZATION=f"Bearer {secret}")
    request.user = AnonymousUser()
    assert user_of(request) == cast.resident.user
    forged = RequestFactory().get("/api/v1/anything", HTTP_AUTHORIZATION="Bearer cmn_forged")
    forged.user = AnonymousUser()
    with pytest.raises(AuthenticationError):
        user_of(forged)
    plain = RequestFactory().get("/api/v1/anything")
    plain.user = AnonymousUser()
    assert user_of(plain).is_anonymous
