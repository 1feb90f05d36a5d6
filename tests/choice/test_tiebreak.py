"""Tie orders: which project wins a tie, and that it matches pabutools' tie-breaking rules."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comuna.choice.pb.tiebreak import TIE_ORDERS, tie_rank
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


def test_votes_order_puts_most_listed_first_then_id():
    inst = make_instance({"x": 1, "y": 1, "z": 1}, [["z"], ["z", "y"], ["x"]], 3)
    assert order(inst, "votes") == ["z", "x", "y"]


def test_it_rejects_an_unknown_order():
    inst = make_instance({"a": 1}, [], 1)
    with pytest.raises(ValueError, match="unknown tie-breaking order 'alphabet'"):
        tie_rank(inst, "alphabet")


@settings(max_examples=60, deadline=None)
@given(
    data=st.data(),
    n_projects=st.integers(1, 8),
    name=st.sampled_from(sorted(TIE_ORDERS)),
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
