"""Sequential Phragmén, exactly as pabutools 1.2.3's ``sequential_phragmen`` decides it.

Voters earn a virtual currency continuously; a project is bought as soon as its supporters
together hold its cost, and buying it sets every supporter's "load" to the same value
``(sum of the supporters' loads + cost) / supporters``. Each round buys the project for which
that value is smallest (ties: lower ``tie_rank``). As in pabutools, projects costing more than
the whole budget are left out from the start, projects nobody supports have an infinite value,
and the rule stops at the first round whose smallest value belongs to a project (or, in a tie,
to any of the tied projects) that no longer fits the remaining budget.

How it stays exact and fast:

- identical ballots are merged (a bitset per ballot, ``np.unique``) and carry a weight;
- every voter's load is always one of the values ``L[0] = 0, L[1], ...`` set by the rounds so
  far, so we keep for each project ``C[p, g]`` = how many of its supporters sit at level ``g``;
  the sum of supporters' loads is then ``C[p] @ L``, and after a round only the ballots of the
  new project's supporters move to the new level (vectorised update, no per-voter loop);
- the round's minimum is found with floats and then re-decided with ``fractions.Fraction``
  among every project within a relative 1e-9 of it (float error here is below 1e-12).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from comuna.choice.messages import Msg, exact
from comuna.choice.pb.instance import PBInstance
from comuna.choice.pb.outcome import Outcome, Step

# candidates within this relative distance of the float minimum are compared exactly
NEAR = 1e-9


def merge_ballots(inst: PBInstance) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct approval sets and how many voters cast each: (indptr, indices, weight).

    A project listed twice on one ballot counts once (pabutools' ballots are sets).
    """
    n, m = inst.n_voters, inst.n_projects
    words = max(1, (m + 63) // 64)
    lengths = np.diff(inst.indptr)
    voter = np.repeat(np.arange(n, dtype=np.int64), lengths)
    idx = inst.indices.astype(np.int64)
    bits = np.zeros((n, words), dtype=np.uint64)
    np.bitwise_or.at(
        bits, (voter, idx >> 6), np.left_shift(np.uint64(1), (idx & 63).astype(np.uint64))
    )
    # sort the bitsets (lexsort: much faster than np.unique on a void view) and cut at changes
    order = np.lexsort(bits.T[::-1]) if words > 1 else np.argsort(bits[:, 0], kind="stable")
    sorted_bits = bits[order]
    change = np.ones(n, dtype=bool)
    if n:
        change[1:] = (sorted_bits[1:] != sorted_bits[:-1]).any(axis=1)
    starts = np.flatnonzero(change)
    first = order[starts]
    weight = np.diff(np.append(starts, n))
    # the distinct ballots: each one's first voter's entries, minus repeated projects if any
    pos, col = _rows(inst.indptr, idx, first)
    if int(np.bitwise_count(bits).sum()) != len(idx):
        key = np.unique(pos * max(m, 1) + col)
        pos, col = key // max(m, 1), key % max(m, 1)
    indptr = np.zeros(len(first) + 1, dtype=np.int64)
    np.cumsum(np.bincount(pos, minlength=len(first)), out=indptr[1:])
    return indptr, col, weight.astype(np.int64)


def _rows(
    indptr: np.ndarray, indices: np.ndarray, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Entries of the given CSR rows: (position in ``rows`` of each entry, its column)."""
    starts = indptr[rows]
    lengths = indptr[rows + 1] - starts
    total = int(lengths.sum())
    offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
    at = offsets + np.arange(total, dtype=np.int64)
    return np.repeat(np.arange(len(rows), dtype=np.int64), lengths), indices[at]


def phragmen(inst: PBInstance, *, tie_rank: np.ndarray) -> Outcome:
    """Sequential Phragmén (pabutools ``sequential_phragmen``); a ballot approves what it lists."""
    m = inst.n_projects
    scale = inst.scale
    costs = [int(c) for c in inst.int_costs]
    budget = inst.int_budget
    ranks = [int(r) for r in tie_rank]
    projects = inst.projects

    bptr, bidx, weight = merge_ballots(inst)
    # supporters of each project among the merged ballots (column-major copy)
    ballot_of_entry = np.repeat(np.arange(len(weight), dtype=np.int64), np.diff(bptr))
    by_project = np.argsort(bidx, kind="stable")
    sup_ballots = ballot_of_entry[by_project]
    sptr = np.zeros(m + 1, dtype=np.int64)
    np.cumsum(np.bincount(bidx, minlength=m), out=sptr[1:])
    approvals = np.zeros(m, dtype=np.int64)
    np.add.at(approvals, bidx, weight[ballot_of_entry])
    napp = [int(a) for a in approvals]

    remaining = np.array([c <= budget for c in costs], dtype=bool)
    steps: list[Step] = []
    for j in np.flatnonzero(~remaining):
        p = projects[j]
        steps.append(
            Step(
                "skipped",
                p.id,
                Msg(
                    "pb.phragmen.too_expensive",
                    {"project": p.id, "cost": exact(p.cost), "budget": exact(inst.budget)},
                ),
                {"cost": str(p.cost), "budget": str(inst.budget)},
            )
        )

    max_levels = int(remaining.sum()) + 1
    counts = np.zeros((m, max_levels), dtype=np.int64)  # C[p, g]
    counts[:, 0] = approvals
    level = np.zeros(len(weight), dtype=np.int64)
    loads: list[Fraction] = [Fraction(0)]
    loads_f = np.zeros(max_levels, dtype=np.float64)
    cost_f = np.array(costs, dtype=np.float64)
    app_f = approvals.astype(np.float64)
    left = budget
    selected: list[str] = []

    cache: dict[int, Fraction] = {}  # exact values, valid until a supporter's load moves

    def exact_value(p: int) -> Fraction:
        if p in cache:
            return cache[p]
        used = np.flatnonzero(counts[p, : len(loads)])
        total = sum((int(counts[p, g]) * loads[g] for g in used), Fraction(0))
        cache[p] = (total + costs[p]) / napp[p]
        return cache[p]

    while remaining.any():
        finite = remaining & (approvals > 0)
        if finite.any():
            k = len(loads)
            est = (counts[:, :k] @ loads_f[:k] + cost_f) / np.where(finite, app_f, 1.0)
            est[~finite] = np.inf
            low = est.min()
            near = np.flatnonzero(est <= low + low * NEAR)
            values = {int(p): exact_value(int(p)) for p in near}
            best = min(values.values())
            tied = [p for p, v in values.items() if v == best]
        else:
            best = None  # every remaining project has no supporter: infinite value, all tied
            tied = [int(p) for p in np.flatnonzero(remaining)]
        too_big = [p for p in tied if costs[p] > left]
        if too_big:
            _record_stop(inst, steps, too_big, remaining, best, left)
            break
        s = min(tied, key=ranks.__getitem__)
        p = projects[s]
        before = Fraction(left, scale)
        left -= costs[s]
        remaining[s] = False
        selected.append(p.id)
        data = {
            "round": len(selected),
            "cost": str(p.cost),
            "supporters": napp[s],
            "remaining_before": str(before),
            "remaining_after": str(Fraction(left, scale)),
        }
        params = {"project": p.id, "cost": exact(p.cost), "left": exact(before)}
        if best is None:
            msg = Msg("pb.phragmen.selected_unsupported", params)
        else:
            data["load"] = str(best / scale)
            params.update(round=len(selected), supporters=napp[s], load=exact(best / scale))
            msg = Msg("pb.phragmen.selected", params)
            g = len(loads)
            loads.append(best)
            loads_f[g] = float(best)
            # the supporters' ballots move, with all their projects, to the new level
            moved = sup_ballots[sptr[s] : sptr[s + 1]]
            at, cols = _rows(bptr, bidx, moved)
            rows = moved[at]
            w = weight[rows]
            np.subtract.at(counts, (cols, level[rows]), w)
            np.add.at(counts[:, g], cols, w)
            level[moved] = g
            for q in np.unique(cols).tolist():
                cache.pop(q, None)
        steps.append(Step("selected", p.id, msg, data))

    cost = sum((projects[inst.project_index[pid]].cost for pid in selected), Fraction(0))
    return Outcome(rule="phragmen", selected=selected, cost=cost, steps=steps)


def _record_stop(
    inst: PBInstance,
    steps: list[Step],
    too_big: list[int],
    remaining: np.ndarray,
    best: Fraction | None,
    left: int,
) -> None:
    """Explain the stop: who did not fit, and that the rest was never reached."""
    scale = inst.scale
    left_f = Fraction(left, scale)
    stopper = inst.projects[too_big[0]].id
    for j in too_big:
        p = inst.projects[j]
        params = {"project": p.id, "cost": exact(p.cost), "left": exact(left_f)}
        if best is None:
            msg = Msg("pb.phragmen.stopped_unsupported", params)
        else:
            msg = Msg("pb.phragmen.stopped", {**params, "load": exact(best / scale)})
        steps.append(
            Step(
                "skipped",
                p.id,
                msg,
                {"cost": str(p.cost), "remaining": str(left_f), "stopped": True},
            )
        )
    for j in np.flatnonzero(remaining):
        if int(j) in too_big:
            continue
        p = inst.projects[j]
        steps.append(
            Step(
                "skipped",
                p.id,
                Msg(
                    "pb.phragmen.not_reached",
                    {"project": p.id, "stopper": stopper, "left": exact(left_f)},
                ),
                {"cost": str(p.cost), "remaining": str(left_f)},
            )
        )
