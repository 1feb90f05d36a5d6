from django.db import connection

from comuna.ledger import verify
from comuna.ledger.models import Entry
from comuna.voting import services
from comuna.voting.models import Ballot, Voter
from tests.conftest import COUNCIL_A_VOTERS, SETUP


def vote_all(cast, poll, choices_by_persona):
    for persona, choices in choices_by_persona.items():
        services.cast(poll, getattr(cast, persona).user, choices)


def test_closing_counts_with_the_rule_and_records_the_tally(cast, make_poll):
    poll = make_poll("ranked", options=("Ana", "Beto", "Carla"), rule="irv")
    vote_all(
        cast,
        poll,
        {
            "resident": ["1", "2"],
            "spokesperson": ["2", "1"],
            "electoral": ["3", "2"],
            "comptroller": ["2"],
            "admin": ["1", "2"],
        },
    )
    result = services.close_poll(poll, by=SETUP)
    # first choices 2-2-1: Carla out, her ballot goes to Beto: Beto 3, Ana 2
    assert result["winners"] == ["2"]
    assert result["tally"] == {"1": 2, "2": 2, "3": 1}
    entry = Entry.objects.get(kind="poll.closed")
    assert entry.chain == f"body:{cast.council.pk}"
    assert '"winners":["2"]' in entry.payload
    assert verify().ok


def test_a_budget_poll_is_allocated_by_equal_shares(cast, budget_poll):
    vote_all(
        cast,
        budget_poll,
        {
            "resident": ["1", "2"],
            "spokesperson": ["1", "3"],
            "electoral": ["2", "3"],
            "comptroller": ["4"],
            "admin": ["1"],
        },
    )
    result = services.close_poll(budget_poll, by=SETUP)
    assert sum(int(o.cost) for o in budget_poll.options.filter(key__in=result["winners"])) <= 1000
    assert result["winners"]


def tamper(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_verify_catches_an_edited_ballot(cast, make_poll):
    poll = make_poll()
    vote_all(cast, poll, {"resident": "1", "spokesperson": "1", "electoral": "2"})
    services.close_poll(poll, by=SETUP)
    assert verify().ok
    ballot = Ballot.objects.filter(poll=poll, choices=["2"]).first()
    tamper(
        "UPDATE voting_ballot SET choices = %s WHERE id = %s",
        ['["1"]', ballot.id.hex if connection.vendor == "sqlite" else str(ballot.id)],
    )
    report = verify()
    assert not report.ok
    problem = report.problems[0]
    assert problem.kind == "poll.closed" and "ballots" in str(problem)


def test_verify_catches_a_deleted_ballot(cast, make_poll):
    poll = make_poll()
    vote_all(cast, poll, {"resident": "1", "spokesperson": "2"})
    services.close_poll(poll, by=SETUP)
    ballot = Ballot.objects.filter(poll=poll).first()
    tamper(
        "DELETE FROM voting_ballot WHERE id = %s",
        [ballot.id.hex if connection.vendor == "sqlite" else str(ballot.id)],
    )
    assert not verify().ok


def test_the_register_count_and_turnout_are_recorded(cast, make_poll):
    poll = make_poll()
    vote_all(cast, poll, {"resident": "1"})
    services.close_poll(poll, by=SETUP)
    opened = Entry.objects.get(kind="poll.opened")
    closed = Entry.objects.get(kind="poll.closed")
    eligible = f'"eligible":{COUNCIL_A_VOTERS}'
    assert eligible in opened.payload and '"voted_online":1' in closed.payload
    assert Voter.objects.filter(poll=poll).count() == COUNCIL_A_VOTERS
