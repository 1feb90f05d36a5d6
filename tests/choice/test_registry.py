"""The PB rule table and its entry point ``run``."""

from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comuna.choice.instance import VOTE_TYPES
from comuna.choice.rules import RULES, accepts, get, run
from tests.choice.oracle import make_instance

EXPECTED_IDS = {
    "greedy-card",
    "greedy-cost",
    "greedy-points",
    "greedy-threshold",
    "mes-card",
    "mes-cost",
    "mes-points",
    "mes-cost-complete",
    "phragmen",
}


def test_it_lists_every_pb_rule_with_a_one_line_description():
    assert set(RULES) == EXPECTED_IDS
    for rule_id, spec in RULES.items():
        assert spec.id == rule_id
        assert spec.description and "\n" not in spec.description
        assert set(spec.vote_types) <= set(VOTE_TYPES)


def test_point_rules_take_point_ballots_and_phragmen_approval_ones():
    assert RULES["greedy-points"].vote_types == ("cumulative", "scoring")
    assert RULES["mes-points"].vote_types == ("cumulative", "scoring")
    assert RULES["phragmen"].vote_types == ("approval", "choose-1")
    assert accepts("greedy-cost", "ordinal")
    assert not accepts("phragmen", "ordinal")


def test_an_unknown_rule_is_a_clear_error():
    inst = make_instance({"a": 1}, [["a"]], 1)
    with pytest.raises(ValueError, match="unknown rule 'greedy'; known rules: greedy-card"):
        run("greedy", inst)
    with pytest.raises(ValueError, match="unknown rule"):
        get("")


def test_a_vote_type_the_rule_does_not_take_is_a_clear_error():
    inst = make_instance({"a": 1}, [["a"]], 1, vote_type="ordinal")
    with pytest.raises(ValueError, match="phragmen does not accept ordinal ballots"):
        run("phragmen", inst)


def test_an_unknown_tie_order_is_a_clear_error():
    inst = make_instance({"a": 1}, [["a"]], 1)
    with pytest.raises(ValueError, match="unknown tie-breaking order"):
        run("greedy-cost", inst, tiebreak="random")


def test_every_rule_names_itself_in_its_outcome():
    inst = make_instance({"a": 1, "b": 2}, [{"a": 2}, {"b": 1}], 3, vote_type="cumulative")
    for rule_id, spec in RULES.items():
        if spec.available and accepts(rule_id, "cumulative"):
            assert run(rule_id, inst).rule == rule_id


@st.composite
def elections(draw):
    vote_type = draw(st.sampled_from(["approval", "choose-1", "cumulative", "scoring", "ordinal"]))
    ids = [str(i) for i in range(draw(st.integers(1, 7)))]
    # fractional costs and budgets too: the budget must hold exactly, not up to rounding
    money = st.fractions(min_value=0, max_value=20, max_denominator=7)
    costs = {pid: draw(money.filter(lambda c: c > 0)) for pid in ids}
    budget = draw(money)
    ballots: list = []
    for _ in range(draw(st.integers(0, 12))):
        if vote_type == "choose-1":
            ballots.append([draw(st.sampled_from(ids))])
        elif vote_type in ("approval", "ordinal"):
            ballots.append(draw(st.lists(st.sampled_from(ids), unique=True)))
        else:
            chosen = draw(st.lists(st.sampled_from(ids), unique=True, min_size=1))
            ballots.append({pid: draw(st.integers(1, 5)) for pid in chosen})
    return make_instance(costs, ballots, budget, vote_type)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inst=elections(), tiebreak=st.sampled_from(["id", "cost-min", "cost-max", "votes"]))
def test_no_rule_ever_spends_more_than_the_budget(inst, tiebreak):
    for rule_id, spec in RULES.items():
        if not spec.available or not accepts(rule_id, inst.vote_type):
            continue
        out = run(rule_id, inst, tiebreak=tiebreak)
        costs = {p.id: p.cost for p in inst.projects}
        assert len(set(out.selected)) == len(out.selected), rule_id
        assert out.cost == sum((costs[pid] for pid in out.selected), Fraction(0)), rule_id
        assert out.cost <= inst.budget, rule_id
