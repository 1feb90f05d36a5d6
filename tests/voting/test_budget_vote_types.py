"""Budget polls of every Pabulib vote type: which ballots they take, how they count, what the
ballot page shows, and the instance they export."""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.urls import reverse

from comuna.choice import pb
from comuna.choice.pb import pabulib
from comuna.ledger import verify
from comuna.voting import services, tally
from comuna.voting.ballots import BallotError
from comuna.voting.models import BUDGET_RULES, Poll
from comuna.voting.services import PollSettingsError
from tests.conftest import SETUP, ballots_cast

PROJECTS = [("Techo", "600"), ("Cancha", "300"), ("Alumbrado", "250")]


@pytest.fixture
def budget(make_poll):
    def make(vote_type, **settings):
        settings.setdefault("budget", Decimal("1000"))
        return make_poll("budget", options=PROJECTS, vote_type=vote_type, **settings)

    return make


def test_each_vote_type_has_its_rules_with_equal_shares_first():
    for kind, rules in BUDGET_RULES.items():
        assert rules[0] == "mes-cost-complete"
        assert rules == [r for r in rules if kind in pb.RULES[r].accepts]
    assert "greedy-points" in BUDGET_RULES["cumulative"]
    assert "greedy-points" not in BUDGET_RULES["approval"]
    assert "phragmen" in BUDGET_RULES["choose-1"]
    assert "phragmen" not in BUDGET_RULES["ordinal"]


def test_a_rule_that_does_not_take_the_vote_type_is_refused(make_poll):
    with pytest.raises(PollSettingsError) as caught:
        make_poll(
            "budget",
            options=PROJECTS,
            budget=Decimal("1000"),
            vote_type="ordinal",
            rule="phragmen",
            open_it=False,
        )
    assert "rule" in caught.value.message_dict
    assert not Poll.objects.exists()


def test_greedy_threshold_needs_the_threshold_an_imported_file_gives(make_poll):
    with pytest.raises(PollSettingsError) as caught:
        make_poll(
            "budget",
            options=PROJECTS,
            budget=Decimal("1000"),
            rule="greedy-threshold",
            open_it=False,
        )
    assert "min_project_score_threshold" in " ".join(caught.value.message_dict["rule"])
    poll = make_poll(
        "budget",
        options=PROJECTS,
        budget=Decimal("1000"),
        rule="greedy-threshold",
        meta={"min_project_score_threshold": "2"},
        open_it=False,
    )
    assert poll.rule == "greedy-threshold"


def test_an_unknown_vote_type_and_points_without_a_total_are_refused(make_poll):
    with pytest.raises(PollSettingsError) as caught:
        make_poll(
            "budget", options=PROJECTS, budget=Decimal("1000"), vote_type="scoring", open_it=False
        )
    assert "vote_type" in caught.value.message_dict
    with pytest.raises(PollSettingsError) as caught:
        make_poll(
            "budget",
            options=PROJECTS,
            budget=Decimal("1000"),
            vote_type="cumulative",
            open_it=False,
        )
    assert "max_points" in caught.value.message_dict


@pytest.mark.parametrize(
    ("vote_type", "extra", "bad", "good", "stored"),
    [
        ("choose-1", {}, ["1", "2"], "2", ["2"]),
        ("choose-1", {}, [], ["3"], ["3"]),
        ("ordinal", {}, ["2", "2"], ["3", "1"], ["3", "1"]),
        ("ordinal", {}, ["9"], ["2"], ["2"]),
        ("cumulative", {"max_points": 5}, {"1": 4, "2": 2}, {"3": 2, "1": 3}, [("1", 3), ("3", 2)]),
        ("cumulative", {"max_points": 5}, {"1": 0, "2": 1}, {"2": "5"}, [("2", 5)]),
        ("cumulative", {"max_points": 5}, {"1": "x"}, {"2": 1}, [("2", 1)]),
        ("ordinal", {"max_cost": Decimal("800")}, ["1", "2"], ["2", "3"], ["2", "3"]),
        (
            "cumulative",
            {"max_points": 9, "max_cost": Decimal("800")},
            {"1": 1, "2": 1},
            {"2": 1, "3": 8},
            [("2", 1), ("3", 8)],
        ),
    ],
)
def test_a_bad_ballot_of_each_vote_type_is_refused_and_a_good_one_kept(
    cast, budget, vote_type, extra, bad, good, stored
):
    poll = budget(vote_type, **extra)
    with pytest.raises(BallotError):
        services.cast(poll, cast.resident.user, bad)
    assert ballots_cast(poll) == []
    services.cast(poll, cast.resident.user, good)
    assert ballots_cast(poll) == [stored]


