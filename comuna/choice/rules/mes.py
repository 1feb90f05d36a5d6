"""The Method of Equal Shares (MES), with and without completion.

Meanings are those of pabutools 1.2.3 (``rules/mes/mes_rule.py``, ``rules/exhaustion.py``):

- ``mes_cost``, ``mes_card``, ``mes_points``: ``method_of_equal_shares`` with ``Cost_Sat``,
  ``Cardinality_Sat`` or ``Additive_Cardinal_Sat``. Every voter starts with ``budget / n``.
  In each round every project still in play has a price ``rho`` per unit of satisfaction:
  the smallest ``rho`` at which its supporters, each paying ``min(own money, rho * sat)``,
  cover its cost (a water level). The project with the smallest ``rho`` is funded (exact
  ties: lowest ``tie_rank``) and its supporters pay; a project whose supporters together
  hold less than its cost drops out. The run ends when no project is affordable.
  A voter supports a project when the satisfaction is positive: for ``Cost_Sat`` and
  ``Cardinality_Sat`` when the ballot lists it (points and ranks ignored, as pabutools tests
  ``project in ballot``); for ``Additive_Cardinal_Sat`` when it got positive points.
  Projects with supporters and cost 0 are funded up front (none under ``Cost_Sat``, where
  their satisfaction is 0).
- ``mes_cost_complete``: ``completion_by_rule_combination`` of MES with ``Cost_Sat`` and
  ``voter_budget_increment=1``, then ``greedy_utilitarian_welfare`` with ``Cost_Sat``.
  pabutools reruns MES with the per-voter budget ``budget / n + k`` for ``k = 0, 1, 2, ...``
  and stops at the first ``k`` whose outcome either costs more than the budget (it then
  returns the outcome of ``k - 1``) or is exhaustive (no unfunded project with supporters
  fits the money left; it returns that outcome). It does not assume the outcomes are
  monotone in ``k``, and neither do we: we visit the same ``k`` in order, but skip the ``k``
  at which the run is proven identical (see ``_Run.certify``). Greedy then funds the
  remaining projects by number of votes (ties by ``tie_rank``) while they fit.

Speed without giving up exactness:

- Voters with identical ballots always hold identical budgets, so they are merged into
  weighted groups (a choose-1 election collapses to one group per project).
- Budgets are float64 for speed; every decision whose float margin is within ``REL`` of a
  tie (which project is cheapest, whether a supporter can pay the full price, whether a
  project is affordable) is re-decided with exact rationals. Exact values are rebuilt on
  demand from the run's integer history: a group's budget is ``b - sum_t rho_t * Y[g, t]``
  (``Y[g, t]`` its satisfaction if it paid the full price in round ``t``), and each exact
  ``rho_t`` follows from earlier ones and integer sums kept per round.
- Within a run, a project's ``rho`` only grows as voters spend, so its last computed value
  is a lower bound and most projects are not re-evaluated each round (pabutools does the
  same).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from comuna.choice.instance import PBInstance
from comuna.choice.outcome import Outcome, Step
from comuna.choice.rules.greedy import money

# Float decisions closer than this (relative) to a tie are re-decided exactly. Float errors
# here are ~1e-13 relative (sums of at most ~1e5 terms), so this margin is very safe.
REL = 1e-9

SATS = ("cost", "card", "points")


# ---------------------------------------------------------------------------------------
# Voter groups and supporters


@dataclass
class _Groups:
    """Identical ballots merged: per project, the supporting groups and their satisfaction."""

    n_voters: int
    weight: np.ndarray  # int64, voters per group
    ptr: np.ndarray  # int64, project j's supporters are entries ptr[j]:ptr[j+1]
    grp: np.ndarray  # int64, group of each entry
    sat: np.ndarray  # int64, satisfaction of each entry (Cost_Sat: scaled cost)
    voters: np.ndarray  # int64, voters supporting each project
    total_sat: list[int]  # per project, sum of weight * sat (exact)


def _groups(inst: PBInstance, sat: str) -> _Groups:
    n, m = inst.n_voters, inst.n_projects
    voter = np.repeat(np.arange(n, dtype=np.int64), np.diff(inst.indptr))
    proj = inst.indices.astype(np.int64)
    if sat == "points":
        value = inst.points.astype(np.int64)
    elif sat == "cost":
        value = inst.int_costs[proj]
    else:
        value = np.ones(len(proj), dtype=np.int64)
    # one entry per (voter, project): pabutools ballots are sets / dicts
    order = np.lexsort((proj, voter))
    voter, proj, value = voter[order], proj[order], value[order]
    keep = np.ones(len(proj), dtype=bool)
    keep[1:] = (voter[1:] != voter[:-1]) | (proj[1:] != proj[:-1])
    keep &= value > 0  # satisfaction 0 is no support (pabutools: indiv_sat > 0)
    voter, proj, value = voter[keep], proj[keep], value[keep]

    # a voter's ballot as a padded row of (project, value) pairs; equal rows = one group
    length = np.bincount(voter, minlength=n)
    width = int(length.max()) if n else 0
    start = np.concatenate(([0], np.cumsum(length)[:-1]))
    col = np.arange(len(proj)) - np.repeat(start, length)
    rows = np.full((n, max(2 * width, 1)), -1, dtype=np.int64)
    rows[voter, 2 * col] = proj
    rows[voter, 2 * col + 1] = value
    if n:
        order = np.lexsort(rows.T[::-1])
        sorted_rows = rows[order]
        new = np.ones(n, dtype=bool)
        new[1:] = (sorted_rows[1:] != sorted_rows[:-1]).any(axis=1)
        gid_sorted = np.cumsum(new) - 1
        gid = np.empty(n, dtype=np.int64)
        gid[order] = gid_sorted
        weight = np.bincount(gid_sorted).astype(np.int64)
        first = order[new]  # a representative voter per group
    else:
        gid = np.zeros(0, dtype=np.int64)
        weight = np.zeros(0, dtype=np.int64)
        first = np.zeros(0, dtype=np.int64)
    # entries of the representatives, regrouped by project
    is_rep = np.zeros(n, dtype=bool)
    is_rep[first] = True
    rep = is_rep[voter]
    e_proj, e_grp, e_val = proj[rep], gid[voter[rep]], value[rep]
    order = np.argsort(e_proj, kind="stable")
    e_proj, e_grp, e_val = e_proj[order], e_grp[order], e_val[order]
    ptr = np.zeros(m + 1, dtype=np.int64)
    ptr[1:] = np.cumsum(np.bincount(e_proj, minlength=m))
    voters = np.bincount(proj, minlength=m).astype(np.int64)
    ws = weight[e_grp] * e_val
    total_sat = [int(ws[ptr[j] : ptr[j + 1]].sum()) for j in range(m)]
    return _Groups(n, weight, ptr, e_grp, e_val, voters, total_sat)


# ---------------------------------------------------------------------------------------
# One run of MES at a given per-voter budget


@dataclass
class _Round:
    project: int
    rho_f: float
    poor_w: int  # voters (alive) who paid everything they had
    poor_hist: np.ndarray  # int64[t]: sum over those voters of weight * Y[:, t']
    rich_sat: int  # sum over full payers of weight * sat
    rich_voters: int
    rho: Fraction | None = None


@dataclass
class _RunResult:
    selected: list[int]  # MES order (projects funded up front first)
    free: list[int]  # funded up front (cost 0, positive satisfaction)
    cost: Fraction
    overspent: bool  # stopped early because the cost passed the cap
    rounds: list[_Round] = field(default_factory=list)
    dropped: dict[int, int] = field(default_factory=dict)  # project -> round it dropped out


class _Run:
    """MES with every voter starting at ``b`` (exact), on merged voter groups."""

    def __init__(
        self,
        inst: PBInstance,
        grp: _Groups,
        sat: str,
        b: Fraction,
        tie_rank: np.ndarray,
        cap: Fraction | None = None,
    ):
        self.inst = inst
        self.g = grp
        self.sat = sat
        self.b = b
        self.bf = float(b)
        self.tie_rank = tie_rank
        self.cap = cap
        self.costs = [p.cost for p in inst.projects]
        G = len(grp.weight)
        self.beta = np.full(G, self.bf)
        self.alive = np.ones(G, dtype=bool)
        self.wf = grp.weight.astype(np.float64)
        eligible = [j for j in range(inst.n_projects) if grp.total_sat[j] > 0 and self.costs[j] > 0]
        self.eligible = eligible
        self.Y = np.zeros((G, max(len(eligible), 1)), dtype=np.int64, order="F")
        self.rounds: list[_Round] = []

    # -- exact values rebuilt from the history ------------------------------------------

    def rho_exact(self, t: int) -> Fraction:
        for r in range(t + 1):
            rd = self.rounds[r]
            if rd.rho is None:
                hist = rd.poor_hist
                poor = self.b * rd.poor_w - sum(
                    (self.rounds[u].rho * int(hist[u]) for u in range(r) if hist[u]),
                    Fraction(0),
                )
                rd.rho = (self.costs[rd.project] - poor) / rd.rich_sat
        return self.rounds[t].rho

    def _rhos(self) -> list[Fraction]:
        T = len(self.rounds)
        if T:
            self.rho_exact(T - 1)
        return [rd.rho for rd in self.rounds]

    def budgets_exact(self, idx: np.ndarray) -> list[Fraction]:
        """Exact current budgets of groups ``idx``."""
        T = len(self.rounds)
        rows = self.Y[idx, :T]
        uniq, inv = np.unique(rows, axis=0, return_inverse=True)
        rhos = self._rhos()
        vals = []
        for row in uniq:
            nz = np.nonzero(row)[0]
            vals.append(self.b - sum((rhos[u] * int(row[u]) for u in nz), Fraction(0)))
        alive = self.alive[idx]
        inv = np.asarray(inv).reshape(-1)
        return [
            vals[k] if a else Fraction(0) for k, a in zip(inv.tolist(), alive.tolist(), strict=True)
        ]

    def sum_exact(self, idx: np.ndarray) -> Fraction:
        """Exact total current budget of groups ``idx`` (weighted)."""
        idx = idx[self.alive[idx]]
        T = len(self.rounds)
        w = self.g.weight[idx]
        total = self.b * int(w.sum())
        if T and len(idx):
            hist = w @ self.Y[idx, :T]
            rhos = self._rhos()
            total -= sum((rhos[u] * int(hist[u]) for u in np.nonzero(hist)[0]), Fraction(0))
        return total

    # -- water levels -------------------------------------------------------------------

    def level_f(self, j: int) -> tuple[float, float]:
        """(float rho, float total budget of the supporters) of project ``j`` now."""
        g = self.g
        lo, hi = g.ptr[j], g.ptr[j + 1]
        idx = g.grp[lo:hi]
        s = self._satf[lo:hi]
        ws = self._wsf[lo:hi]
        w = self.wf[idx]
        beta = self.beta[idx]
        wb = w * beta
        avail = float(wb.sum())
        c = self._costf[j]
        if avail < c * (1 - REL):
            return np.inf, avail
        total = self._totf[j]
        rho = c / total
        poor = beta < rho * s
        npoor = int(np.count_nonzero(poor))
        for _ in range(64):
            if npoor == 0:
                break
            rich = total - float(ws[poor].sum())
            if rich <= 0:
                break
            rho = (c - float(wb[poor].sum())) / rich
            poor = beta < rho * s
            k = int(np.count_nonzero(poor))
            if k == npoor:
                break
            npoor = k
        return rho, avail

    def affordable_exact(self, j: int) -> bool:
        g = self.g
        idx = g.grp[g.ptr[j] : g.ptr[j + 1]]
        return self.sum_exact(idx) >= self.costs[j]

    def level_exact(self, j: int, rho_f: float) -> Fraction:
        """Exact rho of project ``j``, using the float level to classify the clear cases."""
        g = self.g
        lo, hi = g.ptr[j], g.ptr[j + 1]
        idx = g.grp[lo:hi]
        s = g.sat[lo:hi]
        w = g.weight[idx]
        beta = self.beta[idx]
        target = rho_f * s.astype(np.float64)
        tol = REL * (self.bf + np.abs(target))
        sure_poor = beta < target - tol
        sure_rich = beta > target + tol
        near = ~(sure_poor | sure_rich)
        poor_sum = self.sum_exact(idx[sure_poor])
        rich_sat = int((w[~sure_poor] * s[~sure_poor]).sum())
        near_i = np.nonzero(near)[0]
        exact = self.budgets_exact(idx[near_i]) if len(near_i) else []
        cands = sorted(zip(exact, near_i.tolist(), strict=True), key=lambda e: e[0] / int(s[e[1]]))
        c = self.costs[j]
        for bud, k in cands:
            sk = int(s[k])
            lvl = (c - poor_sum) / rich_sat
            if lvl * sk <= bud:
                return lvl
            poor_sum += int(w[k]) * bud
            rich_sat -= int(w[k]) * sk
        if rich_sat <= 0:
            return self._level_exact_slow(j)
        return (c - poor_sum) / rich_sat

    def _level_exact_slow(self, j: int) -> Fraction:
        """Exact rho from exact budgets of every supporter (fallback, never needed so far)."""
        g = self.g
        lo, hi = g.ptr[j], g.ptr[j + 1]
        idx = g.grp[lo:hi]
        s = g.sat[lo:hi].tolist()
        w = g.weight[idx].tolist()
        bud = self.budgets_exact(idx)
        order = sorted(range(len(bud)), key=lambda k: bud[k] / s[k])
        c = self.costs[j]
        paid = Fraction(0)
        denom = sum(wk * sk for wk, sk in zip(w, s, strict=True))
        for k in order:
            lvl = (c - paid) / denom
            if lvl * s[k] <= bud[k]:
                return lvl
            paid += w[k] * bud[k]
            denom -= w[k] * s[k]
        raise AssertionError("level of an unaffordable project")

    # -- the run --------------------------------------------------------------------------

    def run(self) -> _RunResult:
        inst, g = self.inst, self.g
        m = inst.n_projects
        self._satf = g.sat.astype(np.float64)
        self._wsf = self.wf[g.grp] * self._satf
        self._costf = [float(c) for c in self.costs]
        self._totf = [float(t) for t in g.total_sat]
        free = [j for j in range(m) if g.total_sat[j] > 0 and self.costs[j] == 0]
        cost = Fraction(0)
        # pabutools' initial affordability cost / total_sat: a lower bound on rho
        lb = {j: self._costf[j] / self._totf[j] for j in self.eligible}
        remaining = set(self.eligible)
        selected: list[int] = []
        dropped: dict[int, int] = {}
        tie = self.tie_rank
        while remaining:
            t = len(self.rounds)
            best = np.inf
            evaluated: list[tuple[float, int]] = []
            for j in sorted(remaining, key=lambda j: (lb[j], tie[j])):
                if lb[j] > best * (1 + 4 * REL):
                    break
                rho, avail = self.level_f(j)
                c = self._costf[j]
                if abs(avail - c) <= REL * c:
                    if not self.affordable_exact(j):
                        rho = np.inf
                    elif rho == np.inf:
                        rho = self._afford_edge_level(j)
                if rho == np.inf:
                    remaining.discard(j)
                    dropped[j] = t
                    continue
                lb[j] = rho
                evaluated.append((rho, j))
                if rho < best:
                    best = rho
            if not evaluated:
                break
            near = [j for rho, j in evaluated if rho <= best * (1 + 4 * REL)]
            if len(near) == 1:
                win, rho_w = near[0], None
            else:
                exact = {j: self.level_exact(j, lb[j]) for j in near}
                win = min(near, key=lambda j: (exact[j], tie[j]))
                rho_w = exact[win]
            self._pay(win, lb[win], rho_w)
            remaining.discard(win)
            selected.append(win)
            cost += self.costs[win]
            if self.cap is not None and cost > self.cap:
                return _RunResult(free + selected, free, cost, True, self.rounds, dropped)
        for j in remaining:
            dropped[j] = len(self.rounds)
        return _RunResult(free + selected, free, cost, False, self.rounds, dropped)

    def _afford_edge_level(self, j: int) -> float:
        # the float sum said "unaffordable" but the exact sum says it just covers the cost
        return float(self.level_exact(j, self._costf[j] / max(self._totf[j], 1.0)))

    def _pay(self, j: int, rho_f: float, rho: Fraction | None) -> None:
        g = self.g
        lo, hi = g.ptr[j], g.ptr[j + 1]
        idx = g.grp[lo:hi]
        s = g.sat[lo:hi]
        sf = self._satf[lo:hi]
        w = g.weight[idx]
        beta = self.beta[idx]
        if rho is not None:
            rho_f = float(rho)
        target = rho_f * sf
        tol = REL * (self.bf + np.abs(target))
        poor = beta < target - tol
        rich = beta > target + tol
        near = ~(poor | rich)
        drained = poor.copy()  # pays all it has: poor, or exactly the price
        if near.any():
            if rho is None:
                rho = self.level_exact(j, rho_f)
            near_i = np.nonzero(near)[0]
            exact = self.budgets_exact(idx[near_i])
            for bud, k in zip(exact, near_i.tolist(), strict=True):
                price = rho * int(s[k])
                if bud < price:
                    poor[k] = True
                    drained[k] = True
                elif bud == price:
                    rich[k] = True
                    drained[k] = True
                else:
                    rich[k] = True
        alive = self.alive[idx]
        poor_alive = poor & alive
        t = len(self.rounds)
        pidx = idx[poor_alive]
        pw = w[poor_alive]
        hist = pw @ self.Y[pidx, :t] if t else np.zeros(0, dtype=np.int64)
        self.rounds.append(
            _Round(
                project=j,
                rho_f=rho_f,
                poor_w=int(pw.sum()),
                poor_hist=hist,
                rich_sat=int((w[rich] * s[rich]).sum()),
                rich_voters=int(w[rich].sum()),
                rho=rho,
            )
        )
        keep = rich & ~drained
        gi = idx[keep]
        self.Y[gi, t] = s[keep]
        self.beta[gi] -= target[keep]
        gd = idx[drained]
        self.beta[gd] = 0.0
        self.alive[gd] = False


# ---------------------------------------------------------------------------------------
# Explanations


def _fmt(x: Fraction) -> str:
    return money(x)


def _mes_steps(inst: PBInstance, run: _Run, res: _RunResult, label: str) -> list[Step]:
    """Steps telling, round by round, who paid what, then why the others were not funded."""
    g = run.g
    steps: list[Step] = []
    unit = {"cost": "unit of cost satisfaction", "card": "project", "points": "point"}[run.sat]
    for j in res.free:
        p = inst.projects[j]
        steps.append(
            Step(
                "selected",
                p.id,
                f"{label}: it costs nothing and {int(g.voters[j]):,} voters want it, so it is "
                "funded first.",
                {"cost": "0"},
            )
        )
    rhos = run._rhos()
    scale = inst.scale
    for t, (rd, rho) in enumerate(zip(res.rounds, rhos, strict=True), start=1):
        p = inst.projects[rd.project]
        cost = p.cost
        full_paid = cost - (
            run.b * rd.poor_w
            - sum(
                (rhos[u] * int(rd.poor_hist[u]) for u in range(len(rd.poor_hist))),
                Fraction(0),
            )
        )
        data: dict[str, Any] = {
            "round": t,
            "rho": str(rho),
            "rho_float": float(rho),
            "full_payers": rd.rich_voters,
            "full_payers_paid": str(full_paid),
            "all_in_payers": rd.poor_w,
            "all_in_paid": str(cost - full_paid),
            "cost": str(cost),
        }
        if run.sat == "points":
            price = f"{float(rho):.6g} per point they gave it"
        else:
            per = rho * (int(inst.int_costs[rd.project]) if run.sat == "cost" else 1)
            if run.sat == "cost":
                per = rho * int(inst.int_costs[rd.project])
            data["price_per_voter"] = str(per)
            price = f"{_fmt(per)} each"
        reason = (
            f"{label}, round {t}: it was the cheapest project per {unit} for its supporters "
            f"(rho = {float(rho):.6g}); {rd.rich_voters:,} supporters paid {price}"
        )
        if rd.poor_w:
            reason += (
                f" and {rd.poor_w:,} supporters who had less paid all they had left "
                f"({_fmt(cost - full_paid)} in total)"
            )
        reason += f", covering its cost of {_fmt(cost)}."
        steps.append(Step("selected", p.id, reason, data))
    del scale
    chosen = set(res.selected)
    for j in range(inst.n_projects):
        if j in chosen:
            continue
        p = inst.projects[j]
        if g.total_sat[j] <= 0:
            why = "no voter supports it" if run.sat != "points" else "no voter gave it points"
            steps.append(Step("skipped", p.id, f"{label}: {why}.", {}))
            continue
        if j in res.dropped:
            t = res.dropped[j]
            lo, hi = g.ptr[j], g.ptr[j + 1]
            left = run.sum_exact(g.grp[lo:hi]) if t == len(res.rounds) else None
            if left is not None:
                why = (
                    f"its supporters could not afford it: together they had {_fmt(left)} "
                    f"left, less than its cost of {_fmt(p.cost)}"
                )
                data = {"supporters_money": str(left), "cost": str(p.cost), "round": t + 1}
            else:
                why = (
                    f"its supporters could not afford it: by round {t + 1} they had less "
                    f"money left than its cost of {_fmt(p.cost)}"
                )
                data = {"cost": str(p.cost), "round": t + 1}
            steps.append(Step("skipped", p.id, f"{label}: {why}.", data))
    return steps


# ---------------------------------------------------------------------------------------
# Rules


def _mes(inst: PBInstance, tie_rank: np.ndarray, sat: str, rule: str) -> Outcome:
    if inst.n_voters == 0:
        return Outcome(rule, [], Fraction(0), [Step("skipped", None, "No ballots were cast.")])
    grp = _groups(inst, sat)
    run = _Run(inst, grp, sat, inst.budget / inst.n_voters, tie_rank)
    res = run.run()
    steps = [
        Step(
            "budget",
            None,
            f"Each of the {inst.n_voters:,} voters received an equal share of the budget: "
            f"{_fmt(run.b)}.",
            {"per_voter": str(run.b), "voters": inst.n_voters},
        )
    ]
    steps += _mes_steps(inst, run, res, "Equal Shares")
    ids = [inst.projects[j].id for j in res.selected]
    return Outcome(rule, ids, res.cost, steps)


def mes_cost(inst: PBInstance, *, tie_rank: np.ndarray) -> Outcome:
    """Equal Shares with cost satisfaction (pabutools ``Cost_Sat``), no completion."""
    return _mes(inst, tie_rank, "cost", "mes-cost")


def mes_card(inst: PBInstance, *, tie_rank: np.ndarray) -> Outcome:
    """Equal Shares with cardinality satisfaction (pabutools ``Cardinality_Sat``)."""
    return _mes(inst, tie_rank, "card", "mes-card")


def mes_points(inst: PBInstance, *, tie_rank: np.ndarray) -> Outcome:
    """Equal Shares with the points as satisfaction (pabutools ``Additive_Cardinal_Sat``)."""
    return _mes(inst, tie_rank, "points", "mes-points")


def _exhaustive(
    costs: list[Fraction], chosen: set[int], spent: Fraction, budget: Fraction, among: list[int]
) -> bool:
    return all(j in chosen or costs[j] + spent > budget for j in among)


def mes_cost_complete(inst: PBInstance, *, tie_rank: np.ndarray) -> Outcome:
    """Equal Shares (cost satisfaction) with the per-voter budget raised one unit at a time
    while the outcome stays within the budget, then greedy by votes to fill what is left."""
    rule = "mes-cost-complete"
    budget = inst.budget
    costs = [p.cost for p in inst.projects]
    steps: list[Step] = []
    chosen_order: list[int] = []
    spent = Fraction(0)
    if inst.n_voters:
        grp = _groups(inst, "cost")
        base = budget / inst.n_voters
        prev: tuple[_Run, _RunResult, int] | None = None
        k = 0
        while True:
            run = _Run(inst, grp, "cost", base + k, tie_rank, cap=budget)
            res = run.run()
            if res.overspent:
                stop = (
                    f"with one unit more ({_fmt(base + k)}) Equal Shares would spend "
                    f"{_fmt(res.cost)}+, more than the budget"
                )
                break
            chosen = set(res.selected)
            if _exhaustive(costs, chosen, res.cost, budget, run.eligible):
                prev = (run, res, k)
                stop = "no unfunded project with supporters fits the money left"
                break
            prev = (run, res, k)
            k += 1
        assert prev is not None  # k = 0 never overspends: voters hold exactly the budget
        run, res, k_final = prev
        steps.append(
            Step(
                "budget-raised",
                None,
                f"Each voter's share started at {_fmt(base)} and was raised by one unit at a "
                f"time to {_fmt(run.b)} ({k_final} raises); {stop}.",
                {"per_voter_start": str(base), "per_voter": str(run.b), "raises": k_final},
            )
        )
        steps += _mes_steps(inst, run, res, "Equal Shares")
        chosen_order = list(res.selected)
        spent = res.cost
    else:
        steps.append(Step("skipped", None, "No ballots were cast: only greedy completion."))
    # greedy_utilitarian_welfare with Cost_Sat: votes per project, ties by tie_rank
    votes = np.bincount(inst.indices, minlength=inst.n_projects) if inst.n_projects else []
    listed = _listed_counts(inst)
    chosen = set(chosen_order)
    order = sorted(
        (j for j in range(inst.n_projects) if j not in chosen),
        key=lambda j: (-(listed[j] if costs[j] > 0 else 0), int(tie_rank[j])),
    )
    del votes
    for j in order:
        p = inst.projects[j]
        left = budget - spent
        if costs[j] <= left:
            chosen_order.append(j)
            spent += costs[j]
            steps.append(
                Step(
                    "selected",
                    p.id,
                    f"Greedy completion: with {listed[j]:,} votes it was the next project by "
                    f"votes, and its cost of {_fmt(p.cost)} fit the remaining budget of "
                    f"{_fmt(left)}.",
                    {"votes": listed[j], "remaining_before": str(left), "cost": str(p.cost)},
                )
            )
        else:
            steps.append(
                Step(
                    "skipped",
                    p.id,
                    f"Greedy completion: its cost of {_fmt(p.cost)} did not fit the remaining "
                    f"budget of {_fmt(left)}.",
                    {"votes": listed[j], "remaining_before": str(left), "cost": str(p.cost)},
                )
            )
    ids = [inst.projects[j].id for j in chosen_order]
    return Outcome(rule, ids, spent, steps)


def _listed_counts(inst: PBInstance) -> list[int]:
    """Voters whose ballot lists each project (repeats on one ballot counted once)."""
    n, m = inst.n_voters, inst.n_projects
    if not len(inst.indices):
        return [0] * m
    voter = np.repeat(np.arange(n, dtype=np.int64), np.diff(inst.indptr))
    key = np.unique(voter * m + inst.indices.astype(np.int64))
    return np.bincount(key % m, minlength=m).astype(np.int64).tolist()
