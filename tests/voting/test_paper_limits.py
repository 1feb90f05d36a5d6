"""Paper entries cannot hold more ballots than the voters who may have voted on paper."""

import itertools

import pytest

from comuna.ledger import verify
from comuna.ledger.models import Entry
from comuna.voting import services
from comuna.voting.models import Ballot, PaperBatch, PaperSheet
from tests.conftest import COUNCIL_A_VOTERS, SETUP


def _nothing_entered():
    return (
        not PaperBatch.objects.exists()
        and not PaperSheet.objects.exists()
        and not Ballot.objects.filter(source="paper").exists()
        and not Entry.objects.filter(kind__startswith="paper.").exists()
    )


def test_it_refuses_more_ballot_lines_than_voters_who_did_not_vote_online(cast, make_poll):
    poll = make_poll()
    services.cast(poll, cast.resident.user, "1")
    services.cast(poll, cast.admin.user, "2")
    room = COUNCIL_A_VOTERS - 2
    with pytest.raises(services.VotingError) as refused:
        services.enter_paper(poll, "Casa comunal", ballots=[["1"]] * (room + 1), by=SETUP)
    message = str(refused.value)
    assert f"at most {room} voters" in message
    assert f"{COUNCIL_A_VOTERS} on the register, 2 voted online" in message
    assert _nothing_entered()
    services.enter_paper(poll, "Casa comunal", ballots=[["1"]] * room, by=SETUP)
    assert Ballot.objects.filter(source="paper").count() == room


def test_it_refuses_totals_of_more_ballots_than_the_register_allows(cast, make_poll):
    poll = make_poll()
    with pytest.raises(services.VotingError, match="at most 8 voters"):
        services.enter_paper(
            poll, "Casa comunal", totals={"1": 500_000}, n_ballots=500_000, by=SETUP
        )
    assert _nothing_entered()


def test_it_counts_the_paper_ballots_of_other_places_but_not_of_the_place_corrected(
    cast, make_poll
):
    poll = make_poll()
    first = services.enter_paper(poll, "Casa comunal", totals={"1": 5}, n_ballots=5, by=SETUP)
    with pytest.raises(services.VotingError, match="5 paper ballots counted at other places"):
        services.enter_paper(poll, "Escuela", totals={"1": 4}, n_ballots=4, by=SETUP)
    # a correction replaces the place's own ballots: all eight may be there
    services.enter_paper(
        poll,
        "Casa comunal",
        totals={"1": 8},
        n_ballots=8,
        corrects=first,
        reason="Acta mal sumada",
        by=SETUP,
    )
    assert verify().ok


def test_it_stops_reading_ballots_as_soon_as_there_are_too_many(cast, make_poll):
    poll = make_poll()
    read = itertools.count()
    lines = (["1"] for _ in range(500_000) if next(read) >= 0)
    with pytest.raises(services.VotingError, match="9 paper ballots"):
        services.enter_paper(poll, "Casa comunal", ballots=lines, by=SETUP)
    assert next(read) == COUNCIL_A_VOTERS + 1  # the ninth line was the last one read
    assert _nothing_entered()


def test_it_refuses_to_correct_a_place_that_has_no_earlier_entry(cast, make_poll):
    poll = make_poll()
    with pytest.raises(services.VotingError, match="no earlier entry of Escuela to correct"):
        services.enter_sheet(
            poll,
            "Escuela",
            totals={"1": 2},
            n_ballots=2,
            correct=True,
            reason="recuento",
            by=cast.electoral.user,
        )
    assert _nothing_entered()
