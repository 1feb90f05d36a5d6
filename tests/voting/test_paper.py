import pytest

from comuna.ledger import verify
from comuna.ledger.models import Entry
from comuna.voting import services, tally
from comuna.voting.models import BatchState, PaperBatch
from tests.conftest import SETUP


def test_paper_totals_merge_with_online_ballots_and_stay_marked_paper(cast, make_poll):
    poll = make_poll(options=("Sí", "No"))
    services.cast(poll, cast.resident.user, "2")
    services.cast(poll, cast.spokesperson.user, "2")
    services.enter_paper(poll, "Casa comunal", totals={"1": 3, "2": 1}, n_ballots=5, by=SETUP)
    result = services.close_poll(poll, by=SETUP)
    assert result["tally"] == {"1": 3, "2": 3}
    assert result["ballots"] == 7
    # a 3-3 tie: plurality breaks it by the option order, documented in the explanation
    assert result["winners"] == ["1"]
    tie = {
        "id": "election.tie.votes",
        "params": {"tied": ["1", "2"], "votes": 3, "won": ["1"], "lost": ["2"]},
    }
    assert tie in result["explanation"]
    assert verify().ok


def test_individual_paper_ballots_are_counted_and_published_as_paper(cast, make_poll):
    poll = make_poll("ranked", options=("Ana", "Beto", "Carla"), rule="irv")
    services.enter_paper(poll, "Escuela", ballots=[["3", "1"], ["3"], ["1", "3"]], by=SETUP)
    services.cast(poll, cast.resident.user, ["2", "1"])
    result = services.close_poll(poll, by=SETUP)
    assert result["winners"] == ["3"]
    published = tally.published_ballots(poll)
    assert sorted(b["source"] for b in published) == ["online", "paper", "paper", "paper"]
    assert {b["polling_place"] for b in published if b["source"] == "paper"} == {"Escuela"}


def test_a_second_entry_for_the_same_place_is_refused(cast, make_poll):
    poll = make_poll()
    services.enter_paper(poll, "Casa comunal", totals={"1": 3}, n_ballots=3, by=SETUP)
    with pytest.raises(services.VotingError):
        services.enter_paper(poll, "Casa comunal", totals={"1": 30}, n_ballots=30, by=SETUP)
    assert PaperBatch.objects.count() == 1
    assert Entry.objects.filter(kind="paper.entered").count() == 1


def test_a_formal_correction_replaces_the_entry_and_is_recorded(cast, make_poll):
    poll = make_poll()
    first = services.enter_paper(
        poll, "Casa comunal", totals={"1": 3, "2": 1}, n_ballots=4, by=SETUP
    )
    with pytest.raises(services.VotingError):  # a correction must say why
        services.enter_paper(
            poll, "Casa comunal", totals={"1": 2, "2": 2}, n_ballots=4, corrects=first, by=SETUP
        )
    services.enter_paper(
        poll,
        "Casa comunal",
        totals={"1": 2, "2": 2},
        n_ballots=4,
        corrects=first,
        reason="Acta mal transcrita",
        by=SETUP,
    )
    first.refresh_from_db()
    assert first.state == BatchState.CORRECTED
    entry = Entry.objects.get(kind="paper.corrected")
    assert "Acta mal transcrita" in entry.payload and f'"replaces":{first.pk}' in entry.payload
    assert services.close_poll(poll, by=SETUP)["tally"] == {"1": 2, "2": 2}
    with pytest.raises(services.VotingError):  # the old entry cannot be corrected twice
        services.enter_paper(
            poll,
            "Casa comunal",
            totals={"1": 1},
            n_ballots=4,
            corrects=first,
            reason="otra vez",
            by=SETUP,
        )


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"totals": {"9": 1}, "n_ballots": 1}, "No option 9"),
        ({"totals": {"1": -1}, "n_ballots": 1}, "negative"),
        ({"totals": {"1": "muchos"}, "n_ballots": 1}, "muchos"),
        ({"totals": {"1": 3, "2": 3}, "n_ballots": 5}, "more votes than ballots"),
        ({"totals": {"1": 3}}, "number of paper ballots"),
        ({"ballots": [["1"], ["1", "2"]]}, "Paper ballot 2"),
        ({"ballots": []}, "no ballots"),
    ],
)
def test_bad_paper_entries_are_refused_and_change_nothing(cast, make_poll, kwargs, words):
    poll = make_poll()
    with pytest.raises(services.VotingError, match=words):
        services.enter_paper(poll, "Casa comunal", **kwargs, by=SETUP)
    assert (
        not PaperBatch.objects.exists() and not Entry.objects.filter(kind="paper.entered").exists()
    )


def test_totals_are_refused_for_ranked_polls(cast, make_poll):
    poll = make_poll("ranked", options=("A", "B"), rule="irv")
    with pytest.raises(services.VotingError, match="individual ballots"):
        services.enter_paper(poll, "Escuela", totals={"1": 1}, n_ballots=1, by=SETUP)
