"""Greedy rules: fund projects in order of support, skipping those that no longer fit.

The three welfare rules are pabutools 1.2.3's ``greedy_utilitarian_welfare`` (its additive
branch) with a satisfaction measure:

- ``greedy_card`` (``Cardinality_Sat``): order by supporters per unit of cost;
- ``greedy_cost`` (``Cost_Sat``): order by supporters (satisfaction = cost, divided by cost);
- ``greedy_points`` (``Additive_Cardinal_Sat``): order by points per unit of cost.

A voter "supports" a project when their ballot lists it, whatever the vote type: pabutools tests
``project in ballot``, so ranks (ordinal) and points (cumulative, even 0 points) are ignored by
the first two. Like pabutools, a project's density is its total satisfaction divided by its
cost, infinite for a free project with some satisfaction, and 0 when nobody is satisfied (such
projects still come last and are funded if money is left). Ties in density go to the lower
``tie_rank``. Then projects are taken in that order and each is funded if its cost fits what is
left of the budget; otherwise it is skipped and the rule goes on to the next one.

``greedy_threshold`` is the rule Warsaw and other Polish cities name ``greedy-threshold``:
drop every project whose score is below META ``min_project_score_threshold``, then fund by
score (votes for approval-like ballots, points for cumulative and scoring ballots).

Ties in density or score go to the lower ``tie_rank``, which ``comuna.choice.pb.run`` computes
from a named order (``tiebreak``; the names are in ``comuna.choice.ties``): ``"id"`` by default,
as pabutools; ``"supporters"`` as Katowice breaks them (of two projects with equal points, the
one on more ballots: Kostuchna 2025 funded L21/08/XII, 62 supporters, over L21/05/XII, 53, both
at 96 points); ``"cost-min"`` as Warszawa does.

Orders are decided with exact rationals (``fractions.Fraction``) over at most a few hundred
projects; the per-voter work is one vectorised count over the ballot arrays.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from comuna.choice.messages import Msg, exact
from comuna.choice.pb.instance import POINT_TYPES, PBInstance, supporters
from comuna.choice.pb.outcome import Outcome, Step

INF = float("inf")


def points(inst: PBInstance) -> np.ndarray:
    """Total points each project received (int64, exact)."""
    total = np.zeros(inst.n_projects, dtype=np.int64)
    np.add.at(total, inst.indices, inst.points.astype(np.int64, copy=False))
    return total


def score(inst: PBInstance) -> np.ndarray:
    """A project's score as cities count it: points for point ballots, otherwise votes."""
    return points(inst) if inst.vote_type in POINT_TYPES else supporters(inst)


def _density(sat: int, cost: int) -> Fraction | float:
    # pabutools: sat / cost, infinite when free and wanted, 0 when nobody is satisfied
    if sat <= 0:
        return Fraction(0)
    if cost <= 0:
        return INF
    return Fraction(sat, cost)


def _fund_in_order(
    inst: PBInstance,
    rule: str,
    order: Sequence[int],
    keys: Sequence[object],
    by: str,
    support: Sequence[int],
    data: Sequence[dict[str, Any]],
    steps: list[Step],
) -> Outcome:
    """Fund projects in ``order``, each if it fits; ``by`` names what the order ranks by
    (a word of the ``pb.greedy.*`` messages) and ``support[j]`` is j's votes or points.

    ``keys[j]`` is what ``order`` ranks project j by: projects with equal keys were placed by
    the tie order, and each one's step says so.
    """
    scale = inst.scale
    costs = inst.int_costs
    remaining = inst.int_budget
    selected: list[str] = []
    tied = _tied(order, keys)
    for pos, j in enumerate(order, start=1):
        p = inst.projects[j]
        c = int(costs[j])
        left = Fraction(remaining, scale)
        info = {**data[j], "position": pos, "cost": str(p.cost), "remaining_before": str(left)}
        params: dict[str, Any] = {
            "project": p.id,
            "by": by,
            "support": int(support[j]),
            "position": pos,
            "cost": exact(p.cost),
            "left": exact(left),
        }
        if j in tied:
            params.update(_tie_params(inst, tied[j], j, info))
        if c <= remaining:
            remaining -= c
            selected.append(p.id)
            info["remaining_after"] = str(Fraction(remaining, scale))
            steps.append(Step("selected", p.id, Msg("pb.greedy.selected", params), info))
        else:
            steps.append(Step("skipped", p.id, Msg("pb.greedy.skipped", params), info))
    cost = sum((inst.projects[inst.project_index[pid]].cost for pid in selected), Fraction(0))
    return Outcome(rule=rule, selected=selected, cost=cost, steps=steps)


