"""Equal Shares with completion (``mes-cost-complete``): raising the per-voter budget one unit
at a time as pabutools does, then greedy by votes.

Expected outcomes are worked out by hand in the comments. The completion skips budgets at
which the run is proven unchanged; it is checked here against plain one-unit stepping.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comuna.choice.pb import run
from comuna.choice.pb.instance import PBInstance
from comuna.choice.pb.pabulib import read
from comuna.choice.pb.rules import _mes_raise
from comuna.choice.pb.rules._mes_run import Engine, Run
from comuna.choice.pb.rules.mes import equal_shares_raised
from comuna.choice.pb.tiebreak import tie_rank
from tests.choice.oracle import make_instance, reference, to_pabutools

DATA = "tests/choice/data"


def _plain_raising(inst: PBInstance) -> tuple[list[int], int]:
    """pabutools' loop, one whole MES run per unit: (funded projects, raises)."""
    eng = Engine(inst, "cost", tie_rank(inst))
    base = inst.budget / inst.n_voters
    prev: list[int] = []
    k = 0
    while True:
        r = Run(eng, base + k)
        if r.cost > inst.budget:
            return prev, k - 1
        left = inst.budget - r.cost
        fits = [j for j in range(inst.n_projects) if eng.eligible[j] and j not in r.selected]
        if all(eng.costs[j] > left for j in fits):
            return r.selected, k
        prev = r.selected
        k += 1


# -- hand-checked elections -----------------------------------------------------------------


def test_raising_stops_before_the_share_that_overspends_then_greedy_fills():
    # budget 10, 2 voters. X (6) and Z (3) by voter 1, Y (6) by voter 2.
    # k = 0, 5 each: Z (rho 1) funded; X (voter 1 has 2) and Y (5 < 6) unaffordable.
    #   Cost 3; X would fit the 7 left: not exhaustive, raise.
    # k = 1, 6 each: X, Y, Z all at rho 1; by id X then Y (both voters broke), Z
    #   unaffordable. Cost 12 > 10: pabutools returns the k = 0 outcome, {Z}.
    # Greedy by votes (1 each, ties by id): X (6) fits 7, Y (6) does not fit 1.
    inst = make_instance({"X": 6, "Y": 6, "Z": 3}, [["X", "Z"], ["Y"]], budget=10)
    out = run("mes-cost-complete", inst)
    assert out.selected == ["Z", "X"]
    assert out.cost == 9
    raised = next(s for s in out.steps if s.action == "budget-raised")
    assert raised.data["raises"] == 0 and raised.data["per_voter"] == "5"
    assert (raised.msg.id, raised.msg.params) == (
        "pb.mes.raised",
        {"raises": 0, "share": 5, "over": 6},
    )
    assert "With 6 each, Equal Shares would have spent more than the whole budget" in raised.reason
    assert [s.msg.id for s in out.steps if s.project == "X"] == [
        "pb.mes.unaffordable",
        "pb.completion.selected",
    ]
    assert "the money left went to the other projects in order of votes" in out.explain("X")
    assert "did not fit in the 1 still available" in out.explain("Y")
    pb_inst, pb_prof = to_pabutools(inst)
    assert reference("mes-cost-complete", pb_inst, pb_prof) == set(out.selected)


def test_raising_stops_at_the_first_exhaustive_outcome():
    # budget 10, 2 voters. X (6) by voter 1, Y (4) by voter 2.
    # k = 0, 5 each: Y funded (rho 1), X unaffordable (5 < 6); X fits the 6 left: raise.
    # k = 1, 6 each: X and Y both rho 1, X first by id, then Y; cost 10, nothing left to
    # fit: exhaustive, returned. No greedy step funds anything.
    inst = make_instance({"X": 6, "Y": 4}, [["X"], ["Y"]], budget=10)
    out = run("mes-cost-complete", inst)
    assert out.selected == ["X", "Y"]
    raised = next(s for s in out.steps if s.action == "budget-raised")
    assert raised.data["raises"] == 1 and raised.data["per_voter"] == "6"
    assert raised.msg.id == "pb.mes.raised_exhaustive"
    assert "no unfunded project that someone voted for fits" in raised.reason


def test_fixture_file_raising_many_units(pabulib_dir):
    # tests/choice/data/mes_raise_many.pb: budget 100, 4 voters (25 each).
    # A (60) by voters 1, 2, 3; B (45) by voters 3, 4; C (30) by voter 4.
    # With share s = 25 + k: A costs 20 each (rho 1/3) and goes first; voter 3 keeps
    # s - 20. B then needs 45 from s - 20 and s: unaffordable while s < 32.5. C needs 30
    # from voter 4 alone: unaffordable while s < 30. So k = 0..4 fund {A} (cost 60, and C
    # would fit the 40 left: raise). k = 5 (s = 30) funds A, then C (rho 1); B's
    # supporters hold 10 < 45. Cost 90, B does not fit the 10 left: exhaustive, returned
    # with 5 raises. Greedy: B still does not fit.
    del pabulib_dir  # our own file; only the reader is needed
    inst = read(f"{DATA}/mes_raise_many.pb")
    out = run("mes-cost-complete", inst)
    assert sorted(out.selected) == ["A", "C"]
    assert next(s for s in out.steps if s.action == "budget-raised").data["raises"] == 5
    pb_inst, pb_prof = to_pabutools(inst)
    assert reference("mes-cost-complete", pb_inst, pb_prof) == set(out.selected)


# -- random elections -------------------------------------------------------------------------


