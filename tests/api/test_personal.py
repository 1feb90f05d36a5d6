"""The personal endpoints: who I am and my roles, a body's census, casting a ballot through
the same parsing and service as the voting form."""

import pytest
from django.urls import reverse

from comuna.ledger import head
from comuna.voting import services
from comuna.voting.models import Poll
from tests.api.conftest import Caller
from tests.conftest import SETUP, ballots_cast, make_household


def _ballot_url(poll: Poll, slug="consejo-a") -> str:
    return f"/api/v1/bodies/{slug}/polls/{poll.pk}/ballot"


def _poll(cast, method, labels=("Uno", "Dos", "Tres"), **settings):
    options = [{"label": label} for label in labels]
    if method == "budget":
        options = [{"label": label, "cost": "100"} for label in labels]
        settings.setdefault("budget", "250")
        settings.setdefault("max_cost", "250")
    poll = services.create_poll(
        cast.council,
        title=f"Encuesta {method}",
        method=method,
        options=options,
        by=SETUP,
        **settings,
    )
    services.open_poll(poll, by=SETUP)
    return poll


# --- me -----------------------------------------------------------------------------------


def test_me_lists_my_bodies_and_roles_with_labels_in_my_language(cast):
    caller = Caller(cast.electoral.user, how="token-read")
    caller.headers["Accept-Language"] = "pt"
    response = caller.get("/api/v1/me/")
    assert response.status_code == 200
    me = response.json()
    assert me["username"] == "electoral" and me["name"] == str(cast.electoral)
    bodies = {b["slug"]: b for b in me["bodies"]}
    assert list(bodies) == ["consejo-a", "comuna", "ciudad"]
    council = bodies["consejo-a"]
    assert council["kind"] == {"code": "council", "label": "Conselho comunal"}
    assert [r["code"] for r in council["roles"]] == ["resident", "spokesperson", "electoral"]
    assert bodies["comuna"]["roles"] == [{"code": "resident", "label": "Morador"}]


def test_me_of_a_parliamentarian_names_the_commune_role(cast):
    me = Caller(cast.parliamentarian.user, how="session").get("/api/v1/me/").json()
    roles = {b["slug"]: [r["code"] for r in b["roles"]] for b in me["bodies"]}
    assert roles["comuna"] == ["resident", "spokesperson", "parliamentarian"]
    assert roles["consejo-a"] == ["resident"]


def test_me_needs_a_login(cast):
    response = Caller().get("/api/v1/me/")
    assert response.status_code == 401
    assert set(response.json()) == {"detail", "errors"}


# --- census -------------------------------------------------------------------------------


def test_the_census_lists_households_as_the_census_page_does(cast, login):
    make_household(cast.council, code="ZZ-9", address="Calle Última")
    caller = Caller(cast.comptroller.user, how="token-read")
    census = caller.get("/api/v1/bodies/consejo-a/census/").json()
    page = login(cast.comptroller.user).get(reverse("census", kwargs={"slug": "consejo-a"}))
    assert census["households"] == page.context["page"].paginator.count
    assert census["residents"] == page.context["residents"] == 8
    assert census["voters"] == page.context["voters"]
    assert [h["code"] for h in census["results"]] == [h.code for h in page.context["page"]]
    last = census["results"][-1]
    assert last == {"code": "ZZ-9", "address": "Calle Última", "sector": "", "residents": 0}


def test_the_census_searches_and_pages(cast):
    for i in range(31):
        make_household(cast.council, code=f"P-{i:02}", address=f"Pasaje {i}")
    caller = Caller(cast.electoral.user, how="session")
    first = caller.get("/api/v1/bodies/consejo-a/census/", q="Pasaje").json()
    assert (first["households"], first["pages"], len(first["results"])) == (31, 2, 30)
    second = caller.get("/api/v1/bodies/consejo-a/census/", q="Pasaje", page=2).json()
    assert [h["code"] for h in second["results"]] == ["P-30"]
    assert caller.get("/api/v1/bodies/consejo-a/census/", page=3).status_code == 404
    bad = caller.get("/api/v1/bodies/consejo-a/census/", page="x")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "page"
    nul = caller.get("/api/v1/bodies/consejo-a/census/", q="a\x00b")
    assert nul.status_code == 400 and nul.json()["errors"][0]["field"] == "q"


