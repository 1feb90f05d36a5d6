"""Greedy rules on hand-made elections (every expected outcome worked out by hand in comments)."""

from fractions import Fraction
from pathlib import Path

import pytest

from comuna.choice.pb import RULES, run
from comuna.choice.pb.pabulib import read
from comuna.choice.pb.rules.greedy import greedy_points
from comuna.choice.pb.tiebreak import tie_rank
from tests.choice.oracle import make_instance

DATA = Path(__file__).parent / "data"


def test_greedy_cost_skips_what_does_not_fit_and_goes_on():
    # by votes: a (3), b (2), c (1); a leaves 4, b (5) does not fit, c (4) does
    inst = make_instance({"a": 6, "b": 5, "c": 4}, [["a", "b"], ["a", "b"], ["a", "c"]], budget=10)
    out = run("greedy-cost", inst)
    assert out.selected == ["a", "c"]
    assert out.cost == 10
    b = next(s for s in out.steps if s.project == "b")
    assert (b.action, b.msg.id) == ("skipped", "pb.greedy.skipped")
    assert b.msg.params == {
        "project": "b",
        "by": "votes",
        "support": 2,
        "position": 2,
        "cost": 5,
        "left": 4,
    }
    assert "did not fit in the 4 still available" in out.explain("b")
    assert out.explain("b").startswith("b was not funded")
    assert out.explain("c").startswith("c was funded")


def test_greedy_card_orders_by_supporters_per_cost():
    # supporters per cost: b 2/2 = 1, a 4/8 = 1/2, c 1/2 = 1/2 (a and c tied, "a" wins by id)
    # b leaves 8, a takes it all, c does not fit
    ballots = [["a", "b"], ["a", "b"], ["a", "c"], ["a"]]
    inst = make_instance({"a": 8, "b": 2, "c": 2}, ballots, budget=10)
    assert run("greedy-card", inst).selected == ["b", "a"]
    # the cheaper c wins the same tie under cost-min, and then a no longer fits
    assert run("greedy-card", inst, tiebreak="cost-min").selected == ["b", "c"]
    # by votes instead: a (4) then b (2) fill the budget
    assert run("greedy-cost", inst).selected == ["a", "b"]


def test_a_constructed_tie_is_decided_by_the_tie_order():
    # "9" and "10" have the same votes and cost and only one fits
    inst = make_instance({"9": 5, "10": 5}, [["9", "10"], ["9", "10"]], budget=7)
    for rule in ("greedy-card", "greedy-cost", "greedy-threshold"):
        assert run(rule, inst).selected == ["10"], rule  # "10" < "9" as text
        # equal costs: the cost orders fall back to the id
        assert run(rule, inst, tiebreak="cost-max").selected == ["10"], rule
        # with the order reversed, the other project wins
        reverse = -tie_rank(inst, "id")
        assert RULES[rule].target(inst, tie_rank=reverse).selected == ["9"], rule
        # "9" is listed first in the file
        assert run(rule, inst, tiebreak="listed").selected == ["9"], rule


# Katowice breaks ties in points by supporters. Kostuchna 2025 (greedy-threshold, cumulative):
# L21/05/XII and L21/08/XII both have 96 points; the city funded L21/08/XII, which 62 voters
# chose against 53. The hand-made file tells the same story in small: after L21/01/XII (30 of
# 100) the two tie at 6 points and only one (60) fits; L21/08/XII has 3 supporters, L21/05/XII 2.
KOSTUCHNA = "Poland_Katowice_2025_Kostuchna.pb"


def _funded(inst):
    return {p.id for p in inst.projects if p.fields["selected"] == "1"}


def test_tiebreak_by_supporters_funds_the_tied_project_more_voters_chose():
    inst = read(DATA / "rules_tie_supporters.pb")
    by_supporters = run("greedy-threshold", inst, tiebreak="supporters")
    assert by_supporters.selected == ["L21/01/XII", "L21/08/XII"]
    assert set(by_supporters.selected) == _funded(inst)  # what the "city" funded
    assert run("greedy-threshold", inst).selected == ["L21/01/XII", "L21/05/XII"]  # by id
    # each step names the projects it was tied with; the top project was tied with none
    tied = {s.project: s.data.get("tied_with") for s in by_supporters.steps}
    assert tied == {"L21/01/XII": None, "L21/08/XII": ["L21/05/XII"], "L21/05/XII": ["L21/08/XII"]}