@st.composite
def elections(draw):
    vote_type = draw(st.sampled_from(["approval", "choose-1", "ordinal", "cumulative"]))
    m = draw(st.integers(1, 7))
    ids = [str(i) for i in draw(st.lists(st.integers(1, 30), min_size=m, max_size=m, unique=True))]
    cost = st.sampled_from([0, 1, 3, 5, 8, 10, 15, 20, 25, 40, 60, Fraction(5, 2)])
    costs = {pid: draw(cost) for pid in ids}
    n = draw(st.integers(1, 10))
    ballots = []
    for _ in range(n):
        pick = draw(st.lists(st.sampled_from(ids), unique=True, max_size=m))
        if vote_type == "choose-1":
            pick = pick[:1]
        ballots.append({pid: 1 for pid in pick} if vote_type == "cumulative" else pick)
    budget = draw(st.sampled_from([5, 10, 30, 50, 77, 100, 150, Fraction(201, 2)]))
    return make_instance(costs, ballots, budget, vote_type)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(elections())
def test_completion_agrees_with_pabutools_on_random_elections(inst):
    pb_inst, pb_prof = to_pabutools(inst)
    got = set(run("mes-cost-complete", inst).selected)
    assert got == reference("mes-cost-complete", pb_inst, pb_prof)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(elections())
def test_skipping_budgets_gives_what_one_unit_steps_give(inst):
    if inst.n_voters == 0:
        return
    fast, raises, _ = equal_shares_raised(inst, tie_rank(inst))
    assert (fast.selected, raises) == _plain_raising(inst)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(elections())
def test_no_voter_pays_more_than_the_raised_share(inst):
    if inst.n_voters == 0:
        return
    out = run("mes-cost-complete", inst)
    share = Fraction(next(s for s in out.steps if s.action == "budget-raised").data["per_voter"])
    costs = {p.id: p.cost for p in inst.projects}
    money = [share] * inst.n_voters
    listed = [{pid for pid, _ in inst.ballot(v)} for v in range(inst.n_voters)]
    for step in out.steps:
        if step.action != "selected" or "rho" not in step.data:
            continue  # greedy steps spend the city's leftover, not the voters' shares
        pid, rho = step.project, Fraction(step.data["rho"])
        paid = Fraction(0)
        for v in range(inst.n_voters):
            if pid in listed[v]:
                pay = min(money[v], rho * costs[pid])
                money[v] -= pay
                paid += pay
        assert paid == costs[pid]
    assert all(0 <= m <= share for m in money)
    assert out.cost <= inst.budget


# -- real elections -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Poland_Warszawa_2019_Zielony_Ursynow.pb",
        "Poland_Czestochowa_2020_Rakow.pb",
        "France_Toulouse_2019.pb",
        # exact ties between projects whose supporters all pay the full price
        "Poland_Wroclaw_2025_Local.pb",
        # the float kernel cannot decide one budget: the exact run decides it
        "Poland_Zabrze_2021_Maciejow.pb",
        "Worldwide_Mechanical_Turk_Ranking_value_8.pb",
    ],
)
def test_skipping_budgets_on_real_elections(pabulib_dir, name):
    inst = read(pabulib_dir / name)
    fast, raises, _ = equal_shares_raised(inst, tie_rank(inst))
    assert (fast.selected, raises) == _plain_raising(inst)


def test_without_numba_every_budget_is_run_exactly(pabulib_dir, monkeypatch):
    # the completion without its compiled kernel: the same outcome, by _mes_run.Run alone
    inst = read(pabulib_dir / "Poland_Warszawa_2019_Zielony_Ursynow.pb")
    fast, raises, _ = equal_shares_raised(inst, tie_rank(inst))
    monkeypatch.setattr(_mes_raise, "_kernel", lambda: None)
    slow, raises_slow, _ = equal_shares_raised(inst, tie_rank(inst))
    assert (slow.selected, raises_slow) == (fast.selected, raises)


@pytest.mark.slow
@pytest.mark.parametrize(
    "name",
    [
        "Poland_Wroclaw_2017.pb",
        "Poland_Wroclaw_2020.pb",
        "Poland_Lodz_2020.pb",
        "Poland_Krakow_2022.pb",
        "Poland_Krakow_2024.pb",
        "France_Toulouse_2022.pb",  # 199 projects, 1,617 raises, many exact ties
    ],
)
def test_skipping_budgets_on_the_big_cities(pabulib_dir, name):
    # one plain MES run per unit: 100-400 runs, tens of seconds per file
    inst = read(pabulib_dir / name)
    fast, raises, _ = equal_shares_raised(inst, tie_rank(inst))
    assert (fast.selected, raises) == _plain_raising(inst)


def test_a_free_project_is_left_to_greedy_and_says_why():
    # Cost_Sat gives a free project no satisfaction: Equal Shares never funds it, greedy
    # (where its density is 0, so it comes last) does, since 0 always fits.
    # g (4) by voter 1 is funded by Equal Shares (5 each), then f by greedy.
    inst = make_instance({"f": 0, "g": 4}, [["f", "g"], ["f"]], budget=10)
    out = run("mes-cost-complete", inst)
    assert out.selected == ["g", "f"]
    said = out.explain("f")
    ids = [s.msg.id for s in out.steps if s.project == "f"]
    assert ids == ["pb.mes.free_satisfies_nobody", "pb.completion.free"]
    assert "measures what a project gives its supporters by its cost" in said
    assert "It costs nothing, so it was funded." in said