@pytest.mark.parametrize("persona", ["resident", "spokesperson", "outsider"])
def test_the_census_is_refused_to_members_without_the_right(cast, persona):
    response = Caller(cast.user(persona), how="token-read").get("/api/v1/bodies/consejo-a/census/")
    assert response.status_code == 403
    assert response.json()["detail"]


def test_an_unknown_body_is_a_json_404(cast):
    response = Caller(cast.admin.user, how="session").get("/api/v1/bodies/nadie/census/")
    assert response.status_code == 404


# --- casting ------------------------------------------------------------------------------


def test_a_ballot_is_cast_with_a_token_and_returns_the_receipt(cast, poll):
    caller = Caller(cast.resident.user, how="token-read-write")
    response = caller.post(_ballot_url(poll), {"choices": ["2"]})
    assert response.status_code == 201
    receipt = response.json()
    assert receipt["replaced"] is False
    assert receipt["poll"] == {"id": poll.pk, "title": poll.title, "body": "consejo-a"}
    current = head(cast.council.ledger_chain)
    assert receipt["ledger_head"]["seq"] == current.seq
    assert receipt["ledger_head"]["hash"] == current.hash
    assert receipt["ledger_head"]["signed_head"].endswith("/b/consejo-a/ledger/head.json")
    assert ballots_cast(poll) == [["2"]]
    found = services.find_ballot(poll, receipt["code"])
    assert found is not None and found.choices == ["2"]


def test_a_ballot_is_cast_with_a_session_and_its_csrf_token(cast, poll):
    response = Caller(cast.resident.user, how="session").post(_ballot_url(poll), {"choices": ["1"]})
    assert response.status_code == 201
    assert ballots_cast(poll) == [["1"]]


@pytest.mark.parametrize(
    "method, payload, stored",
    [
        ("approval", {"choices": ["3", "1"]}, ["1", "3"]),
        ("ranked", {"ranks": {"3": 1, "1": 2}}, ["3", "1"]),
        ("ranked", {"ranks": {"3": "1", "1": "2"}}, ["3", "1"]),
        ("budget", {"choices": ["1", "2"]}, ["1", "2"]),
        ("cumulative", {"points": {"2": 3, "3": 1}}, [("2", 3), ("3", 1)]),
    ],
)
def test_every_method_takes_its_ballot(cast, method, payload, stored):
    settings = {"max_points": 5} if method == "cumulative" else {}
    poll = _poll(cast, method, **settings)
    response = Caller(cast.resident.user, how="token-read-write").post(_ballot_url(poll), payload)
    assert response.status_code == 201, response.json()
    assert ballots_cast(poll) == [stored]


@pytest.mark.parametrize(
    "method, payload, field, message",
    [
        ("single", {"choices": ["1", "2"]}, "choices", "Choose at most 1 option."),
        ("single", {"choices": []}, "choices", "Choose an option."),
        ("single", {"choices": ["9"]}, "choices", "No option 9 in this poll."),
        ("single", {"ranks": {"1": 1}}, "ranks", "This poll's ballot is given in “choices”."),
        ("single", {}, "choices", "Choose an option."),
        ("ranked", {"ranks": {"1": 1, "2": 3}}, "ranks", "Number your preferences 1, 2, 3…"),
        ("ranked", {"ranks": {"1": "uno"}}, "ranks.1", "Enter a whole number."),
        ("ranked", {"ranks": {"7": 1}}, "ranks", "No option 7 in this poll."),
        ("cumulative", {"points": {"1": -1}}, "points.1", "Points cannot be negative."),
        ("cumulative", {"points": {"1": 9}}, "points", "You gave 9 points; each voter has 5."),
        ("budget", {"choices": ["1", "2", "3"]}, "choices", "The chosen projects cost"),
        ("approval", {"choices": "1"}, "choices", "This value is not of the expected type."),
    ],
)
def test_a_bad_ballot_is_a_400_saying_which_field_and_nothing_is_cast(
    cast, method, payload, field, message
):
    poll = _poll(cast, method, **({"max_points": 5} if method == "cumulative" else {}))
    response = Caller(cast.resident.user, how="token-read-write").post(_ballot_url(poll), payload)
    assert response.status_code == 400
    error = response.json()
    assert error["errors"][0]["field"] == field
    assert message in error["detail"] + error["errors"][0]["message"]
    assert ballots_cast(poll) == []
    assert not poll.voters.filter(has_voted=True).exists()


