"""One Method of Equal Shares run, exact, on merged voter groups (comuna.choice.pb.rules.mes).

Definitions (pabutools 1.2.3, ``mes_rule.py``). Each voter starts with budget ``b``. In a round,
project ``j``'s price ``rho`` is the water level: the least ``rho`` with
``sum_i min(budget_i, rho * sat_ij) >= cost_j`` over its supporters (``rho`` is unique, and it
is what pabutools' sorted scan finds). The cheapest affordable project is funded (exact ties:
lowest tie rank), each supporter pays ``min(budget_i, rho * sat_ij)``; projects whose
supporters hold less than the cost drop out.

Exactness. Budgets are float64; a decision is taken in floats only when its margin exceeds
``REL`` (relative), otherwise it is re-decided exactly. The exact state is never stored per
voter: a group that paid the full price in rounds ``t`` holds ``b - sum_t rho_t * sat``, or 0
once it paid everything it had, and ``rho_t = (cost - money of the all-in payers) / (sat of
the full payers)``; the sets of payers per round are kept, so exact values are rebuilt with
Fractions only when a near-tie needs them.

The completion (rerunning MES at ``b + 1, b + 2, ...``) runs in ``_mes_raise``; this module
is its exact reference and fallback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from comuna.choice.pb.instance import PBInstance

try:  # the C function behind np.count_nonzero, without its Python wrapper (hot loop)
    from numpy._core._multiarray_umath import (  # type: ignore[import-not-found]
        count_nonzero as _count,
    )
except ImportError:  # pragma: no cover - other numpy layouts
    _count = np.count_nonzero

REL = 1e-9  # float decisions closer than this (relative) to a tie are re-decided exactly
INF = float("inf")


@dataclass
class Groups:
    """Identical ballots merged: per project, the supporting groups and their satisfaction."""

    n_voters: int
    weight: np.ndarray  # int64, voters per group
    ptr: np.ndarray  # int64, project j's supporters are entries ptr[j]:ptr[j+1]
    grp: np.ndarray  # int64, group of each entry
    sat: np.ndarray  # int64, satisfaction of each entry (Cost_Sat: the scaled cost)
    voters: np.ndarray  # int64, voters supporting each project
    total_sat: list[int]  # per project, sum of weight * sat (exact)


def make_groups(inst: PBInstance, sat: str) -> Groups:
    """Supporters per project for ``sat`` in cost | card | points, identical ballots merged.

    Merging is exact: voters with the same satisfaction for every project are treated the
    same in every round, so they always hold the same budget.
    """
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
    start = np.concatenate(([0], np.cumsum(length)[:-1])) if n else length
    col = np.arange(len(proj)) - np.repeat(start, length)
    rows = np.full((n, max(2 * width, 1)), -1, dtype=np.int64)
    rows[voter, 2 * col] = proj
    rows[voter, 2 * col + 1] = value
    gid = np.zeros(n, dtype=np.int64)
    weight = np.zeros(0, dtype=np.int64)
    first = np.zeros(0, dtype=np.int64)
    if n:
        order = np.lexsort(rows.T[::-1])
        sorted_rows = rows[order]
        new = np.ones(n, dtype=bool)
        new[1:] = (sorted_rows[1:] != sorted_rows[:-1]).any(axis=1)
        gid_sorted = np.cumsum(new) - 1
        gid[order] = gid_sorted
        weight = np.bincount(gid_sorted).astype(np.int64)
        first = order[new]  # a representative voter per group
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
    return Groups(n, weight, ptr, e_grp, e_val, voters, total_sat)


@dataclass
class Round:
    """What round t did; the masks run over the funded project's supporter entries ``lo:hi``."""

    project: int
    lo: int
    hi: int
    rho_f: float
    pa_m: np.ndarray  # paid all they had (and had something)
    keep_m: np.ndarray  # paid the full price and kept some money
    drained_m: np.ndarray  # left with nothing (all-in payers, or exactly the price)
    poor_w: int  # voters who paid all they had (and had something)
    rich_sat: int  # sum of weight * sat over all full payers (incl. those left with 0)
    rich_voters: int


