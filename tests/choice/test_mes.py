"""Method of Equal Shares (no completion): hand-checked elections, pabutools, budget shares.

Expected outcomes are worked out by hand in the comments.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comuna.choice.pb import run
from comuna.choice.pb.instance import PBInstance
from comuna.choice.pb.outcome import Outcome
from comuna.choice.pb.pabulib import read
from comuna.choice.pb.rules.mes import mes_card, mes_cost, mes_points
from comuna.choice.pb.tiebreak import tie_rank
from tests.choice.oracle import make_instance, reference, to_pabutools

DATA = "tests/choice/data"
MES_RULES = {"mes-cost": mes_cost, "mes-card": mes_card, "mes-points": mes_points}


# -- hand-checked elections -----------------------------------------------------------------


def _three_voters() -> PBInstance:
    # budget 30, 3 voters: 10 each.
    # A (20) by voters 1, 2; B (15) by voter 3 only; C (9) by voters 2, 3.
    return make_instance({"A": 20, "B": 15, "C": 9}, [["A"], ["A", "C"], ["B", "C"]], budget=30)


def test_mes_cost_breaks_an_exact_rho_tie_by_id_then_lets_the_rich_pay():
    # Cost_Sat: rho = price / cost. A: 10 each of 2 -> rho 1/2; C: 4.5 each -> rho 1/2: a tie,
    # "A" wins by id. Voters 1, 2 are then broke, so C falls on voter 3 alone: 9 <= 10,
    # rho = 1. B (15) never fits voter 3's 10. Outcome A, C; cost 29.
    out = run("mes-cost", _three_voters())
    assert out.selected == ["A", "C"]
    assert out.cost == 29
    c = next(s for s in out.steps if s.project == "C")
    assert c.data["rho"] == "1"
    assert c.data["full_payers"] == 1
    assert c.data["all_in_payers"] == 0  # voter 2 had nothing left: pays 0, not counted
    assert c.data["price_per_voter"] == "9"


def test_mes_card_prefers_the_cheaper_price_per_supporter():
    # Cardinality_Sat: rho = price per supporter. C: 4.5, A: 10 -> C first. Then A's
    # supporters hold 10 + 5.5 < 20 and B's 5.5 < 15: both drop out. Outcome C; cost 9.
    out = run("mes-card", _three_voters())
    assert out.selected == ["C"]
    assert "could not afford it" in out.explain("A")
    assert "15.50" in out.explain("A")  # what A's supporters still had, in total


def test_the_tie_order_is_an_argument():
    # the A/C tie of the first test goes to C when the order is reversed: C (rho 1/2) first,
    # voter 2 and 3 pay 4.5; A's supporters then hold 10 + 5.5 < 20; B: 5.5 < 15.
    inst = _three_voters()
    assert mes_cost(inst, tie_rank=-tie_rank(inst)).selected == ["C"]


def test_poor_supporters_pay_what_they_have_and_the_rest_share_the_remainder():
    # budget 12, 4 voters: 3 each. X (10) by all four, Y (2) by voter 4.
    # Cost_Sat rho: Y 2/2 = 1 vs X (2.5 each) 2.5/10 = 1/4: X first, everyone pays 2.5.
    # Y: voter 4 has 0.5 < 2: Y drops out. Outcome X.
    # With Y costing 1/2 instead: rho_Y = 1 still > 1/4, X first; Y then costs voter 4
    # exactly the 0.5 left: funded, voter 4 ends with exactly 0.
    inst = make_instance({"X": 10, "Y": 2}, [["X"], ["X"], ["X"], ["X", "Y"]], budget=12)
    assert run("mes-cost", inst).selected == ["X"]
    inst = make_instance(
        {"X": 10, "Y": Fraction(1, 2)}, [["X"], ["X"], ["X"], ["X", "Y"]], budget=12
    )
    out = run("mes-cost", inst)
    assert out.selected == ["X", "Y"]
    assert out.cost == Fraction(21, 2)


def test_a_water_level_with_a_supporter_short():
    # budget 40, 4 voters (10 each). Ballots: v1 P Q R, v2 P Q, v3 P Q, v4 P R.
    # Under Cost_Sat a project everyone can split evenly has rho = 1 / supporters.
    # Round 1: P (12, 4 supporters) rho 1/4 -> 3 each, all hold 7.
    # Round 2: Q (12, 3 supporters) rho 1/3 (4 each) beats R (8: 4 each, rho 1/2);
    #          v1, v2, v3 hold 3, v4 holds 7.
    # Round 3: R (8) by v1 (3) and v4 (7): an even 4 is too much for v1, who pays all
    #          his 3; v4 pays the other 5 -> rho = 5/8. Outcome P, Q, R; cost 32.
    ballots = [["P", "Q", "R"], ["P", "Q"], ["P", "Q"], ["P", "R"]]
    inst = make_instance({"P": 12, "Q": 12, "R": 8}, ballots, budget=40)
    out = run("mes-cost", inst)
    assert out.selected == ["P", "Q", "R"]
    r = next(s for s in out.steps if s.project == "R")
    assert (r.data["rho"], r.data["price_per_voter"]) == ("5/8", "5")
    assert (r.data["full_payers"], r.data["all_in_payers"], r.data["all_in_paid"]) == (1, 1, "3")
    # with R at 11 its supporters hold 3 + 7 < 11: it drops out
    inst = make_instance({"P": 12, "Q": 12, "R": 11}, ballots, budget=40)
    out = run("mes-cost", inst)
    assert out.selected == ["P", "Q"]
    assert "in the end they had 10 left in total, less than its cost of 11" in out.explain("R")


def test_mes_points_uses_points_as_satisfaction():
    # budget 10, 2 voters (5 each). Voter 1: a 3 points, b 1; voter 2: b 4 points.
    # a (4): only voter 1, rho = 4 / 3 per point (pays 4). b (4): 1 + 4 = 5 points, rho 4/5:
    # voter 1 pays 0.8, voter 2 pays 3.2. b first (4/5 < 4/3). Then a: voter 1 has 4.2,
    # needs 4: rho 4/3 -> funded. Outcome b, a.
    inst = make_instance(
        {"a": 4, "b": 4}, [{"a": 3, "b": 1}, {"b": 4}], budget=10, vote_type="cumulative"
    )
    out = run("mes-points", inst)
    assert out.selected == ["b", "a"]
    assert next(s for s in out.steps if s.project == "b").data["rho"] == "4/5"


def test_free_projects_with_supporters_are_funded_up_front_except_under_cost_sat():
    # pabutools: cost 0 and positive satisfaction -> in the outcome before the rounds;
    # under Cost_Sat a free project's satisfaction is 0, so MES never funds it.
    inst = make_instance({"f": 0, "g": 4}, [["f", "g"], ["f"]], budget=10)
    assert run("mes-card", inst).selected == ["f", "g"]
    assert run("mes-cost", inst).selected == ["g"]


def test_fixture_file_with_a_three_way_rho_tie():
    # tests/choice/data/mes_rho_tie.pb, 4 voters with 25 each: "10" and "9" (50 each) by
    # voters 1, 2; "3" (20) by voters 3, 4. Round 1: all three have rho 1/2 (25/50, 25/50,
    # 10/20); "10" < "3" < "9" as text, so "10" is funded and voters 1, 2 are broke.
    # Round 2: "9" is unaffordable, "3" is funded. Outcome "10", "3".
    inst = read(f"{DATA}/mes_rho_tie.pb")
    out = run("mes-cost", inst)
    assert out.selected == ["10", "3"]
    pb_inst, pb_prof = to_pabutools(inst)
    assert reference("mes-cost", pb_inst, pb_prof) == set(out.selected)


def test_no_ballots_funds_nothing():
    inst = make_instance({"a": 1}, [], budget=5)
    for rule in MES_RULES:
        if rule != "mes-points":
            assert run(rule, inst).selected == []


# -- explanations -------------------------------------------------------------------------


def test_explanations_say_who_paid_what_in_plain_words():
    out = run("mes-cost", _three_voters())
    c = next(s for s in out.steps if s.project == "C").msg
    assert (c.id, c.params) == (
        "pb.mes.funded",
        {
            "project": "C",
            "round": 2,
            "sat": "cost",
            "cost": 9,
            "payers": 1,
            "all_in": 0,
            "all_in_paid": 0,
            "price": 9,
        },
    )
    said = out.explain("C")
    assert said.startswith("C was funded (rule: Equal Shares, cost).")
    assert "1 supporter paid 9." in said and "rho" not in said
    said = out.explain("B")
    assert "was not funded" in said and "could not afford it" in said
    # B dropped out in round 2, when voter 3 still had all of his 10
    assert "by round 2 they had 10 left in total, less than its cost of 15" in said
    said = run("mes-cost", make_instance({"X": 10, "Y": 2}, [["X"], ["X", "Y"]], 12)).explain("X")
    # 2 voters with 6 each: X costs 5 each (rho 1/2)
    assert "2 supporters paid 5 each." in said and "rho" not in said


# -- agreement with pabutools and budget shares on random elections ------------------------


@st.composite
def elections(draw, vote_types=("approval", "choose-1", "ordinal", "cumulative")):
    vote_type = draw(st.sampled_from(vote_types))
    m = draw(st.integers(1, 6))
    ids = [str(i) for i in draw(st.lists(st.integers(1, 20), min_size=m, max_size=m, unique=True))]
    costs = {pid: draw(st.sampled_from([0, 1, 2, 3, 4, 5, 6, 10, 12, 20])) for pid in ids}
    n = draw(st.integers(1, 9))
    ballots = []
    for _ in range(n):
        pick = draw(st.lists(st.sampled_from(ids), unique=True, max_size=m))
        if vote_type == "choose-1":
            pick = pick[:1]
        if vote_type == "cumulative":
            ballots.append({pid: draw(st.integers(1, 4)) for pid in pick})
        else:
            ballots.append(pick)
    budget = draw(st.sampled_from([1, 3, 5, 8, 10, 12, 17, 24, 30, 60]))
    return make_instance(costs, ballots, budget, vote_type)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(elections())
def test_mes_agrees_with_pabutools_on_random_elections(inst):
    pb_inst, pb_prof = to_pabutools(inst)
    rules = ["mes-cost", "mes-card"] + (["mes-points"] if inst.vote_type == "cumulative" else [])
    for rule in rules:
        assert set(run(rule, inst).selected) == reference(rule, pb_inst, pb_prof), rule


def _replay_payments(inst: PBInstance, out: Outcome, sat: str, share: Fraction) -> None:
    """Redo every round voter by voter with exact fractions from the steps' rho, and check
    that each project is paid exactly, and nobody pays beyond ``share``."""
    costs = {p.id: p.cost for p in inst.projects}
    money = [share] * inst.n_voters
    ballots = [dict(inst.ballot(v)) for v in range(inst.n_voters)]
    spent = Fraction(0)
    for step in out.steps:
        if step.action != "selected" or "rho" not in step.data:
            continue
        pid, rho = step.project, Fraction(step.data["rho"])
        paid = Fraction(0)
        for v, ballot in enumerate(ballots):
            if pid not in ballot:
                continue
            u = {"cost": costs[pid], "card": 1, "points": ballot[pid]}[sat]
            if u <= 0:
                continue
            pay = min(money[v], rho * u)
            money[v] -= pay
            paid += pay
        assert paid == costs[pid], pid  # the supporters cover the cost exactly at rho
        spent += costs[pid]
    assert all(0 <= m <= share for m in money)
    assert spent == out.cost <= inst.budget


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(elections())
def test_no_voter_pays_more_than_their_share(inst):
    share = inst.budget / inst.n_voters
    for rule, sat in (("mes-cost", "cost"), ("mes-card", "card")):
        _replay_payments(inst, run(rule, inst), sat, share)
    if inst.vote_type == "cumulative":
        _replay_payments(inst, run("mes-points", inst), "points", share)


# -- real elections ---------------------------------------------------------------------------

SMALL_FILES = [
    "Poland_Warszawa_2019_Zielony_Ursynow.pb",  # approval
    "Poland_Czestochowa_2020_Rakow.pb",  # cumulative
    "France_Toulouse_2019.pb",  # cumulative
    "US_Stanford_Dataset_PB_Chicago_35th_Ward_2021_vote_rankings.pb",  # ordinal
]


@pytest.mark.parametrize("name", SMALL_FILES)
def test_real_elections_agree_with_pabutools(pabulib_dir, name):
    path = pabulib_dir / name
    if not path.exists():
        pytest.skip(f"{name} is not in the corpus")
    inst = read(path)
    pb_inst, pb_prof = to_pabutools(inst)
    rules = ["mes-cost", "mes-card"] + (["mes-points"] if inst.vote_type == "cumulative" else [])
    for rule in rules:
        assert set(run(rule, inst).selected) == reference(rule, pb_inst, pb_prof), rule


@pytest.mark.slow
def test_a_big_choose_one_file_agrees_with_pabutools(pabulib_dir):
    # Wrocław 2020: 89,419 choose-1 ballots collapse to one voter group per project
    # (about 13 s, nearly all of it pabutools)
    inst = read(pabulib_dir / "Poland_Wroclaw_2020.pb")
    pb_inst, pb_prof = to_pabutools(inst)
    assert set(run("mes-cost", inst).selected) == reference("mes-cost", pb_inst, pb_prof)


def test_voter_groups_merge_identical_ballots_only():
    from comuna.choice.pb.rules._mes_run import make_groups

    inst = make_instance({"a": 1, "b": 2}, [["a", "b"], ["b", "a"], ["a"], ["b"], ["a"]], budget=3)
    g = make_groups(inst, "cost")
    assert sorted(g.weight.tolist()) == [1, 2, 2]  # {a,b} x2, {a} x2, {b} x1
    assert g.voters.tolist() == [4, 3]
    assert g.total_sat == [4 * 1, 3 * 2]
    assert np.array_equal(np.diff(g.ptr), [2, 2])  # a: groups {a,b},{a}; b: {a,b},{b}
