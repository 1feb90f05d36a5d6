"""Paper ballots by double entry: two members of the electoral commission each enter a polling
place's tally sheet, blind; it counts only when two entries by different people agree."""

import pytest

from comuna.ledger import verify
from comuna.ledger.models import Entry
from comuna.voting import services
from comuna.voting.models import Ballot, BatchState, PaperBatch, PaperSheet, SheetState
from tests.conftest import SETUP, commission_member


def totals(poll, by, yes, no, *, place="Casa comunal", **kwargs):
    return services.enter_sheet(
        poll, place, totals={"1": yes, "2": no}, n_ballots=yes + no, by=by, **kwargs
    )


def test_a_first_entry_is_held_and_counts_nothing(cast, make_poll):
    poll = make_poll()
    outcome = totals(poll, cast.electoral.user, 3, 1)
    assert outcome.batch is None and not outcome.disagrees
    assert outcome.sheet.state == SheetState.PENDING
    assert not PaperBatch.objects.exists()
    entry = Entry.objects.get(kind="paper.sheet")
    # the public ledger shows who entered which place, not what they entered
    assert entry.actor == f"user:{cast.electoral.user.pk}"
    assert '"ballots"' not in entry.payload and '"totals"' not in entry.payload
    assert verify().ok


def test_two_agreeing_entries_by_different_members_count(cast, make_poll, electoral_2):
    poll = make_poll()
    first = totals(poll, cast.electoral.user, 3, 1)
    outcome = totals(poll, electoral_2, 3, 1)
    assert outcome.batch is not None and outcome.batch.state == BatchState.ACTIVE
    assert set(PaperSheet.objects.values_list("state", flat=True)) == {SheetState.AGREED}
    entry = Entry.objects.get(kind="paper.entered")
    assert entry.data["enterers"] == [f"user:{cast.electoral.user.pk}", f"user:{electoral_2.pk}"]
    assert entry.data["sheets"] == [first.sheet.pk, outcome.sheet.pk]
    assert entry.actor == f"user:{electoral_2.pk}"
    assert verify().ok
    assert services.close_poll(poll, by=SETUP)["tally"] == {"1": 3, "2": 1}


def test_ballots_entered_in_another_order_agree(cast, make_poll, electoral_2):
    poll = make_poll("ranked", options=("Ana", "Beto", "Carla"), rule="irv")
    ballots = [["3", "1"], ["3"], ["1", "3"]]
    services.enter_sheet(poll, "Escuela", ballots=ballots, by=cast.electoral.user)
    assert not Ballot.objects.exists()  # a held sheet puts nothing in the ballot box
    outcome = services.enter_sheet(poll, "Escuela", ballots=ballots[::-1], by=electoral_2)
    assert outcome.batch is not None
    assert Ballot.objects.filter(source="paper").count() == 3
    assert verify().ok


def test_disagreeing_entries_count_nothing_and_both_are_held(cast, make_poll, electoral_2):
    poll = make_poll()
    totals(poll, cast.electoral.user, 3, 1)
    outcome = totals(poll, electoral_2, 2, 2)
    assert outcome.batch is None and outcome.disagrees
    assert not PaperBatch.objects.exists()
    assert list(PaperSheet.objects.values_list("state", flat=True)) == [SheetState.PENDING] * 2
    with pytest.raises(services.VotingError, match="Casa comunal waits for a second"):
        services.close_poll(poll, by=SETUP)
    assert verify().ok


def test_the_same_person_cannot_enter_both(cast, make_poll):
    poll = make_poll()
    totals(poll, cast.electoral.user, 3, 1)
    with pytest.raises(services.VotingError, match="You already entered the tally sheet"):
        totals(poll, cast.electoral.user, 3, 1)
    assert PaperSheet.objects.count() == 1 and not PaperBatch.objects.exists()
    assert Entry.objects.filter(kind="paper.sheet").count() == 1


def test_an_enterer_may_enter_again_to_resolve_a_disagreement(cast, make_poll, electoral_2):
    poll = make_poll()
    mistaken = totals(poll, cast.electoral.user, 3, 1).sheet
    totals(poll, electoral_2, 2, 2)
    outcome = totals(poll, cast.electoral.user, 2, 2)
    assert outcome.batch is not None and outcome.batch.totals == {"1": 2, "2": 2}
    mistaken.refresh_from_db()
    assert mistaken.state == SheetState.WITHDRAWN
    assert verify().ok


