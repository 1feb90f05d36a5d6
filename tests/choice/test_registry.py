"""The rule tables of both families (one shape) and the PB entry point ``run``."""

from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comuna.choice.elections import RULES as ELECTION_RULES
from comuna.choice.pb import RULES, run
from comuna.choice.pb.instance import VOTE_TYPES
from comuna.choice.pb.pabulib import read
from comuna.choice.registry import Rule, table
from comuna.choice.ties import PB_TIE_ORDERS
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
    for rule_id, rule in RULES.items():
        assert rule.id == rule_id
        assert rule.description and "\n" not in rule.description
        assert set(rule.accepts) <= set(VOTE_TYPES)


def test_both_families_share_one_table_shape():
    for rules in (RULES, ELECTION_RULES):
        for rule_id, rule in rules.items():
            assert isinstance(rule, Rule) and rule.id == rule_id
            assert rule.name and rule.description and "\n" not in rule.description
            assert rule.accepts and callable(rule.target)
    assert {k for r in ELECTION_RULES.values() for k in r.accepts} == {
        "single",
        "ranked",
        "approval",
    }
    assert [r for r in ELECTION_RULES.values() if not r.multi_seat] == [ELECTION_RULES["irv"]]


def test_a_table_refuses_a_repeated_id():
    rule = RULES["phragmen"]
    with pytest.raises(ValueError, match="'phragmen' appears twice"):
        table(rule, rule)


def test_point_rules_take_point_ballots_and_phragmen_approval_ones():
    assert RULES["greedy-points"].accepts == ("cumulative", "scoring")
    assert RULES["mes-points"].accepts == ("cumulative", "scoring")
    assert RULES["phragmen"].accepts == ("approval", "choose-1")
    assert "ordinal" in RULES["greedy-cost"].accepts
    assert "ordinal" not in RULES["phragmen"].accepts


def test_an_unknown_rule_is_a_clear_error():
    inst = make_instance({"a": 1}, [["a"]], 1)
    with pytest.raises(ValueError, match="unknown rule 'greedy'; known rules: greedy-card"):
        run("greedy", inst)
    with pytest.raises(ValueError, match="unknown rule ''"):
        run("", inst)


def test_a_vote_type_the_rule_does_not_take_is_a_clear_error():
    inst = make_instance({"a": 1}, [["a"]], 1, vote_type="ordinal")
    with pytest.raises(ValueError, match=r"phragmen does not accept ordinal ballots \(it accepts"):
        run("phragmen", inst)


def test_an_unknown_tie_order_is_a_clear_error():
    inst = make_instance({"a": 1}, [["a"]], 1)
    with pytest.raises(ValueError, match="unknown tie-breaking order"):
        run("greedy-cost", inst, tiebreak="random")


def test_every_rule_names_itself_in_its_outcome():
    inst = make_instance({"a": 1, "b": 2}, [{"a": 2}, {"b": 1}], 3, vote_type="cumulative")
    for rule_id, rule in RULES.items():
        if "cumulative" in rule.accepts:
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
@given(inst=elections(), tiebreak=st.sampled_from(PB_TIE_ORDERS))
def test_no_rule_ever_spends_more_than_the_budget(inst, tiebreak):
    for rule_id, rule in RULES.items():
        if inst.vote_type not in rule.accepts:
            continue
        out = run(rule_id, inst, tiebreak=tiebreak)
        costs = {p.id: p.cost for p in inst.projects}
        assert len(set(out.selected)) == len(out.selected), rule_id
        assert out.cost == sum((costs[pid] for pid in out.selected), Fraction(0)), rule_id
        assert out.cost <= inst.budget, rule_id


# Golden files: META ``expected_<rule>`` holds the outcome worked out by hand.
# rules_golden_approval (budget 10; a 6, b 5, c 4; ballots ab, ab, ac):
#   greedy by votes a 3, b 2, c 1 (and per cost 1/2, 2/5, 1/4): a, b does not fit 4, c -> a, c;
#   Phragmén: a at load 2 each, then b at (2+2+5)/2 = 9/2 does not fit 4: stop -> a;
#   MES (10/3 each): a costs 2 each; after it nobody can pay b (8/3 < 5) or c (4/3 < 4) -> a;
#   completion: at 13/3 each still a; at 16/3 MES takes a and b (11 > 10): back to a, then
#   greedy by votes on the 4 left: b does not fit, c does -> a, c.
# rules_golden_cumulative (budget 11; x 10, y 2, z 9; ballots x:5, x:5+z:1, y:3):
#   points per cost y 3/2, x 1, z 1/9 -> y, x does not fit 9, z -> y, z; votes x 2, y 1, z 1
#   -> x, then nothing fits 1 -> x; supporters per cost y 1/2, x 1/5, z 1/9 -> y, z;
#   points x 10, y 3, z 1 -> x; MES (11/3 each): x needs 5 from each of its two voters, z 9 from
#   one, so only y -> y (points, cost and cardinality alike); completion: at 17/3 each MES takes
#   x and y (12 > 11), so it keeps y and greedy by votes adds z (x does not fit 9) -> y, z.
GOLDEN = sorted((Path(__file__).parent / "data").glob("rules_golden_*.pb"))


@pytest.mark.parametrize("path", GOLDEN, ids=[p.stem for p in GOLDEN])
def test_golden_files_give_the_hand_worked_outcome_of_every_rule(path):
    inst = read(path)
    expected = {
        key.removeprefix("expected_"): set(filter(None, value.split(",")))
        for key, value in inst.meta.items()
        if key.startswith("expected_")
    }
    assert set(expected) == {r for r, rule in RULES.items() if inst.vote_type in rule.accepts}
    for rule_id, funded in expected.items():
        assert set(run(rule_id, inst).selected) == funded, rule_id