def _water_level(
    beta: np.ndarray, wb: np.ndarray, s: np.ndarray | float, ws: np.ndarray, total: float, c: float
) -> float:
    """Float rho with ``sum w * min(beta, rho * s) = c`` (the supporters' money covers c).

    Start with nobody short of the price; whoever is short pays all they have and the price
    is recomputed for the others. The set of all-in payers only grows, so this ends, in a
    few passes in practice.
    """
    rho = c / total
    poor = beta < rho * s
    npoor = _count(poor)
    n = passes = len(beta)
    while npoor and passes >= 0:  # (the cap only guards against float oddities)
        passes -= 1
        if npoor == n or (rich := total - float(ws @ poor)) <= 0:
            # money = cost: everyone pays all they have, the richest per unit exactly so
            return float((beta / s).max())
        rho = (c - float(wb @ poor)) / rich
        poor = beta < rho * s
        k = _count(poor)
        if k == npoor:
            break
        npoor = k
    return rho


@dataclass
class Engine:
    """Static data of one election under one satisfaction measure."""

    inst: PBInstance
    sat: str
    tie_rank: np.ndarray
    g: Groups = field(init=False)

    def __post_init__(self) -> None:
        inst, g = self.inst, make_groups(self.inst, self.sat)
        self.g = g
        self.costs = [p.cost for p in inst.projects]
        self.icosts = [int(c) for c in inst.int_costs]
        self.costf = np.array([float(c) for c in self.costs], dtype=np.float64)
        self.totf = np.array([float(t) for t in g.total_sat], dtype=np.float64)
        self.wf = g.weight.astype(np.float64)
        self.e_w = self.wf[g.grp]  # weight per entry
        self.e_s = g.sat.astype(np.float64)
        self.e_ws = self.e_w * self.e_s
        self.eligible = np.array(
            [g.total_sat[j] > 0 and self.costs[j] > 0 for j in range(inst.n_projects)], dtype=bool
        )
        # pabutools funds projects with supporters and cost 0 before the rounds
        self.free = [j for j in range(inst.n_projects) if g.total_sat[j] > 0 and self.costs[j] == 0]
        self.tie = np.asarray(self.tie_rank, dtype=np.int64)
        self.ptr = g.ptr.tolist()  # Python ints and floats: cheaper in the per-project loop
        self.costl = self.costf.tolist()
        with np.errstate(divide="ignore", invalid="ignore"):
            # pabutools' initial affordability cost / total_sat: rho is never lower
            self.lb0 = np.where(self.eligible, self.costf / self.totf, INF)
        m = inst.n_projects
        # per project: its one satisfaction value if all supporters share it (else 0)
        self.uniform = np.zeros(m)
        self.smax = np.zeros(m)
        for j in range(m):
            sj = g.sat[g.ptr[j] : g.ptr[j + 1]]
            if len(sj):
                self.smax[j] = float(sj.max())
                if sj.min() == sj.max():
                    self.uniform[j] = float(sj[0])
        # float dot products of weights and satisfactions are exact below 2**53
        self.float_exact = sum(g.total_sat) < 2**53

    def exact_dot(self, lo: int, hi: int, mask: np.ndarray) -> int:
        """Exact sum of weight * sat over the entries lo:hi selected by ``mask``."""
        if self.float_exact:
            return int(self.e_ws[lo:hi] @ mask)
        return int((self.g.weight[self.g.grp[lo:hi]] * self.g.sat[lo:hi])[mask].sum())