def test_katowice_2025_kostuchna_is_reproduced_with_ties_by_supporters(pabulib_dir):
    path = pabulib_dir / KOSTUCHNA
    if not path.exists():
        pytest.skip(f"{KOSTUCHNA} is not in the corpus at {pabulib_dir}")
    inst = read(path, strict=False)
    by_supporters = set(run("greedy-threshold", inst, tiebreak="supporters").selected)
    assert {"L21/08/XII"} <= by_supporters and "L21/05/XII" not in by_supporters
    assert by_supporters == _funded(inst)
    by_id = set(run("greedy-threshold", inst).selected)
    assert {"L21/05/XII"} <= by_id and "L21/08/XII" not in by_id


def test_greedy_points_orders_by_points_per_cost():
    # points per cost: y 3/2, x 10/10, z 1/9; y leaves 9, x (10) does not fit, z (9) does
    ballots = [{"x": 5}, {"x": 5, "z": 1}, {"y": 3}]
    inst = make_instance({"x": 10, "y": 2, "z": 9}, ballots, budget=11, vote_type="cumulative")
    assert run("greedy-points", inst).selected == ["y", "z"]


def test_points_are_ignored_by_greedy_cost_even_zero_points():
    # listed = supported: x has 2 votes, z 2 (one of them with 0 points), y 1; ties by id
    ballots = [{"x": 5}, {"x": 5, "z": 0}, {"y": 3, "z": 1}]
    inst = make_instance({"x": 4, "y": 4, "z": 4}, ballots, budget=8, vote_type="cumulative")
    assert run("greedy-cost", inst).selected == ["x", "z"]


def test_ranks_are_ignored_by_greedy_cost():
    # ordinal ballots approve every listed project: b is listed 3 times, a twice
    ballots = [["a", "b"], ["a", "b"], ["b"]]
    inst = make_instance({"a": 3, "b": 3}, ballots, budget=3, vote_type="ordinal")
    assert run("greedy-cost", inst).selected == ["b"]


def test_greedy_points_refuses_approval_ballots():
    inst = make_instance({"a": 1}, [["a"]], budget=1)
    with pytest.raises(ValueError, match="does not accept approval ballots"):
        run("greedy-points", inst)
    with pytest.raises(ValueError, match="needs cumulative or scoring ballots"):
        greedy_points(inst, tie_rank=tie_rank(inst))


def test_unsupported_projects_are_funded_last_when_money_is_left():
    # pabutools funds projects with no support too (density 0) if they still fit
    inst = make_instance({"a": 1, "b": 2}, [["b"]], budget=5)
    assert run("greedy-cost", inst).selected == ["b", "a"]
    assert run("greedy-card", inst).selected == ["b", "a"]


def test_greedy_threshold_drops_projects_under_the_meta_threshold():
    # a has 1 vote < 2 and is dropped although it would fit; b (3) is funded, c (2) does not fit
    ballots = [["a", "b", "c"], ["b", "c"], ["b"]]
    costs = {"a": 1, "b": 5, "c": 5}
    inst = make_instance(costs, ballots, budget=6, meta={"min_project_score_threshold": "2"})
    out = run("greedy-threshold", inst)
    assert out.selected == ["b"]
    a = next(s for s in out.steps if s.project == "a").msg
    assert (a.id, a.params["support"], a.params["threshold"]) == ("pb.greedy.dropped", 1, 2)
    assert "It had 1 vote, fewer than the 2 a project needs" in out.explain("a")
    # without the META key nothing is dropped and a fills the gap
    assert run("greedy-threshold", make_instance(costs, ballots, budget=6)).selected == ["b", "a"]


def test_greedy_threshold_counts_points_on_cumulative_ballots():
    # scores: a 4 points (1 voter), b 3 points (3 voters); threshold 4 keeps only a
    ballots = [{"a": 4}, {"b": 1}, {"b": 1}, {"b": 1}]
    meta = {"min_project_score_threshold": "4"}
    inst = make_instance({"a": 1, "b": 1}, ballots, budget=2, vote_type="cumulative", meta=meta)
    assert run("greedy-threshold", inst).selected == ["a"]


def test_the_budget_is_never_exceeded_with_fractional_costs():
    # costs 1/3 each, budget 1: exactly three fit
    third = Fraction(1, 3)
    inst = make_instance({k: third for k in "abcd"}, [list("abcd")], budget=1)
    out = run("greedy-cost", inst)
    assert out.selected == ["a", "b", "c"]
    assert out.cost == 1
