from comuna.voting import services, tally
from comuna.voting.models import Ballot, BoxedBallot, Voter
from tests.conftest import SETUP


def test_a_ballot_row_holds_no_voter_and_no_time():
    names = {f.name for f in Ballot._meta.get_fields()}
    assert names == {"id", "poll", "receipt_hash", "choices", "source", "batch"}
    assert {f.name for f in BoxedBallot._meta.get_fields()} == {
        "id",
        "poll",
        "receipt_hash",
        "choices",
    }
    assert not any(
        f.get_internal_type() in ("DateTimeField", "DateField", "TimeField")
        for model in (Voter, Ballot, BoxedBallot)
        for f in model._meta.concrete_fields
    )


def test_the_voter_row_cannot_be_matched_to_its_ballot_without_the_code(cast, make_poll):
    poll = make_poll()
    receipt = services.cast(poll, cast.resident.user, "1")
    voter = Voter.objects.get(poll=poll, resident=cast.resident)
    stored_voter = {str(getattr(voter, f.attname)) for f in Voter._meta.concrete_fields}
    boxed = BoxedBallot.objects.get(poll=poll)
    services.mix(poll)
    ballot = Ballot.objects.get(poll=poll)
    for row in (boxed, ballot):
        stored_ballot = {str(getattr(row, f.attname)) for f in type(row)._meta.concrete_fields}
        assert stored_voter & stored_ballot == {str(poll.pk)}
        assert receipt.code not in stored_voter | stored_ballot  # the code is kept nowhere


def test_published_ballots_are_ordered_by_receipt_hash_not_by_time(cast, make_poll):
    poll = make_poll()
    for persona in ("resident", "spokesperson", "electoral", "comptroller", "admin"):
        services.cast(poll, getattr(cast, persona).user, "1")
    services.close_poll(poll, by=SETUP)
    hashes = [b["receipt_hash"] for b in tally.published_ballots(poll)]
    assert hashes == sorted(hashes) and len(set(hashes)) == 5
