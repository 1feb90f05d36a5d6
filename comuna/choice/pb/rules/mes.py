"""The Method of Equal Shares (MES), with and without completion.

Meanings are those of pabutools 1.2.3 (``rules/mes/mes_rule.py``, ``rules/exhaustion.py``):

- ``mes_cost``, ``mes_card``, ``mes_points``: ``method_of_equal_shares`` with ``Cost_Sat``,
  ``Cardinality_Sat`` or ``Additive_Cardinal_Sat``. Every voter starts with ``budget / n``
  (n counts every ballot, empty ones too). In each round every project still in play has a
  price ``rho`` per unit of satisfaction: the smallest ``rho`` at which its supporters, each
  paying ``min(own money, rho * sat)``, cover its cost. The project with the smallest ``rho``
  is funded (exact ties: lowest ``tie_rank``) and its supporters pay; a project whose
  supporters together hold less than its cost drops out. The run ends when no project is
  affordable. A voter supports a project when the satisfaction is positive: for ``Cost_Sat``
  (sat = cost) and ``Cardinality_Sat`` (sat = 1) when the ballot lists it, points and ranks
  ignored (pabutools tests ``project in ballot``); for ``Additive_Cardinal_Sat`` when it got
  positive points (sat = points). Projects with supporters and cost 0 are funded before the
  rounds (none under ``Cost_Sat``, where their satisfaction is 0).
- ``mes_cost_complete``: ``completion_by_rule_combination`` of MES with ``Cost_Sat`` and
  ``voter_budget_increment=1``, then ``greedy_utilitarian_welfare`` with ``Cost_Sat``.
  pabutools reruns MES with the per-voter budget ``budget / n + k`` for ``k = 0, 1, 2, ...``
  and stops at the first ``k`` whose outcome either costs more than the budget (it returns
  the outcome of ``k - 1``) or is exhaustive (no unfunded project with supporters and a
  positive cost fits the money left; it returns that outcome). It does not assume outcomes
  are monotone in ``k`` and neither do we: the same ``k`` are visited in order, but a ``k`` at
  which the run is proven identical to the last one computed is skipped, and a rerun keeps
  the rounds proven unchanged (see ``_mes_raise``). Greedy then funds the other projects by
  number of votes (ties by ``tie_rank``; a free project has "density" 0 there, so it comes
  last) while they fit.

The arithmetic is exact where it decides anything (see ``_mes_run`` and ``_mes_raise``).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from comuna.choice.messages import Msg, exact
from comuna.choice.pb.instance import PBInstance
from comuna.choice.pb.outcome import Outcome, Step
from comuna.choice.pb.rules._mes_raise import equal_shares_raised
from comuna.choice.pb.rules._mes_run import Engine, Run


def _mes_steps(run: Run) -> list[Step]:
    """Round by round: who paid what; then why every other project was not funded."""
    e = run.e
    inst, g = e.inst, e.g
    steps: list[Step] = []
    for j in e.free:
        pid = inst.projects[j].id
        voters = int(g.voters[j])
        steps.append(
            Step(
                "selected",
                pid,
                Msg("pb.mes.free", {"project": pid, "voters": voters}),
                {"cost": "0"},
            )
        )
    for t, rd in enumerate(run.rounds):
        p = inst.projects[rd.project]
        inner = run.rho_exact(t)  # per unit of the engine's satisfaction (scaled costs)
        # pabutools' rho: per unit of its satisfaction (Cost_Sat: per unit of real cost)
        rho = inner * inst.scale if run.e.sat == "cost" else inner
        all_in = run.all_in_paid(t)
        data: dict[str, Any] = {
            "round": t + 1,
            "rho": str(rho),
            "rho_float": float(rho),
            "cost": str(p.cost),
            "full_payers": rd.rich_voters,
            "full_payers_paid": str(p.cost - all_in),
            "all_in_payers": rd.poor_w,
            "all_in_paid": str(all_in),
        }
        params: dict[str, Any] = {
            "project": p.id,
            "round": t + 1,
            "sat": run.e.sat,
            "cost": exact(p.cost),
            "payers": rd.rich_voters,
            "all_in": rd.poor_w,
            "all_in_paid": exact(all_in),
        }
        if run.e.sat == "points":
            params["price"] = exact(rho)  # per point given
        else:
            each = rho * (p.cost if run.e.sat == "cost" else 1)
            data["price_per_voter"] = str(each)
            params["price"] = exact(each)
        steps.append(Step("selected", p.id, Msg("pb.mes.funded", params), data))
    chosen = set(run.selected)
    last = len(run.rounds)
    listed = _listed_counts(inst)
    for j, p in enumerate(inst.projects):
        if j in chosen:
            continue
        if g.total_sat[j] <= 0:
            if e.costs[j] == 0 and e.sat == "cost" and listed[j]:
                said = "pb.mes.free_satisfies_nobody"
            elif e.sat == "points":
                said = "pb.no_points"
            else:
                said = "pb.unsupported"
            steps.append(Step("skipped", p.id, Msg(said, {"project": p.id}), {}))
        elif j in run.dropped:
            t = run.dropped[j]
            left = run.supporters_money(j, t)
            params = {
                "project": p.id,
                "round": None if t >= last else t + 1,
                "money": exact(left),
                "cost": exact(p.cost),
            }
            steps.append(
                Step(
                    "skipped",
                    p.id,
                    Msg("pb.mes.unaffordable", params),
                    {"cost": str(p.cost), "supporters_money": str(left), "round": t + 1},
                )
            )
    return steps


def _share_step(inst: PBInstance, b: Fraction) -> Step:
    params = {"voters": inst.n_voters, "budget": exact(inst.budget), "share": exact(b)}
    return Step(
        "budget",
        None,
        Msg("pb.mes.share", params),
        {"per_voter": str(b), "voters": inst.n_voters},
    )


def _mes(inst: PBInstance, tie_rank: np.ndarray, sat: str, rule: str) -> Outcome:
    if inst.n_voters == 0:  # pabutools returns the empty allocation
        return Outcome(rule, [], Fraction(0), [Step("skipped", None, Msg("pb.no_ballots"))])
    run = Run(Engine(inst, sat, tie_rank), inst.budget / inst.n_voters)
    steps = [_share_step(inst, run.b), *_mes_steps(run)]
    ids = [inst.projects[j].id for j in run.selected]
    return Outcome(rule, ids, run.cost, steps)


def mes_cost(inst: PBInstance, *, tie_rank: np.ndarray) -> Outcome:
    """Equal Shares with cost satisfaction (pabutools ``Cost_Sat``), no completion."""
    return _mes(inst, tie_rank, "cost", "mes-cost")


def mes_card(inst: PBInstance, *, tie_rank: np.ndarray) -> Outcome:
    """Equal Shares with cardinality satisfaction (pabutools ``Cardinality_Sat``)."""
    return _mes(inst, tie_rank, "card", "mes-card")


def mes_points(inst: PBInstance, *, tie_rank: np.ndarray) -> Outcome:
    """Equal Shares with the points as satisfaction (pabutools ``Additive_Cardinal_Sat``)."""
    return _mes(inst, tie_rank, "points", "mes-points")


def mes_cost_complete(inst: PBInstance, *, tie_rank: np.ndarray) -> Outcome:
    """Equal Shares (cost satisfaction) with the per-voter budget raised one unit at a time
    while the outcome stays within the budget, then greedy by votes to fill what is left."""
    budget = inst.budget
    costs = [p.cost for p in inst.projects]
    steps: list[Step] = []
    order: list[int] = []
    spent = Fraction(0)
    if inst.n_voters:
        run, raises, over = equal_shares_raised(inst, tie_rank)
        base = budget / inst.n_voters
        steps.append(_share_step(inst, base))
        params: dict[str, Any] = {"raises": raises, "share": exact(run.b)}
        if over is not None:
            params["over"] = exact(over)
        steps.append(
            Step(
                "budget-raised",
                None,
                Msg("pb.mes.raised" if over is not None else "pb.mes.raised_exhaustive", params),
                {"per_voter_start": str(base), "per_voter": str(run.b), "raises": raises},
            )
        )
        steps += _mes_steps(run)
        order = list(run.selected)
        spent = run.cost
    else:
        steps.append(Step("skipped", None, Msg("pb.no_ballots_completion")))
    # greedy_utilitarian_welfare with Cost_Sat: density = total cost-satisfaction / cost =
    # the number of ballots listing the project (0 for a free project)
    votes = _listed_counts(inst)
    chosen = set(order)
    for j in sorted(
        (j for j in range(inst.n_projects) if j not in chosen),
        key=lambda j: (-(votes[j] if costs[j] > 0 else 0), int(tie_rank[j])),
    ):
        p = inst.projects[j]
        left = budget - spent
        data = {"votes": votes[j], "cost": str(p.cost), "remaining_before": str(left)}
        params = {"project": p.id, "votes": votes[j], "cost": exact(p.cost), "left": exact(left)}
        if costs[j] <= left:
            order.append(j)
            spent += costs[j]
            # pabutools: a free project has density 0, so it comes last
            said = "pb.completion.free" if costs[j] == 0 else "pb.completion.selected"
            steps.append(Step("selected", p.id, Msg(said, params), data))
        else:
            steps.append(Step("skipped", p.id, Msg("pb.completion.skipped", params), data))
    ids = [inst.projects[j].id for j in order]
    return Outcome("mes-cost-complete", ids, spent, steps)


def _listed_counts(inst: PBInstance) -> list[int]:
    """Ballots listing each project (a project repeated on one ballot counted once)."""
    n, m = inst.n_voters, inst.n_projects
    if not len(inst.indices):
        return [0] * m
    voter = np.repeat(np.arange(n, dtype=np.int64), np.diff(inst.indptr))
    key = np.unique(voter * m + inst.indices.astype(np.int64))
    counts: list[int] = np.bincount(key % m, minlength=m).astype(np.int64).tolist()
    return counts