def test_the_api_and_the_form_refuse_a_ballot_with_the_same_words(cast, login):
    poll = _poll(cast, "ranked")
    form = login(cast.spokesperson.user).post(
        reverse("poll-vote", kwargs={"slug": "consejo-a", "pk": poll.pk}),
        {"rank_1": "1", "rank_2": "1"},
        HTTP_ACCEPT_LANGUAGE="es",
    )
    caller = Caller(cast.resident.user, how="token-read-write")
    caller.headers["Accept-Language"] = "es"
    api = caller.post(_ballot_url(poll), {"ranks": {"1": 1, "2": 1}})
    assert form.status_code == api.status_code == 400
    assert api.json()["detail"] == form.context["error"]


def test_a_ballot_is_changed_with_its_receipt_code_as_on_the_web(cast):
    poll = _poll(cast, "single", allow_revote=True)
    caller = Caller(cast.resident.user, how="token-read-write")
    first = caller.post(_ballot_url(poll), {"choices": ["1"]}).json()
    again = caller.post(_ballot_url(poll), {"choices": ["2"]})
    assert again.status_code == 409 and "receipt code" in again.json()["detail"]
    wrong = caller.post(_ballot_url(poll), {"choices": ["2"], "receipt_code": "AAAA-BBBB"})
    assert wrong.status_code == 409
    assert ballots_cast(poll) == [["1"]]
    changed = caller.post(_ballot_url(poll), {"choices": ["2"], "receipt_code": first["code"]})
    assert changed.status_code == 201
    assert changed.json()["replaced"] is True and changed.json()["code"] == first["code"]
    assert ballots_cast(poll) == [["2"]]


def test_a_second_ballot_without_revote_is_a_409(cast, poll):
    caller = Caller(cast.resident.user, how="token-read-write")
    assert caller.post(_ballot_url(poll), {"choices": ["1"]}).status_code == 201
    response = caller.post(_ballot_url(poll), {"choices": ["2"]})
    assert response.status_code == 409
    assert ballots_cast(poll) == [["1"]]


def test_a_closed_poll_is_a_409_and_counts_nothing(cast, poll):
    services.close_poll(poll, by=SETUP)
    response = Caller(cast.resident.user, how="token-read-write").post(
        _ballot_url(poll), {"choices": ["1"]}
    )
    assert response.status_code == 409
    assert "closed" in response.json()["detail"]
    assert ballots_cast(poll) == []


def test_a_resident_not_on_the_frozen_register_is_refused_403(cast, poll):
    from tests.conftest import make_resident

    late = make_resident(cast.council, "Tardía", username="late")
    response = Caller(late.user, how="token-read-write").post(_ballot_url(poll), {"choices": ["1"]})
    assert response.status_code == 403
    assert response.json()["detail"] == "You are not on the register of this poll."
    assert ballots_cast(poll) == []


def test_an_outsider_is_refused_403_and_an_unknown_poll_404(cast, poll):
    outsider = Caller(cast.outsider.user, how="token-read-write")
    assert outsider.post(_ballot_url(poll), {"choices": ["1"]}).status_code == 403
    resident = Caller(cast.resident.user, how="token-read-write")
    assert resident.post(_ballot_url(poll, slug="consejo-b"), {"choices": ["1"]}).status_code == 404
    assert resident.post("/api/v1/bodies/consejo-a/polls/999999/ballot", {}).status_code == 404
    assert ballots_cast(poll) == []


@pytest.mark.parametrize("body", ["not json", '{"choices": ', "[1, 2]", '{"choices": [null]}'])
def test_a_body_that_is_not_a_ballot_is_a_400(cast, poll, body):
    caller = Caller(cast.resident.user, how="token-read-write")
    response = caller.client.post(
        _ballot_url(poll), body, content_type="application/json", headers=caller.headers
    )
    assert response.status_code == 400
    assert set(response.json()) == {"detail", "errors"}
    assert ballots_cast(poll) == []


def test_a_ballot_with_a_field_the_api_does_not_know_is_refused_and_casts_nothing(cast, poll):
    voter = Caller(cast.resident.user, how="token-read-write")
    url = f"/api/v1/bodies/{poll.body.slug}/polls/{poll.pk}/ballot"
    response = voter.post(url, {"choices": ["1"], "choise": ["2"]})
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["choise"]
    assert ballots_cast(poll) == []