def test_a_third_member_resolves_a_disagreement_and_the_odd_entry_is_set_aside(
    cast, make_poll, electoral_2
):
    poll = make_poll()
    odd = totals(poll, cast.electoral.user, 3, 1).sheet
    totals(poll, electoral_2, 2, 2)
    third = commission_member(cast, "Electoral Tres", "electoral3")
    outcome = totals(poll, third, 2, 2)
    assert outcome.batch is not None
    odd.refresh_from_db()
    assert odd.state == SheetState.SET_ASIDE
    assert Entry.objects.get(kind="paper.entered").data["set_aside"] == [odd.pk]
    assert verify().ok
    assert services.close_poll(poll, by=SETUP)["tally"] == {"1": 2, "2": 2}


def test_a_correction_counts_only_when_two_entries_agree(cast, make_poll, electoral_2):
    poll = make_poll()
    totals(poll, cast.electoral.user, 3, 1)
    counted = totals(poll, electoral_2, 3, 1).batch
    fix = {"correct": True, "reason": "Acta mal transcrita"}
    assert totals(poll, cast.electoral.user, 2, 2, **fix).batch is None
    counted.refresh_from_db()
    assert counted.state == BatchState.ACTIVE
    corrected = totals(poll, electoral_2, 2, 2, **fix).batch
    counted.refresh_from_db()
    assert counted.state == BatchState.CORRECTED and corrected.corrects == counted
    assert Entry.objects.get(kind="paper.corrected").data["replaces"] == counted.pk
    assert verify().ok
    assert services.close_poll(poll, by=SETUP)["tally"] == {"1": 2, "2": 2}


def test_a_second_plain_entry_of_a_counted_place_is_refused(cast, make_poll, electoral_2):
    poll = make_poll()
    totals(poll, cast.electoral.user, 3, 1)
    totals(poll, electoral_2, 3, 1)
    with pytest.raises(services.VotingError, match="already entered; correct that entry"):
        totals(poll, cast.electoral.user, 2, 2)


@pytest.mark.parametrize("persona", ["resident", "spokesperson", "comptroller", "admin"])
def test_only_the_electoral_commission_enters_tally_sheets(cast, make_poll, persona):
    poll = make_poll()
    with pytest.raises(services.VotingError, match="Only members of the electoral commission"):
        totals(poll, cast.user(persona), 3, 1)
    assert not PaperSheet.objects.exists()


def test_a_member_alone_cannot_count_paper_votes_of_a_double_entry_poll(cast, make_poll):
    poll = make_poll()
    with pytest.raises(services.VotingError, match="entered by two members"):
        services.enter_paper(
            poll, "Casa comunal", totals={"1": 3}, n_ballots=3, by=cast.electoral.user
        )
    assert not PaperBatch.objects.exists()


def test_a_poll_without_double_entry_counts_one_entry_at_once(cast, make_poll):
    poll = make_poll(paper_double_entry=False)
    outcome = totals(poll, cast.electoral.user, 3, 1)
    assert outcome.batch is not None and outcome.sheet is None
    entry = Entry.objects.get(kind="paper.entered")
    assert entry.data["enterers"] == [f"user:{cast.electoral.user.pk}"]
    assert verify().ok


def test_verify_names_a_held_sheet_changed_behind_the_service(cast, make_poll):
    poll = make_poll()
    sheet = totals(poll, cast.electoral.user, 3, 1).sheet
    PaperSheet.objects.filter(pk=sheet.pk).update(totals={"1": 4, "2": 0})
    report = verify()
    assert not report.ok and f"tally sheet {sheet.pk}" in str(report.problems[0])


def test_verify_names_an_agreed_sheet_changed_behind_the_service(cast, make_poll, electoral_2):
    poll = make_poll()
    totals(poll, cast.electoral.user, 3, 1)
    sheet = totals(poll, electoral_2, 3, 1).sheet
    PaperSheet.objects.filter(pk=sheet.pk).update(actor="user:999")
    assert not verify().ok