def _tied(order: Sequence[int], keys: Sequence[object]) -> dict[int, list[int]]:
    """For each project of ``order`` that shares its key with others, that group, in order."""
    groups: dict[object, list[int]] = {}
    for k in order:
        groups.setdefault(keys[k], []).append(k)
    return {k: group for group in groups.values() if len(group) > 1 for k in group}


def _tie_params(
    inst: PBInstance, group: list[int], j: int, info: dict[str, Any]
) -> dict[str, list[str]]:
    """The projects tied with ``j`` (its ``group``) placed before and after it; also put in
    ``info``."""
    at = group.index(j)
    before = [inst.projects[k].id for k in group[:at]]
    after = [inst.projects[k].id for k in group[at + 1 :]]
    info["tied_with"] = before + after
    return {"tied_before": before, "tied_after": after}


def _greedy_by_density(
    inst: PBInstance,
    tie_rank: np.ndarray,
    rule: str,
    sat: Sequence[int],
    shown: Sequence[int],
    by: str,
) -> Outcome:
    """Order by ``sat[j] / cost[j]`` (scaled costs: the scale does not change the order);
    the steps show ``shown[j]`` and say the order was ``by`` that per unit of cost."""
    m = inst.n_projects
    costs = inst.int_costs
    dens = [_density(int(sat[j]), int(costs[j])) for j in range(m)]
    order = sorted(range(m), key=lambda j: (-dens[j], int(tie_rank[j])))
    data = [{"support": int(shown[j]), "density": str(dens[j])} for j in range(m)]
    return _fund_in_order(inst, rule, order, dens, by, shown, data, [])


def greedy_card(inst: PBInstance, *, tie_rank: np.ndarray) -> Outcome:
    """Greedy by supporters per unit of cost (pabutools ``Cardinality_Sat``)."""
    counts = supporters(inst).tolist()
    return _greedy_by_density(
        inst,
        tie_rank,
        "greedy-card",
        counts,
        counts,
        "supporters-per-cost",
    )


def greedy_cost(inst: PBInstance, *, tie_rank: np.ndarray) -> Outcome:
    """Greedy by supporters (pabutools ``Cost_Sat``: satisfaction = cost, per unit of cost)."""
    counts = supporters(inst).tolist()
    # total Cost_Sat is supporters * cost, so the density is the supporters (0 if free)
    sat = [n * int(c) for n, c in zip(counts, inst.int_costs, strict=True)]
    return _greedy_by_density(inst, tie_rank, "greedy-cost", sat, counts, "votes")


def greedy_points(inst: PBInstance, *, tie_rank: np.ndarray) -> Outcome:
    """Greedy by points per unit of cost (pabutools ``Additive_Cardinal_Sat``)."""
    if inst.vote_type not in POINT_TYPES:
        raise ValueError(
            f"greedy-points needs cumulative or scoring ballots, not {inst.vote_type} ballots"
        )
    total = points(inst).tolist()
    return _greedy_by_density(
        inst,
        tie_rank,
        "greedy-points",
        total,
        total,
        "points-per-cost",
    )


def greedy_threshold(
    inst: PBInstance, *, tie_rank: np.ndarray, threshold: int | None = None
) -> Outcome:
    """Drop projects scoring under the threshold, then fund by score (ties by ``tie_rank``).

    ``threshold`` defaults to META ``min_project_score_threshold`` (no threshold when absent).
    """
    if threshold is None:
        threshold = inst.meta_int("min_project_score_threshold") or 0
    sc = score(inst).tolist()
    unit = "points" if inst.vote_type in POINT_TYPES else "votes"
    steps: list[Step] = []
    kept: list[int] = []
    for j, p in enumerate(inst.projects):
        if sc[j] < threshold:
            steps.append(
                Step(
                    "dropped",
                    p.id,
                    Msg(
                        "pb.greedy.dropped",
                        {"project": p.id, "by": unit, "support": sc[j], "threshold": threshold},
                    ),
                    {"score": sc[j], "threshold": threshold},
                )
            )
        else:
            kept.append(j)
    order = sorted(kept, key=lambda j: (-sc[j], int(tie_rank[j])))
    data = [{"score": s, "threshold": threshold} for s in sc]
    return _fund_in_order(inst, "greedy-threshold", order, sc, unit, sc, data, steps)
