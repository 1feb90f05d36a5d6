import pytest

from comuna.voting import services
from comuna.voting.ballots import BallotError
from comuna.voting.models import Voter
from tests.conftest import COUNCIL_A_VOTERS, SETUP, ballots_cast


def test_casting_records_one_ballot_and_marks_the_voter(cast, make_poll):
    poll = make_poll()
    receipt = services.cast(poll, cast.resident.user, "1")
    assert len(receipt.code) == 19 and not receipt.replaced
    assert ballots_cast(poll) == [["1"]]
    assert Voter.objects.get(poll=poll, resident=cast.resident).has_voted


def test_a_second_ballot_without_the_receipt_code_is_refused(cast, make_poll):
    poll = make_poll()
    services.cast(poll, cast.resident.user, "1")
    with pytest.raises(services.VotingError):
        services.cast(poll, cast.resident.user, "2")
    assert ballots_cast(poll) == [["1"]]


def test_changing_a_ballot_replaces_it_and_keeps_the_receipt(cast, make_poll):
    poll = make_poll()
    first = services.cast(poll, cast.resident.user, "1")
    second = services.cast(poll, cast.resident.user, "2", receipt_code=first.code.lower())
    assert second.replaced and second.code == first.code
    assert ballots_cast(poll) == [["2"]]


def test_another_voters_receipt_code_cannot_change_their_ballot(cast, make_poll):
    poll = make_poll()
    theirs = services.cast(poll, cast.resident.user, "1")
    services.cast(poll, cast.spokesperson.user, "1")
    with pytest.raises(services.VotingError):
        services.cast(poll, cast.spokesperson.user, "2", receipt_code=theirs.code)
    assert ballots_cast(poll) == [["1"], ["1"]]


def test_no_change_when_the_poll_forbids_it(cast, make_poll):
    poll = make_poll(allow_revote=False)
    first = services.cast(poll, cast.resident.user, "1")
    with pytest.raises(services.VotingError):
        services.cast(poll, cast.resident.user, "2", receipt_code=first.code)
    assert ballots_cast(poll) == [["1"]]


def test_only_voters_on_the_snapshot_register_may_vote(cast, make_poll):
    poll = make_poll()
    with pytest.raises(services.VotingError):
        services.cast(poll, cast.outsider.user, "1")
    # a resident registered after the poll opened is not on its register either
    from tests.conftest import make_resident

    late = make_resident(cast.council, "Tardía", username="late")
    with pytest.raises(services.VotingError):
        services.cast(poll, late.user, "1")
    assert ballots_cast(poll) == []


def test_minors_are_not_on_the_register(cast, make_poll):
    from datetime import date

    from tests.conftest import make_resident

    make_resident(
        cast.council,
        "Niña",
        born=date.today().replace(year=date.today().year - 10),
        username="child",
    )
    poll = make_poll()
    assert poll.voters.count() == COUNCIL_A_VOTERS


def test_a_draft_or_closed_poll_takes_no_ballots(cast, make_poll):
    poll = make_poll(open_it=False)
    with pytest.raises(services.VotingError):
        services.cast(poll, cast.resident.user, "1")
    services.open_poll(poll, by=SETUP)
    services.close_poll(poll, by=SETUP)
    with pytest.raises(services.VotingError):
        services.cast(poll, cast.resident.user, "1")
    assert ballots_cast(poll) == []


@pytest.mark.parametrize(
    ("method", "poll_settings", "bad", "good", "stored"),
    [
        ("single", {}, ["1", "2"], "2", ["2"]),
        ("single", {}, "9", "1", ["1"]),
        ("approval", {"max_choices": 2}, ["1", "2", "3"], ["3", "1"], ["1", "3"]),
        ("approval", {"min_choices": 2}, ["1"], ["1", "2"], ["1", "2"]),
        ("approval", {}, ["1", "1"], ["2"], ["2"]),
        ("ranked", {"rule": "irv"}, ["1", "9"], ["3", "1"], ["3", "1"]),
        (
            "cumulative",
            {"max_points": 5},
            {"1": 4, "2": 2},
            {"1": "3", "3": 2, "2": 0},
            [("1", 3), ("3", 2)],
        ),
        ("cumulative", {"max_points": 5}, {"1": -1}, {"2": 5}, [("2", 5)]),
    ],
)
def test_a_bad_ballot_is_refused_and_changes_nothing(
    cast, make_poll, method, poll_settings, bad, good, stored
):
    poll = make_poll(method, options=("A", "B", "C"), **poll_settings)
    with pytest.raises(BallotError):
        services.cast(poll, cast.resident.user, bad)
    assert ballots_cast(poll) == []
    assert not Voter.objects.get(poll=poll, resident=cast.resident).has_voted
    services.cast(poll, cast.resident.user, good)
    assert ballots_cast(poll) == [stored]


def test_a_budget_ballot_over_the_spending_limit_is_refused(cast, make_poll):
    from decimal import Decimal

    poll = make_poll(
        "budget",
        options=[("A", "600"), ("B", "300"), ("C", "250")],
        budget=Decimal("1000"),
        max_cost=Decimal("800"),
    )
    with pytest.raises(BallotError):
        services.cast(poll, cast.resident.user, ["1", "2"])
    services.cast(poll, cast.resident.user, ["2", "3"])
    assert ballots_cast(poll) == [["2", "3"]]


def test_receipts_find_their_ballot_and_nothing_else(cast, make_poll):
    poll = make_poll()
    receipt = services.cast(poll, cast.resident.user, "2")
    assert services.find_ballot(poll, receipt.code).choices == ["2"]
    assert services.find_ballot(poll, receipt.code.replace("-", " ").lower()).choices == ["2"]
    assert services.find_ballot(poll, "0000-0000-0000-0000") is None
