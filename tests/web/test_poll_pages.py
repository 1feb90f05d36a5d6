"""Poll pages: who may do what, and the voting flow without JavaScript."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from comuna.voting import services
from comuna.voting.models import Poll, Status
from tests.conftest import MEMBERS, PERSONAS, SETUP, ballots_cast


def url(name, poll, **kw):
    return reverse(name, kwargs={"slug": poll.body.slug, "pk": poll.pk, **kw})


@pytest.mark.parametrize("persona", PERSONAS)
def test_open_poll_pages(cast, login, poll, persona):
    client = login(cast.user(persona))
    pages = {
        "list": reverse("polls", kwargs={"slug": cast.council.slug}),
        "detail": url("poll", poll),
        "new": reverse("poll-new", kwargs={"slug": cast.council.slug}),
        "paper": url("poll-paper", poll),
    }
    allowed = {"list": MEMBERS, "detail": MEMBERS, "new": {"electoral"}, "paper": {"electoral"}}
    for name, address in pages.items():
        response = client.get(address)
        if persona == "anonymous":
            assert response.status_code == 302, name
        elif persona in allowed[name]:
            assert response.status_code == 200, name
        else:
            assert response.status_code == 403, name
    # results and ballots are published only when the poll closes
    assert client.get(url("poll-results", poll)).status_code == 404
    assert client.get(url("poll-ballots", poll, fmt="json")).status_code == 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_electoral_commission_closes_a_poll(cast, login, poll, persona):
    response = login(cast.user(persona)).post(url("poll-close", poll))
    poll.refresh_from_db()
    if persona == "electoral":
        assert response.status_code == 302 and poll.status == Status.CLOSED
    else:
        assert response.status_code in (302, 403) and poll.status == Status.OPEN


@pytest.mark.parametrize("step", ["poll-open", "poll-close"])
def test_a_budget_districts_poll_is_opened_and_closed_by_its_budget_not_its_page(cast, login, step):
    """The electoral commission may open and close its body's polls, but not one a budget
    holds: that would cut the budget's vote short (or, opened early, leave the budget unable to
    open), so the page refuses it, says why and changes nothing."""
    from tests.cycles.factories import budget_in

    budget = budget_in(cast, "draft" if step == "poll-open" else "open")
    poll = budget.districts.get().poll
    before = poll.status
    client = login(cast.electoral.user)
    page = client.get(url("poll", poll)).content.decode()
    assert url(step, poll) not in page
    response = client.post(url(step, poll), follow=True)
    poll.refresh_from_db()
    assert poll.status == before
    assert "un presupuesto participativo: se abre y se cierra allí" in response.content.decode()


@pytest.mark.parametrize("persona", ["outsider", "anonymous"])
def test_a_non_member_cannot_vote(cast, login, poll, persona):
    response = login(cast.user(persona)).post(url("poll-vote", poll), {"choice": "1"})
    assert response.status_code in (302, 403)
    assert ballots_cast() == []


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_closed_polls_results_ballots_and_receipt_check_are_public(cast, login, poll, persona):
    services.close_poll(poll, by=SETUP)
    client = login(cast.user(persona))
    results = client.get(url("poll-results", poll))
    assert results.status_code == 200 and results.context["entry"].kind == "poll.closed"
    assert client.get(url("poll-ballots", poll, fmt="json")).status_code == 200
    assert client.get(url("poll-ballots", poll, fmt="soi")).status_code == 200
    assert client.get(url("poll-check", poll)).status_code == 200


def test_voting_shows_the_receipt_once_and_the_check_page_finds_it(cast, login, poll):
    client = login(cast.resident.user)
    page = client.get(url("poll", poll)).content.decode()
    assert 'type="radio" name="choice" value="1"' in page
    response = client.post(url("poll-vote", poll), {"choice": "1"})
    assert response.status_code == 200
    code = re.search(r'id="receipt-code"><strong>([0-9A-Z-]+)<', response.content.decode())[1]
    assert ballots_cast() == [["1"]]
    services.close_poll(poll, by=SETUP)
    found = client.post(url("poll-check", poll), {"code": code})
    assert found.status_code == 200 and 'id="receipt-found"' in found.content.decode()
    assert client.post(url("poll-check", poll), {"code": "AAAA-BBBB-CCCC-DDDD"}).status_code == 404


def test_a_refused_ballot_says_why_and_records_nothing(cast, login, poll):
    response = login(cast.resident.user).post(url("poll-vote", poll), {})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert ballots_cast() == []


def test_a_ranked_ballot_is_cast_without_javascript(cast, login):
    poll = services.create_poll(
        cast.council,
        title="Vocería de salud",
        method="ranked",
        rule="irv",
        options=[{"label": "Ana"}, {"label": "Beto"}, {"label": "Carla"}],
        by=SETUP,
    )
    services.open_poll(poll, by=SETUP)
    client = login(cast.resident.user)
    bad = client.post(url("poll-vote", poll), {"rank_1": "1", "rank_2": "3"})
    assert bad.status_code == 400 and ballots_cast() == []
    ok = client.post(url("poll-vote", poll), {"rank_1": "2", "rank_2": "", "rank_3": "1"})
    assert ok.status_code == 200
    assert ballots_cast() == [["3", "1"]]


def test_the_electoral_commission_convenes_a_budget_poll_from_the_page(cast, login):
    client = login(cast.electoral.user)
    response = client.post(
        reverse("poll-new", kwargs={"slug": cast.council.slug}),
        {
            "title": "Presupuesto participativo 2027",
            "method": "budget",
            "seats": 1,
            "min_choices": 1,
            "budget": "1000",
            "options": "Techo | 600\nCancha | 300,50\n",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    poll = Poll.objects.get()
    assert poll.rule == "mes-cost-complete" and poll.budget == Decimal("1000")
    assert [(o.label, o.cost) for o in poll.options.all()] == [
        ("Techo", Decimal("600")),
        ("Cancha", Decimal("300.50")),
    ]


def test_a_budget_poll_without_costs_is_refused(cast, login):
    client = login(cast.electoral.user)
    response = client.post(
        reverse("poll-new", kwargs={"slug": cast.council.slug}),
        {
            "title": "PP",
            "method": "budget",
            "seats": 1,
            "min_choices": 1,
            "budget": "1000",
            "options": "Techo\nCancha | 300",
        },
    )
    assert response.status_code == 200 and not Poll.objects.exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_ledger_of_a_body_is_public_and_downloadable(cast, login, poll, persona):
    import json

    client = login(cast.user(persona))
    page = client.get(reverse("ledger", kwargs={"slug": cast.council.slug}))
    assert page.status_code == 200 and "poll.opened" in page.content.decode()
    export = client.get(reverse("ledger-export", kwargs={"slug": cast.council.slug}))
    rows = [json.loads(line) for line in b"".join(export.streaming_content).splitlines()]
    assert [r["seq"] for r in rows] == list(range(1, len(rows) + 1))
    assert rows[-1]["hash"] in page.content.decode()
    # anyone can recompute every hash and link with nothing but hashlib and json
    import hashlib

    previous = "0" * 64
    for row in rows:
        given = row.pop("hash")
        text = json.dumps(row, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert hashlib.sha256(text.encode()).hexdigest() == given
        assert row["prev_hash"] == previous
        previous = given
