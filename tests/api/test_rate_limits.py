"""The rate limits of the API's casting and of making tokens: past the rate, 429 with
Retry-After (JSON for the API, the page for the profile's form), and nothing done."""

import pytest
from django.urls import reverse

from comuna.api.models import PersonalToken
from tests.api.conftest import Caller
from tests.conftest import ballots_cast

pytestmark = pytest.mark.usefixtures("rate_limited")


def ballot_url(poll):
    return f"/api/v1/bodies/{poll.body.slug}/polls/{poll.pk}/ballot"


def test_a_ballot_past_the_tokens_users_rate_is_refused_with_json_and_changes_nothing(
    cast, poll, settings
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "cast-user": "1/m"}
    voter = Caller(cast.resident.user, how="token-read-write")
    first = voter.post(ballot_url(poll), {"choices": ["1"]})
    assert first.status_code == 201, first.content
    code = first.json()["code"]
    second = voter.post(ballot_url(poll), {"choices": ["2"], "receipt_code": code})
    assert second.status_code == 429
    assert 1 <= int(second["Retry-After"]) <= 60
    assert set(second.json()) == {"detail", "errors"}
    assert ballots_cast(poll) == [["1"]]  # the change was not made
    # another voter is not affected
    other = Caller(cast.spokesperson.user, how="token-read-write")
    assert other.post(ballot_url(poll), {"choices": ["2"]}).status_code == 201


def test_making_tokens_past_the_rate_is_refused_and_makes_none(cast, login, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "token-user": "1/h"}
    client = login(cast.resident.user)
    form = {"name": "guion", "scope": "read"}
    assert client.post(reverse("token-new"), form).status_code == 200
    response = client.post(reverse("token-new"), {**form, "name": "otro"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert list(
        PersonalToken.objects.filter(user=cast.resident.user).values_list("name", flat=True)
    ) == ["guion"]
