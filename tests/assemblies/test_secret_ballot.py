"""A motion decided by secret ballot online: a poll of the body whose register is exactly the
people checked in, voted through the voting service (with receipts), closed and counted into
the decision, which names the poll."""

import pytest
from django.db import connection

from comuna.assemblies import decisions
from comuna.assemblies.errors import AssemblyError
from comuna.assemblies.models import Method, Motion, Outcome
from comuna.ledger import entries, verify
from comuna.voting import services as voting
from comuna.voting.models import Poll
from comuna.voting.models import Status as PollStatus
from tests.assemblies.decision_helpers import PEOPLE, check_in, motion_on
from tests.assemblies.factories import assembly_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(cast):
    assembly = assembly_in(cast, "in_session")
    check_in(cast, assembly, PEOPLE[:6])  # resident ... financial; not parliamentarian
    return assembly


def _vote(cast, poll, name, key):
    return voting.cast(poll, getattr(cast, name).user, key)


def test_the_ballot_is_a_poll_open_to_exactly_the_people_checked_in(cast, session):
    motion = motion_on(cast, session, method=Method.SECRET)
    poll = decisions.open_ballot(motion, by=cast.electoral.user)
    assert poll.status == PollStatus.OPEN and poll.method == "single" and poll.rule == "plurality"
    assert [o.label for o in poll.options.all()] == ["A favor", "En contra", "Abstención"]
    voters = set(poll.voters.values_list("resident_id", flat=True))
    assert voters == {getattr(cast, name).pk for name in PEOPLE[:6]}
    assert Motion.objects.get(pk=motion.pk).poll == poll


def test_a_non_attendee_cannot_vote_in_the_assemblys_ballot(cast, session):
    poll = decisions.open_ballot(
        motion_on(cast, session, method=Method.SECRET), by=cast.electoral.user
    )
    with pytest.raises(voting.VotingError, match="not on the register"):
        _vote(cast, poll, "parliamentarian", "1")


def test_ballots_cast_by_attendees_decide_the_motion_and_the_entry_names_the_poll(cast, session):
    motion = motion_on(cast, session, method=Method.SECRET)
    poll = decisions.open_ballot(motion, by=cast.electoral.user)
    for name, key in zip(PEOPLE[:5], "11113", strict=True):
        receipt = _vote(cast, poll, name, key)
        assert receipt.code
    decided = decisions.close_ballot(motion, by=cast.electoral.user)
    assert (decided.votes_for, decided.votes_against, decided.abstentions) == (4, 0, 1)
    assert decided.present == 6
    assert decided.outcome == Outcome.CARRIED  # 4 of the 6 present
    entry = entries(cast.council.ledger_chain).filter(kind="assembly.decision").last()
    assert entry.data["poll"] == poll.pk
    assert entry.data["online"] == {"votes_for": 4, "votes_against": 0, "abstentions": 1}
    assert Poll.objects.get(pk=poll.pk).status == PollStatus.CLOSED
    assert verify().ok


def test_a_ballot_is_not_opened_without_quorum(cast):
    assembly = assembly_in(cast, "in_session")
    check_in(cast, assembly, PEOPLE[:2])  # quorum: 3 of 8
    motion = motion_on(cast, assembly, method=Method.SECRET)
    with pytest.raises(AssemblyError, match="without quorum"):
        decisions.open_ballot(motion, by=cast.electoral.user)
    assert not Poll.objects.exists()


def test_a_ballot_is_opened_once(cast, session):
    motion = motion_on(cast, session, method=Method.SECRET)
    decisions.open_ballot(motion, by=cast.electoral.user)
    with pytest.raises(AssemblyError, match="already open"):
        decisions.open_ballot(motion, by=cast.electoral.user)
    assert Poll.objects.count() == 1


def test_a_motion_with_an_open_ballot_cannot_be_amended(cast, session):
    motion = motion_on(cast, session, method=Method.SECRET)
    decisions.open_ballot(motion, by=cast.electoral.user)
    with pytest.raises(AssemblyError, match="ballot on that motion is open"):
        decisions.propose_motion(motion.item, text="x", amends=motion, by=cast.electoral.user)


def test_a_show_of_hands_motion_has_no_ballot_and_a_ballot_motion_no_hands(cast, session):
    hands = motion_on(cast, session)
    with pytest.raises(AssemblyError, match="show of hands"):
        decisions.open_ballot(hands, by=cast.electoral.user)
    secret = motion_on(cast, session, method=Method.SECRET)
    with pytest.raises(AssemblyError, match="secret ballot"):
        decisions.decide_by_hands(
            secret, votes_for=1, votes_against=0, abstentions=0, by=cast.electoral.user
        )


def test_a_ballot_closed_from_the_polls_page_still_decides_the_motion(cast, session):
    motion = motion_on(cast, session, method=Method.SECRET)
    poll = decisions.open_ballot(motion, by=cast.electoral.user)
    _vote(cast, poll, "resident", "2")
    voting.close_poll(poll, by=cast.electoral.user)
    decided = decisions.close_ballot(motion, by=cast.electoral.user)
    assert (decided.votes_for, decided.votes_against, decided.outcome) == (0, 1, Outcome.REJECTED)


def test_closing_is_refused_without_quorum_and_the_ballot_stays_open(cast, session):
    motion = motion_on(cast, session, method=Method.SECRET)
    poll = decisions.open_ballot(motion, by=cast.electoral.user)
    session.attendances.exclude(resident=cast.resident).delete()
    with pytest.raises(AssemblyError, match="without quorum"):
        decisions.close_ballot(motion, by=cast.electoral.user)
    assert Poll.objects.get(pk=poll.pk).status == PollStatus.OPEN
    assert Motion.objects.get(pk=motion.pk).outcome == Outcome.PENDING


def test_verify_catches_an_sql_edit_of_a_ballots_counts_or_outcome(cast, session):
    motion = motion_on(cast, session, method=Method.SECRET)
    poll = decisions.open_ballot(motion, by=cast.electoral.user)
    for name in PEOPLE[:4]:
        _vote(cast, poll, name, "1")
    decisions.close_ballot(motion, by=cast.electoral.user)
    assert verify().ok
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Motion._meta.db_table} SET outcome = 'rejected' WHERE id = %s", [motion.pk]
        )
    report = verify()
    assert any("outcome" in str(p) for p in report.problems)


def test_opening_a_poll_on_a_given_register_takes_exactly_those_residents(cast):
    poll = voting.create_poll(
        cast.council,
        title="¿Sí o no?",
        method="single",
        options=[{"label": "Sí"}, {"label": "No"}],
        by=cast.electoral.user,
    )
    n = voting.open_poll(poll, by=cast.electoral.user, register=[cast.resident, cast.admin])
    assert n == 2
    assert set(poll.voters.values_list("resident_id", flat=True)) == {
        cast.resident.pk,
        cast.admin.pk,
    }
    with pytest.raises(voting.VotingError, match="not on the register"):
        voting.cast(poll, cast.spokesperson.user, "1")
    assert verify().ok


def test_a_poll_register_holds_only_residents_of_its_body(cast):
    poll = voting.create_poll(
        cast.council,
        title="¿Sí o no?",
        method="single",
        options=[{"label": "Sí"}, {"label": "No"}],
        by=cast.electoral.user,
    )
    with pytest.raises(voting.VotingError, match="residents of the poll's body"):
        voting.open_poll(poll, by=cast.electoral.user, register=[cast.outsider])
    assert Poll.objects.get(pk=poll.pk).status == PollStatus.DRAFT