class Run:
    """One MES run at per-voter budget ``b``.

    ``cap``: stop as soon as the funded cost exceeds it (the completion only needs to know
    that it did; ``overspent`` says so).
    """

    def __init__(self, eng: Engine, b: Fraction, cap: Fraction | None = None):
        self.e = eng
        self.cap = cap
        G = len(eng.g.weight)
        self._set_b(b)
        self.beta = np.full(G, self.x)
        self.alive = np.ones(G, dtype=bool)
        self.rem = eng.eligible.copy()
        self.lb = eng.lb0.copy()  # per project, a lower bound on its rho (its last rho)
        self.selected: list[int] = list(eng.free)
        self.icost = 0  # funded cost times inst.scale (an int: cheap to add up)
        self.icap = None if cap is None else cap * eng.inst.scale
        self.dropped: dict[int, int] = {}
        self.rounds: list[Round] = []
        self.overspent = False
        self._ycache: tuple[int, np.ndarray] | None = None
        self._advance()

    @property
    def cost(self) -> Fraction:
        """Total cost of the funded projects."""
        return Fraction(self.icost, self.e.inst.scale)

    def _set_b(self, b: Fraction) -> None:
        self.b = b
        self.x = float(b)
        self._rho: list[Fraction] = []  # exact rho per round at this b, filled on demand

    # -- exact values, rebuilt from the history ------------------------------------------

    def _ydense(self, T: int) -> np.ndarray:
        """Y[g, t]: group g's satisfaction if it paid the full price in round t and kept money."""
        if self._ycache is not None and self._ycache[0] == T:
            return self._ycache[1]
        Y = np.zeros((len(self.e.g.weight), max(T, 1)), dtype=np.int64)
        grp, sat = self.e.g.grp, self.e.g.sat
        for t in range(T):
            rd = self.rounds[t]
            Y[grp[rd.lo : rd.hi][rd.keep_m], t] = sat[rd.lo : rd.hi][rd.keep_m]
        self._ycache = (T, Y)
        return Y

    def rho_exact(self, t: int) -> Fraction:
        """The exact price per unit of satisfaction of round ``t`` (0-based)."""
        while len(self._rho) <= t:
            r = len(self._rho)
            rd = self.rounds[r]
            poor = self.b * rd.poor_w
            if r and rd.poor_w:
                Y = self._ydense(len(self.rounds))
                pidx = self.e.g.grp[rd.lo : rd.hi][rd.pa_m]
                hist = self.e.g.weight[pidx] @ Y[pidx, :r]
                poor -= sum((self._rho[u] * int(hist[u]) for u in np.nonzero(hist)[0]), Fraction(0))
            self._rho.append((self.e.costs[rd.project] - poor) / rd.rich_sat)
        return self._rho[t]

    def rhos(self) -> list[Fraction]:
        if self.rounds:
            self.rho_exact(len(self.rounds) - 1)
        return self._rho[: len(self.rounds)]

    def all_in_paid(self, t: int) -> Fraction:
        """Exact money paid in round ``t`` by supporters who paid all they had."""
        rd = self.rounds[t]
        return self.e.costs[rd.project] - self.rho_exact(t) * rd.rich_sat

    def budgets_exact(self, idx: np.ndarray) -> list[Fraction]:
        """Exact current budgets of groups ``idx``."""
        T = len(self.rounds)
        if T == 0:
            return [self.b if a else Fraction(0) for a in self.alive[idx].tolist()]
        rows = self._ydense(T)[idx, :T]
        uniq, inv = np.unique(rows, axis=0, return_inverse=True)
        rhos = self.rhos()
        vals = [
            self.b - sum((rhos[u] * int(row[u]) for u in np.nonzero(row)[0]), Fraction(0))
            for row in uniq
        ]
        where = np.asarray(inv).reshape(-1).tolist()
        alive = self.alive[idx].tolist()
        return [vals[k] if a else Fraction(0) for k, a in zip(where, alive, strict=True)]

    def sum_exact(self, idx: np.ndarray) -> Fraction:
        """Exact total current money of groups ``idx`` (weighted by voters)."""
        idx = idx[self.alive[idx]]
        w = self.e.g.weight[idx]
        total = self.b * int(w.sum())
        T = len(self.rounds)
        if T and len(idx):
            hist = w @ self._ydense(T)[idx, :T]
            rhos = self.rhos()
            total -= sum((rhos[u] * int(hist[u]) for u in np.nonzero(hist)[0]), Fraction(0))
        return total

    def supporters_money(self, j: int, t: int | None = None) -> Fraction:
        """Exact money of project j's supporters, now or at the start of round ``t``."""
        g = self.e.g
        idx = g.grp[g.ptr[j] : g.ptr[j + 1]]
        if t is None or t >= len(self.rounds):
            return self.sum_exact(idx)
        alive = np.ones(len(g.weight), dtype=bool)
        for rd in self.rounds[:t]:
            alive[g.grp[rd.lo : rd.hi][rd.drained_m]] = False
        idx = idx[alive[idx]]
        w = g.weight[idx]
        total = self.b * int(w.sum())
        if t and len(idx):
            hist = w @ self._ydense(len(self.rounds))[idx, :t]
            rhos = self.rhos()
            total -= sum((rhos[u] * int(hist[u]) for u in np.nonzero(hist)[0]), Fraction(0))
        return total

    # -- water levels ---------------------------------------------------------------------

    def _eval(self, j: int) -> float:
        """Float rho of project ``j``; inf when its supporters cannot afford it."""
        e = self.e
        lo, hi = e.ptr[j], e.ptr[j + 1]
        idx = e.g.grp[lo:hi]
        beta = self.beta[idx]
        w = e.e_w[lo:hi]
        avail = float(w @ beta)
        c = e.costl[j]
        if avail < c * (1 + REL) and (c - avail > REL * c or self.supporters_money(j) < e.costs[j]):
            return INF
        s = e.uniform[j] or e.e_s[lo:hi]  # one value for all supporters, when it is so
        return _water_level(beta, w * beta, s, e.e_ws[lo:hi], e.totf[j], c)

    def level_exact(self, j: int, rho_f: float) -> Fraction:
        """Exact rho of project ``j`` (affordable), using the float level for the clear cases."""
        e = self.e
        lo, hi = e.g.ptr[j], e.g.ptr[j + 1]
        idx = e.g.grp[lo:hi]
        s = e.g.sat[lo:hi]
        w = e.g.weight[idx]
        beta = self.beta[idx]
        target = rho_f * s.astype(np.float64)
        tol = REL * (self.x + np.abs(target))
        sure_poor = beta < target - tol
        sure_rich = beta > target + tol
        near_i = np.nonzero(~(sure_poor | sure_rich))[0]
        poor_sum = self.sum_exact(idx[sure_poor])
        rich_sat = int((w[~sure_poor] * s[~sure_poor]).sum())
        exact = self.budgets_exact(idx[near_i]) if len(near_i) else []
        c = e.costs[j]
        for bud, k in sorted(
            zip(exact, near_i.tolist(), strict=True), key=lambda p: p[0] / int(s[p[1]])
        ):
            lvl = (c - poor_sum) / rich_sat
            if lvl * int(s[k]) <= bud:
                return lvl
            poor_sum += int(w[k]) * bud
            rich_sat -= int(w[k]) * int(s[k])
        if rich_sat <= 0:  # the float classification was off; recompute from scratch
            return self._level_exact_slow(j)
        return (c - poor_sum) / rich_sat

    def _level_exact_slow(self, j: int) -> Fraction:
        e = self.e
        lo, hi = e.g.ptr[j], e.g.ptr[j + 1]
        idx = e.g.grp[lo:hi]
        s: list[int] = e.g.sat[lo:hi].tolist()
        w: list[int] = e.g.weight[idx].tolist()
        bud = self.budgets_exact(idx)
        paid, denom = Fraction(0), sum(a * b for a, b in zip(w, s, strict=True))
        for k in sorted(range(len(bud)), key=lambda k: bud[k] / s[k]):
            lvl = (e.costs[j] - paid) / denom
            if lvl * s[k] <= bud[k]:
                return lvl
            paid += w[k] * bud[k]
            denom -= w[k] * s[k]
        raise AssertionError("water level of an unaffordable project")

    # -- the run ----------------------------------------------------------------------------

    def _advance(self) -> None:
        e = self.e
        tie = e.tie
        while True:
            t = len(self.rounds)
            cand = np.nonzero(self.rem)[0]
            eff = self.lb[cand]  # rho only grows within a run: last rounds' rho bound it
            best = INF
            evaluated: list[tuple[float, int]] = []
            order = np.lexsort((tie[cand], eff))
            unaffordable = 0
            for k, pos in enumerate(order.tolist()):
                j = int(cand[pos])
                if eff[pos] > best * (1 + 4 * REL):
                    break
                if not self.rem[j]:
                    continue
                rho = self._eval(j)
                if rho == INF:
                    self.rem[j] = False
                    self.dropped[j] = t
                    unaffordable += 1
                    if unaffordable == 8 and len(order) - k > 16:
                        # many drop-outs (typically the last round): check the rest at once
                        self._drop_all(cand[order[k + 1 :]], t)
                    continue
                self.lb[j] = rho
                evaluated.append((rho, j))
                best = min(best, rho)
            if not evaluated:  # the end: every project left is unaffordable
                return
            near = [j for rho, j in evaluated if rho <= best * (1 + 4 * REL)]
            rho_x: Fraction | None = None
            if len(near) == 1:
                win = near[0]
            else:
                exact = {j: self.level_exact(j, self.lb[j]) for j in near}
                win = min(near, key=lambda j: (exact[j], tie[j]))
                rho_x = exact[win]
            self._pay(win, self._plan(win, float(self.lb[win]), rho_x))
            if self.icap is not None and self.icost > self.icap:
                self.overspent = True
                return

    def _drop_all(self, q: np.ndarray, t: int) -> None:
        """Drop every project in ``q`` its supporters clearly cannot afford (one pass over
        all supporters)."""
        e = self.e
        money = np.add.reduceat(e.e_w * self.beta[e.g.grp], e.g.ptr[:-1])[q]
        gone = q[money < e.costf[q] * (1 - 2 * REL)]
        self.rem[gone] = False
        for j in gone.tolist():
            self.dropped[j] = t

    def _plan(self, j: int, rho_f: float, rho: Fraction | None) -> dict[str, Any]:
        """Who pays what for project j (exact where the floats are too close to call)."""
        e = self.e
        lo, hi = e.g.ptr[j], e.g.ptr[j + 1]
        idx = e.g.grp[lo:hi]
        beta = self.beta[idx]
        if rho is not None:
            rho_f = float(rho)
        s0 = e.uniform[j]
        sf = e.e_s[lo:hi]
        target = rho_f * s0 if s0 else rho_f * sf  # one price for all when sat is uniform
        tol = REL * (self.x + rho_f * e.smax[j])
        d = beta - target
        poor = d < -tol
        rich = d > tol
        drained = poor
        if _count(poor) + _count(rich) < len(d):
            drained = poor.copy()  # pays all it has: less than the price, or exactly it
            s = e.g.sat[lo:hi]
            if rho is None:
                rho = self.level_exact(j, rho_f)
            near_i = np.nonzero(~(poor | rich))[0]
            for bud, k in zip(self.budgets_exact(idx[near_i]), near_i.tolist(), strict=True):
                price = rho * int(s[k])
                if bud < price:
                    poor[k] = drained[k] = True
                else:
                    rich[k] = True
                    if bud == price:
                        drained[k] = True
        return {
            "lo": lo,
            "hi": hi,
            "idx": idx,
            "beta": beta,
            "target": target,
            "poor": poor,
            "poor_alive": poor & self.alive[idx],
            "rich": rich,
            "drained": drained,
            "rho_f": rho_f,
            "rho": rho,
            "rich_sat": e.exact_dot(lo, hi, rich),
        }

    def _pay(self, j: int, p: dict[str, Any]) -> None:
        e = self.e
        lo, hi = p["lo"], p["hi"]
        idx, rich, drained = p["idx"], p["rich"], p["drained"]
        ew = e.e_w[lo:hi]
        pa = p["poor_alive"]
        # every supporter either pays the full price and keeps money, or is left with 0
        keep = rich & ~drained if drained is not p["poor"] else rich
        self.rounds.append(
            Round(
                project=j,
                lo=lo,
                hi=hi,
                rho_f=p["rho_f"],
                pa_m=pa,
                keep_m=keep,
                drained_m=drained,
                poor_w=int(ew @ pa),
                rich_sat=p["rich_sat"],
                rich_voters=int(ew @ rich),
            )
        )
        if p["rho"] is not None and len(self._rho) == len(self.rounds) - 1:
            self._rho.append(p["rho"])
        self.beta[idx] = np.where(keep, p["beta"] - p["target"], 0.0)
        self.alive[idx] = keep
        self._ycache = None
        self.rem[j] = False
        self.selected.append(j)
        self.icost += e.icosts[j]
