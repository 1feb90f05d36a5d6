"""Tie orders: which project or candidate wins a tie, under one set of names for both families,
and that the PB orders match pabutools' tie-breaking rules."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comuna.choice import ties
from comuna.choice.elections import count
from comuna.choice.elections.profile import ApprovalProfile, RankedProfile
from comuna.choice.elections.tiebreak import named_order
from comuna.choice.pb.tiebreak import tie_rank
from tests.choice.oracle import TIE_RULES, make_instance, to_pabutools


def order(inst, name):
    """Project ids from first to last in the tie order."""
    rank = tie_rank(inst, name)
    return [inst.projects[j].id for j in np.argsort(rank)]


def test_it_compares_ids_as_text_by_default():
    inst = make_instance({"9": 1, "10": 1, "2": 1, "b": 1, "a": 1}, [], 5)
    assert order(inst, "id") == ["10", "2", "9", "a", "b"]
    assert (tie_rank(inst) == tie_rank(inst, "id")).all()


def test_cost_orders_fall_back_to_id_on_equal_costs():
    inst = make_instance({"b": 5, "a": 5, "c": 1, "d": 9}, [], 20)
    assert order(inst, "cost-min") == ["c", "a", "b", "d"]
    assert order(inst, "cost-max") == ["d", "a", "b", "c"]


def test_supporters_order_puts_most_listed_first_then_id():
    inst = make_instance({"x": 1, "y": 1, "z": 1}, [["z"], ["z", "y"], ["x"]], 3)
    assert order(inst, "supporters") == ["z", "x", "y"]


def test_supporters_count_ballots_not_points():
    # y has more points (5 against 2) but fewer ballots (1 against 2)
    inst = make_instance(
        {"y": 1, "x": 1}, [{"y": 5}, {"x": 1}, {"x": 1}], 1, vote_type="cumulative"
    )
    assert order(inst, "supporters") == ["x", "y"]


def test_listed_order_is_the_order_of_the_input():
    inst = make_instance({"9": 1, "10": 1, "2": 1}, [], 3)
    assert order(inst, "listed") == ["9", "10", "2"]


def test_every_name_means_the_same_order_for_candidates():
    ranked = RankedProfile.from_ballots(["9", "10", "b", "a"], [["b", "a"], ["a"], ["a", "10"]])
    approval = ApprovalProfile.from_ballots(["9", "10", "b", "a"], [{"b", "a"}, {"a"}, {"a", "10"}])
    for profile in (ranked, approval):
        assert named_order(profile, "listed") == ["9", "10", "b", "a"]
        assert named_order(profile, "id") == ["10", "9", "a", "b"]
        assert named_order(profile, "supporters") == ["a", "10", "b", "9"]
    # and the PB project orders agree name for name
    inst = make_instance({"9": 1, "10": 1, "b": 1, "a": 1}, [["b", "a"], ["a"], ["a", "10"]], 1)
    for name in ties.ELECTION_TIE_ORDERS:
        assert order(inst, name) == named_order(ranked, name), name


def test_an_election_tie_is_broken_by_the_named_order():
    # first choices A 2, B 2, C 1; B is on more ballots (3 against 2)
    profile = RankedProfile.from_ballots("ABC", [["A"], ["A"], ["B"], ["B"], ["C", "B"]])
    assert count("plurality", profile).winners == ["A"]  # "listed", the default: A first
    assert count("plurality", profile, tie_order="id").winners == ["A"]
    won = count("plurality", profile, tie_order="supporters")
    assert won.winners == ["B"] and won.tie_breaks


def test_it_rejects_an_unknown_order():
    inst = make_instance({"a": 1}, [], 1)
    with pytest.raises(ValueError, match="unknown tie-breaking order 'alphabet'"):
        tie_rank(inst, "alphabet")
    with pytest.raises(ValueError, match="unknown tie-breaking order 'cost-min'"):
        named_order(RankedProfile.from_ballots("AB", [["A"]]), "cost-min")


def test_pabutools_is_checked_on_every_pb_order_it_has():
    assert set(TIE_RULES) == set(ties.PB_TIE_ORDERS) - {"listed"}  # pabutools has no "listed"


@settings(max_examples=60, deadline=None)
@given(
    data=st.data(),
    n_projects=st.integers(1, 8),
    name=st.sampled_from(sorted(TIE_RULES)),
)
def test_every_order_matches_pabutools(data, n_projects, name):
    ids = data.draw(
        st.lists(
            st.sampled_from([str(i) for i in range(1, 25)] + list("abcAB")),
            min_size=n_projects,
            max_size=n_projects,
            unique=True,
        )
    )
    costs = {pid: data.draw(st.integers(1, 4)) for pid in ids}
    ballots = data.draw(st.lists(st.lists(st.sampled_from(ids), unique=True), max_size=8))
    inst = make_instance(costs, ballots, 10)
    instance, profile = to_pabutools(inst)
    # pabutools' rules start from the projects sorted by name, then sort stably by their key
    expected = [p.name for p in TIE_RULES[name].order(instance, profile, sorted(instance))]
    assert order(inst, name) == expected
