"""Hands in the room merged with the online ballots of members checked in online: only those
checked in online vote on the poll, the hands may not exceed the people present in the room,
so nobody is counted twice."""

import pytest

from comuna.assemblies import decisions
from comuna.assemblies.errors import AssemblyError
from comuna.assemblies.models import Method, Mode, Motion, Outcome
from comuna.ledger import entries, verify
from comuna.voting import services as voting
from comuna.voting.models import Poll
from comuna.voting.models import Status as PollStatus
from tests.assemblies.decision_helpers import PEOPLE, check_in, motion_on
from tests.assemblies.factories import assembly_in

pytestmark = pytest.mark.django_db
ROOM, ONLINE = PEOPLE[:5], PEOPLE[5:7]  # 5 in the room, 2 online (financial, parliamentarian)


@pytest.fixture
def hybrid(cast):
    assembly = assembly_in(cast, "in_session", online_url="https://meet.example.org/asamblea")
    check_in(cast, assembly, ROOM)
    check_in(cast, assembly, ONLINE, mode=Mode.ONLINE)
    return assembly


def _hands(f, a, s):
    return {"votes_for": f, "votes_against": a, "abstentions": s}


def test_only_those_checked_in_online_are_on_the_merged_ballots_register(cast, hybrid):
    poll = decisions.open_ballot(
        motion_on(cast, hybrid, method=Method.MERGED), by=cast.electoral.user
    )
    assert set(poll.voters.values_list("resident_id", flat=True)) == {
        getattr(cast, name).pk for name in ONLINE
    }
    with pytest.raises(voting.VotingError, match="not on the register"):
        voting.cast(poll, cast.resident.user, "1")  # in the room: they raise a hand


def test_hands_and_online_ballots_add_up_without_counting_anyone_twice(cast, hybrid):
    motion = motion_on(cast, hybrid, method=Method.MERGED)
    poll = decisions.open_ballot(motion, by=cast.electoral.user)
    voting.cast(poll, cast.financial.user, "1")
    voting.cast(poll, cast.parliamentarian.user, "2")
    decided = decisions.close_ballot(motion, by=cast.electoral.user, hands=_hands(3, 1, 1))
    assert (decided.votes_for, decided.votes_against, decided.abstentions) == (4, 2, 1)
    assert decided.present == 7 and decided.outcome == Outcome.CARRIED
    entry = entries(cast.council.ledger_chain).filter(kind="assembly.decision").last()
    assert entry.data["poll"] == poll.pk
    assert entry.data["in_room"] == _hands(3, 1, 1)
    assert entry.data["online"] == _hands(1, 1, 0)
    assert verify().ok


def test_hands_above_the_people_in_the_room_are_refused_and_nothing_changes(cast, hybrid):
    motion = motion_on(cast, hybrid, method=Method.MERGED)
    poll = decisions.open_ballot(motion, by=cast.electoral.user)
    voting.cast(poll, cast.financial.user, "1")
    # 6 hands: within the 7 present, but only 5 are in the room
    with pytest.raises(AssemblyError, match="only 5 people are present in the room"):
        decisions.close_ballot(motion, by=cast.electoral.user, hands=_hands(4, 1, 1))
    assert Poll.objects.get(pk=poll.pk).status == PollStatus.OPEN
    assert Motion.objects.get(pk=motion.pk).outcome == Outcome.PENDING


@pytest.mark.parametrize("bad", [-1, "3", None, 2.5, True])
def test_hands_must_be_whole_numbers_zero_or_more(cast, hybrid, bad):
    motion = motion_on(cast, hybrid, method=Method.MERGED)
    decisions.open_ballot(motion, by=cast.electoral.user)
    with pytest.raises(AssemblyError) as refused:
        decisions.close_ballot(motion, by=cast.electoral.user, hands=_hands(bad, 0, 0))
    assert "votes_for" in refused.value.message_dict
    assert Motion.objects.get(pk=motion.pk).outcome == Outcome.PENDING


def test_a_merged_decision_needs_the_hands_counted(cast, hybrid):
    motion = motion_on(cast, hybrid, method=Method.MERGED)
    decisions.open_ballot(motion, by=cast.electoral.user)
    with pytest.raises(AssemblyError, match="hands counted in the room"):
        decisions.close_ballot(motion, by=cast.electoral.user)


def test_merging_needs_a_hybrid_session(cast):
    assembly = assembly_in(cast, "in_session")
    check_in(cast, assembly, PEOPLE)
    with pytest.raises(AssemblyError, match="hybrid session"):
        motion_on(cast, assembly, method=Method.MERGED)


def test_a_merged_ballot_needs_someone_online(cast):
    assembly = assembly_in(cast, "in_session", online_url="https://meet.example.org/asamblea")
    check_in(cast, assembly, PEOPLE)
    motion = motion_on(cast, assembly, method=Method.MERGED)
    with pytest.raises(AssemblyError, match="Nobody is checked in online"):
        decisions.open_ballot(motion, by=cast.electoral.user)


def test_verify_catches_an_sql_edit_of_merged_counts(cast, hybrid):
    from django.db import connection

    motion = motion_on(cast, hybrid, method=Method.MERGED)
    poll = decisions.open_ballot(motion, by=cast.electoral.user)
    voting.cast(poll, cast.financial.user, "1")
    decisions.close_ballot(motion, by=cast.electoral.user, hands=_hands(4, 0, 0))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Motion._meta.db_table} SET votes_for = 1 WHERE id = %s", [motion.pk]
        )
    report = verify()
    assert not report.ok and any("votes_for" in str(p) for p in report.problems)