def test_the_voting_form_reads_ranks_points_and_a_single_choice(cast, budget, client):
    for vote_type, data, stored in [
        ("ordinal", {"rank_1": "2", "rank_3": "1", "rank_2": ""}, ["3", "1"]),
        ("cumulative", {"points_1": "3", "points_2": "", "points_3": "2"}, [("1", 3), ("3", 2)]),
        ("choose-1", {"choice": "2"}, ["2"]),
    ]:
        poll = budget(vote_type, max_points=5 if vote_type == "cumulative" else None)
        client.force_login(cast.resident.user)
        page = client.get(reverse("poll", args=[cast.council.slug, poll.pk]))
        assert page.status_code == 200
        html = page.content.decode()
        field = {
            "ordinal": 'name="rank_1"',
            "cumulative": 'name="points_1"',
            "choose-1": 'type="radio" name="choice"',
        }[vote_type]
        assert field in html
        assert 'data-cost="600.00"' in html
        client.post(reverse("poll-vote", args=[cast.council.slug, poll.pk]), data)
        assert ballots_cast(poll) == [stored]


def test_checking_a_ranked_ballot_shows_the_running_total_without_javascript(cast, budget, client):
    poll = budget("ordinal", max_cost=Decimal("800"))
    client.force_login(cast.resident.user)
    page = client.post(
        reverse("poll-vote", args=[cast.council.slug, poll.pk]),
        {"rank_1": "1", "rank_2": "2", "check": "1"},
    )
    html = page.content.decode()
    assert "900" in html.split('id="spent"')[1].split("</p>")[0]
    assert ballots_cast(poll) == []


def test_each_vote_type_counts_as_the_engine_counts_its_pabulib_instance(cast, budget):
    voters = [cast.resident, cast.spokesperson, cast.electoral, cast.comptroller]
    for vote_type, extra, votes in [
        ("approval", {}, [["1"], ["2", "3"], ["2"], ["1", "3"]]),
        ("choose-1", {}, [["1"], ["2"], ["2"], ["3"]]),
        ("ordinal", {}, [["2", "1"], ["3", "2"], ["1"], ["2", "3", "1"]]),
        (
            "cumulative",
            {"max_points": 10, "rule": "greedy-points"},
            [{"1": 10}, {"2": 5, "3": 5}, {"3": 9, "1": 1}, {"2": 10}],
        ),
    ]:
        poll = budget(vote_type, **extra)
        for person, vote in zip(voters, votes, strict=True):
            services.cast(poll, person.user, vote)
        result = services.close_poll(poll, by=SETUP)
        inst = tally.pb_instance(poll)
        assert inst.vote_type == vote_type
        assert [p.id for p in inst.projects] == ["1", "2", "3"]
        assert inst.projects[0].cost == Fraction(600)
        assert result["winners"] == pb.run(poll.rule, inst).selected
        # what the app exports reads back to the same election, and counts the same
        again = pabulib.parse(tally.export_pb(poll))
        assert again.vote_type == vote_type
        assert sorted(map(sorted, (again.ballot(v) for v in range(again.n_voters)))) == sorted(
            map(sorted, (inst.ballot(v) for v in range(inst.n_voters)))
        )
        assert pb.run(poll.rule, again).selected == result["winners"]
    assert verify().ok


def test_ranked_ballots_keep_their_order_in_the_instance(cast, budget):
    poll = budget("ordinal")
    services.cast(poll, cast.resident.user, ["3", "1", "2"])
    services.close_poll(poll, by=SETUP)
    inst = tally.pb_instance(poll)
    assert inst.ballot(0) == [("3", 1), ("1", 1), ("2", 1)]


def test_paper_ballots_of_a_points_budget_are_entered_one_by_one_and_totals_refused(cast, budget):
    poll = budget("cumulative", max_points=5)
    with pytest.raises(services.VotingError):
        services.enter_paper(poll, "Escuela", totals={"1": 2}, n_ballots=2, by=SETUP)
    services.enter_paper(poll, "Escuela", ballots=[{"1": 3, "2": 2}, {"3": 5}], by=SETUP)
    result = services.close_poll(poll, by=SETUP)
    assert result["tally"] == {"1": 3, "2": 2, "3": 5}


def test_an_imported_meta_is_written_back_as_it_was(cast, make_poll):
    meta = {
        "description": "Distrito 1",
        "budget": "1000",
        "vote_type": "approval",
        "rule": "greedy",
        "unit": "Ciudad",
        "comment": "a; b",
    }
    poll = make_poll("budget", options=PROJECTS, budget=Decimal("1000"), meta=meta)
    services.cast(poll, cast.resident.user, ["1"])
    services.close_poll(poll, by=SETUP)
    again = pabulib.parse(tally.export_pb(poll))
    assert again.meta == meta
