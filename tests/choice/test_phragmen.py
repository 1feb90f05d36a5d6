"""Sequential Phragmén on hand-made elections (loads worked out by hand in the comments)."""

from fractions import Fraction

import numpy as np

from comuna.choice.pb import run
from comuna.choice.pb.rules.phragmen import merge_ballots, phragmen
from comuna.choice.pb.tiebreak import tie_rank
from tests.choice.oracle import make_instance, reference, to_pabutools

# voters 1,2 approve a (cost 4) and c (cost 6); voter 3 approves b (cost 3) and c
TRIO = make_instance({"a": 4, "b": 3, "c": 6}, [["a", "c"], ["a", "c"], ["b", "c"]], budget=10)


def test_it_equalises_loads_and_stops_at_the_first_misfit():
    # round 1: a -> 4/2 = 2, b -> 3/1 = 3, c -> 6/3 = 2; a and c tie, "a" wins by id
    # round 2: b -> 3, c -> (2 + 2 + 0 + 6)/3 = 10/3; b is bought, voter 3's load is 3
    # round 3: c -> (2 + 2 + 3 + 6)/3 = 13/3 but costs 6 > 3 left: stop
    out = run("phragmen", TRIO)
    assert out.selected == ["a", "b"]
    assert [s.data.get("load") for s in out.steps if s.action == "selected"] == ["2", "3"]
    c = next(s for s in out.steps if s.project == "c").msg
    assert (c.id, c.params) == (
        "pb.phragmen.stopped",
        {"project": "c", "cost": 6, "left": 3, "load": "13/3"},
    )
    assert "did not fit in the 3 still available, so the count stopped there" in out.explain("c")


def test_the_tie_order_decides_a_tie_in_loads():
    # cost-max puts c first in the round-1 tie: loads 2, 2, 2; then a -> (2+2+4)/2 = 4 and
    # b -> (2+3)/1 = 5: a is bought with the last 4; b does not fit 0
    assert run("phragmen", TRIO, tiebreak="cost-max").selected == ["c", "a"]


def test_a_cheaper_project_after_the_misfit_is_not_reached():
    # x: 4 supporters, cost 4 -> 1; y: 2 supporters, cost 3 -> 3/2; z: 1 supporter, cost 2 -> 2
    # x is bought (2 left); y is next and does not fit, so the rule stops though z would fit
    ballots = [["x"], ["x"], ["x"], ["x"], ["y"], ["y"], ["z"]]
    inst = make_instance({"x": 4, "y": 3, "z": 2}, ballots, budget=6)
    out = run("phragmen", inst)
    assert out.selected == ["x"]
    assert next(s for s in out.steps if s.project == "z").msg.params["stopper"] == "y"
    assert "Its turn never came: the count stopped when y did not fit" in out.explain("z")
    assert "so the count stopped there" in out.explain("y")


def test_projects_over_the_whole_budget_are_left_out_from_the_start():
    # big has every vote but costs more than the budget; pabutools drops it before round 1
    inst = make_instance({"big": 20, "s": 5}, [["big", "s"], ["big"]], budget=10)
    out = run("phragmen", inst)
    assert out.selected == ["s"]
    assert "more than the whole budget" in out.explain("big")


def test_unsupported_projects_are_bought_once_only_they_remain():
    # a (1 supporter) first; then only u is left, with infinite load, and it fits
    inst = make_instance({"a": 3, "u": 2}, [["a"]], budget=10)
    assert run("phragmen", inst).selected == ["a", "u"]
    # when several unsupported projects tie, any misfit among them stops the rule
    inst = make_instance({"a": 3, "u": 2, "v": 9}, [["a"]], budget=10)
    assert run("phragmen", inst).selected == ["a"]


def test_exact_loads_decide_a_tie_that_needs_fractions():
    # round 1: p (cost 1, voters 1-3) -> 1/3 each, bought. Then q (cost 2, voters 1-3) ->
    # (3 * 1/3 + 2)/3 = 1 and r (cost 3, voters 4-6) -> 3/3 = 1: an exact tie that the tie
    # order must decide (by id q wins; with the order reversed r wins)
    ballots = [["p", "q"]] * 3 + [["r"]] * 3
    inst = make_instance({"p": 1, "q": 2, "r": 3}, ballots, budget=4)
    assert run("phragmen", inst).selected == ["p", "q"]
    reverse = -tie_rank(inst, "id")
    assert phragmen(inst, tie_rank=reverse).selected == ["p", "r"]
    assert reference("phragmen", *to_pabutools(inst)) == {"p", "q"}


def test_fractional_costs_are_exact():
    third = Fraction(1, 3)
    inst = make_instance({"a": third, "b": third, "c": Fraction(1, 2)}, [["a", "b", "c"]], 1)
    out = run("phragmen", inst)
    # a (1/3) and b (load 2/3) go first; c would bring the load to 7/6 and costs 1/2 > 1/3 left
    assert out.selected == ["a", "b"]
    assert out.cost == Fraction(2, 3)


def test_merging_collapses_identical_ballots_and_repeated_entries():
    inst = make_instance({"a": 1, "b": 1, "c": 1}, [["a", "b"], ["b", "a"], ["c"], []], 3)
    indptr, indices, weight = merge_ballots(inst)
    ballots = sorted(
        (tuple(indices[indptr[i] : indptr[i + 1]].tolist()), int(weight[i]))
        for i in range(len(weight))
    )
    assert ballots == [((), 1), ((0, 1), 2), ((2,), 1)]
    # a project listed twice on one ballot counts once
    twice = make_instance({"a": 1}, [["a", "a"]], 1)
    indptr, indices, weight = merge_ballots(twice)
    assert indices.tolist() == [0] and weight.tolist() == [1]


def test_merging_works_past_64_projects():
    costs = {f"p{i}": 1 for i in range(130)}
    ballots = [["p0", "p129"], ["p129", "p0"], ["p64"]]
    indptr, indices, weight = merge_ballots(make_instance(costs, ballots, 3))
    assert sorted(weight.tolist()) == [1, 2]
    assert sorted(np.unique(indices).tolist()) == [0, 64, 129]
