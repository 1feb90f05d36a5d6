"""Turnout over the frozen register and the statute's poll quorum, recorded when a poll closes
and re-checked by `comuna ledger verify`."""

from decimal import Decimal

from django.db import connection
from django.utils import timezone

from comuna.ledger import entries, record, verify
from comuna.territory import statutes
from comuna.voting import services, tally
from comuna.voting.models import Status
from tests.conftest import COUNCIL_A_VOTERS, SETUP


def vote(cast, poll, personas, choice="1"):
    for persona in personas:
        services.cast(poll, getattr(cast, persona).user, choice)


def closed_entry(poll):
    poll.refresh_from_db()
    return entries(poll.body.ledger_chain).get(kind="poll.closed", seq=poll.result_entry)


def with_poll_quorum(cast, pct):
    statutes.amend(cast.council, {"poll_quorum_pct": Decimal(pct)}, by=SETUP)


def test_closing_records_the_turnout_online_and_on_paper_over_the_frozen_register(cast, make_poll):
    poll = make_poll()
    vote(cast, poll, ["resident", "spokesperson"])
    services.enter_paper(poll, "Casa comunal", totals={"1": 3, "2": 1}, n_ballots=5, by=SETUP)
    result = services.close_poll(poll, by=SETUP)
    expected = {"register": COUNCIL_A_VOTERS, "online": 2, "paper": 5, "ballots": 7}
    assert result["turnout"] == expected
    poll.refresh_from_db()
    assert poll.result["turnout"] == expected
    assert closed_entry(poll).data["turnout"] == expected


def test_without_a_poll_quorum_in_the_statute_every_result_binds(cast, make_poll):
    poll = make_poll()
    result = services.close_poll(poll, by=SETUP)  # nobody voted
    assert result["quorum"] == {"statute_version": 1, "pct": "0.00", "needed": 0, "met": True}


def test_a_poll_short_of_the_statute_quorum_is_recorded_as_not_met(cast, make_poll):
    with_poll_quorum(cast, "30")  # 30% of 8 voters: 2.4, so 3 ballots
    poll = make_poll()
    vote(cast, poll, ["resident", "spokesperson"])
    result = services.close_poll(poll, by=SETUP)
    assert result["quorum"] == {"statute_version": 2, "pct": "30.00", "needed": 3, "met": False}
    assert closed_entry(poll).data["quorum"] == result["quorum"]
    assert verify([cast.council.ledger_chain]).ok


def test_a_poll_reaching_the_quorum_exactly_is_recorded_as_met(cast, make_poll):
    with_poll_quorum(cast, "30")
    poll = make_poll()
    vote(cast, poll, ["resident", "spokesperson", "electoral"])
    assert services.close_poll(poll, by=SETUP)["quorum"]["met"] is True


def test_the_quorum_is_the_one_of_the_statute_version_the_poll_opened_under(cast, make_poll):
    poll = make_poll()  # opened under version 1: no quorum
    with_poll_quorum(cast, "90")
    vote(cast, poll, ["resident"])
    assert services.close_poll(poll, by=SETUP)["quorum"] == {
        "statute_version": 1,
        "pct": "0.00",
        "needed": 0,
        "met": True,
    }


def test_verify_names_a_closed_poll_whose_statute_quorum_was_changed_with_sql(cast, make_poll):
    with_poll_quorum(cast, "30")
    poll = make_poll()
    vote(cast, poll, ["resident", "spokesperson", "electoral"])
    services.close_poll(poll, by=SETUP)
    poll.refresh_from_db()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE territory_statuteversion SET poll_quorum_pct = 50 WHERE id = %s",
            [poll.statute_id],
        )
    report = verify([cast.council.ledger_chain])
    kinds = {p.kind: str(p) for p in report.problems}
    assert "poll.closed" in kinds
    assert f"turnout or quorum of poll {poll.pk}" in kinds["poll.closed"]


def test_a_poll_closed_before_turnout_and_quorum_were_recorded_still_verifies(cast, make_poll):
    poll = make_poll()
    vote(cast, poll, ["resident"])
    services.mix(poll)  # closing mixes the box before it counts
    poll.refresh_from_db()
    # close it as the code before this change did: the entry without turnout or quorum
    counted = tally.load(poll)
    result = tally.count_poll(poll, counted)
    entry = record(
        cast.council.ledger_chain,
        "poll.closed",
        {
            "poll": poll.pk,
            "rule": poll.rule,
            "seats": poll.seats,
            "statute_version": poll.statute.number,
            "eligible": poll.voters.count(),
            "voted_online": 1,
            "digest": tally.digest(poll, counted),
            "result": {k: result[k] for k in ("winners", "tally", "ballots")},
        },
        actor="system:old-code",
    )
    poll.status, poll.closed_on, poll.result = Status.CLOSED, timezone.localdate(), result
    poll.result_entry = entry.seq
    poll.save()
    report = verify([cast.council.ledger_chain])
    assert report.ok, report.problems
