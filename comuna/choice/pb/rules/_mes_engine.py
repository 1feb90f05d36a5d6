"""The engine behind comuna.choice.rules.mes: one MES run, exact, on merged voter groups,
restartable at a higher per-voter budget from the first round that can change.

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

Restarts (for the completion, which reruns MES at ``b + 1, b + 2, ...``). Fix the sequence of
funded projects; call it the forced run, defined for every larger ``b'``. Facts used, each
easy to check round by round:

1. Every budget and every project's money grow with ``b'``; every price ``rho`` falls.
   A full payer stays a full payer; an all-in payer may become a full payer.
2. A voter who still has money at ``b`` gains at least ``b' - b`` (prices only fall), so the
   funded project's ``rho`` is at most ``mu(b')``, its water level with the budgets
   ``beta + (b' - b) * alive``; ``mu`` is convex in ``b'`` (budgets affine in ``b'``: the set
   ``{(b', rho): sum_i min(budget_i(b'), rho * sat) >= cost}`` is convex), so on ``[b, b1]``
   it lies under its chord.
3. Budgets grow at most at rate ``Gam`` (``_gam_step``: 1 at the start; a full payer adds
   ``sat * D`` where ``D`` bounds how fast the price falls; an all-in payer short of the price
   by ``delta`` stays broke for a while, counted over a horizon). With those upper budgets
   another project's ``rho`` is at least a convex function of ``b'``, hence above its tangent
   at ``b``: a line. A line computed in an earlier round still bounds ``rho`` later (within a
   run ``rho`` only grows from round to round).

So a round's choice stands for every ``b'`` in ``[b, Uc)``, where up to ``Uc`` every other
project's line stays above the chord of ``mu``, or its supporters' money (growing at most at
rate ``Gam``) stays under its cost; stale lines are refreshed where they are the limit.
``Uc`` is about the forced run: it holds whenever the earlier rounds funded the same
projects. While moreover every round keeps its all-in payers (``b' < Up``), budgets are
exactly affine in ``b'`` (slopes ``gamma``), and the saved state of a round is moved there
without recomputing. A rerun at ``b'`` takes the saved state of the first round with
``Up <= b'``, replays (one water level each, no search) the rounds up to the first with
``Uc <= b'``, and computes the rest afresh; when no ``Uc <= b'``, the outcome is the same and
the completion skips ``b'`` altogether. Bounds are floats with margins (relative ``REL``) on
the safe side; an exact or near tie sets the bound to ``b`` itself, unless every tied rival
is at its floor: its exact rho is its cost over the satisfaction of its supporters who still
have money, a least value it keeps at every larger ``b`` (below the earlier rounds' ``Up``,
the voters left with nothing stay so), while the winner's rho only falls. The completion's
tests check the result against plain one-unit stepping.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from comuna.choice.pb.instance import PBInstance

try:  # the C function behind np.count_nonzero, without its Python wrapper (hot loop)
    from numpy._core._multiarray_umath import count_nonzero as _count
except ImportError:  # pragma: no cover - other numpy layouts
    _count = np.count_nonzero

REL = 1e-9  # float decisions closer than this (relative) to a tie are re-decided exactly
INF = float("inf")
# certificates hold over [b, b + HORIZON] at most: a short horizon lets voters who paid all
# they had count as staying (nearly) broke, which keeps the bounds tight
HORIZON = 16.0


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
    """What round t did. While the run is certified these sets do not depend on ``b``.

    The masks run over the funded project's supporter entries ``lo:hi``.
    """

    project: int
    lo: int
    hi: int
    x: float  # the budget it was computed at (rho_f and drho are at that budget)
    rho_f: float
    drho: float  # d rho / d b with these payers
    pa_m: np.ndarray  # paid all they had (and had something)
    keep_m: np.ndarray  # paid the full price and kept some money
    drained_m: np.ndarray  # left with nothing (all-in payers, or exactly the price)
    poor_w: int  # voters who paid all they had (and had something)
    rich_sat: int  # sum of weight * sat over all full payers (incl. those left with 0)
    rich_voters: int
    poor_m: np.ndarray  # paid all they had, or had nothing
    cons_m: np.ndarray  # poor_m plus full payers too close to the price to be sure
    rich_cons: float  # sum of weight * sat outside cons_m


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
class _Snap:
    """The state at the start of a round (its arrays are never modified in place)."""

    x: float
    beta: np.ndarray | None  # the big arrays: None when never needed (see _snapshot)
    gamma: np.ndarray | None
    alive: np.ndarray | None
    rem: np.ndarray
    lb: np.ndarray
    lbx: np.ndarray
    lbs: np.ndarray
    lbH: np.ndarray
    nsel: int
    icost: int
    dropped: dict[int, int]


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
    """One MES run at per-voter budget ``b``; ``restart(b2)`` turns it into the run at ``b2``.

    ``cap``: stop as soon as the funded cost exceeds it (the completion only needs to know
    that it did). ``certify``: compute the bounds that let ``restart`` reuse rounds.
    """

    def __init__(
        self, eng: Engine, b: Fraction, cap: Fraction | None = None, certify: bool = False
    ):
        self.e = eng
        self.cap = cap
        self.certify = certify
        G = len(eng.g.weight)
        m = eng.inst.n_projects
        self._set_b(b)
        self.H = INF  # Gam holds for every larger b until it uses a horizon
        self.beta = np.full(G, self.x)
        self.gamma = np.ones(G)  # d budget / d b with this run's payers
        self.Gam = np.ones(G)  # budget(b') <= budget(b) + (b' - b) * Gam on [b, H]
        self.alive = np.ones(G, dtype=bool)
        self.rem = eng.eligible.copy()
        # per project, a line under its rho: lb + (b' - lbx) * lbs for b' in [lbx, lbH]
        self.lb = eng.lb0.copy()
        self.lbx = np.full(m, self.x)
        self.lbs = np.zeros(m)
        self.lbH = np.full(m, INF)  # lb0 holds for every b
        self.fresh = np.full(m, -1, dtype=np.int64)
        self.selected: list[int] = list(eng.free)
        self.icost = 0  # funded cost times inst.scale (an int: cheap to add up)
        self.icap = None if cap is None else cap * eng.inst.scale
        self.dropped: dict[int, int] = {}
        self.rounds: list[Round] = []
        self.snaps: list[_Snap] = []
        # per round (plus one for the end of a complete run): for every b' in [b, U) ...
        self.Uc: list[float] = []  # ... the same project is funded (or the run ends)
        self.Up: list[float] = []  # ... and by the same all-in payers
        self.overspent = False
        self._live = False
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
        inv = np.asarray(inv).reshape(-1).tolist()
        alive = self.alive[idx].tolist()
        return [vals[k] if a else Fraction(0) for k, a in zip(inv, alive, strict=True)]

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

    def _eval(self, j: int) -> tuple[float, float, float, float]:
        """Float (rho, supporters' money, slope of rho's lower line, money's upper slope).

        rho is inf when the supporters cannot afford project ``j``. The two slopes are only
        computed in certified rounds (else 0).
        """
        e = self.e
        lo, hi = e.ptr[j], e.ptr[j + 1]
        idx = e.g.grp[lo:hi]
        beta = self.beta[idx]
        w = e.e_w[lo:hi]
        avail = float(w @ beta)
        c = e.costl[j]
        cert = self._live
        if avail < c * (1 + REL) and (c - avail > REL * c or self.supporters_money(j) < e.costs[j]):
            return INF, avail, 0.0, (float(w @ self.Gam[idx]) if cert else 0.0)
        wb = w * beta
        s = e.uniform[j] or e.e_s[lo:hi]  # one value for all supporters, when it is so
        ws = e.e_ws[lo:hi]
        rho = _water_level(beta, wb, s, ws, e.totf[j], c)
        if not cert:
            return rho, avail, 0.0, 0.0
        # the line's slope: budgets grow at most at rate Gam, and supporters near the price
        # count as all-in payers (a steeper line, still below rho)
        poor_c = beta < rho * s * (1 + REL) + REL * self.x
        rich = e.totf[j] - float(ws @ poor_c)
        wG = w * self.Gam[idx]
        slope = -float(wG @ poor_c) / rich if rich > 0 else -INF
        return rho, avail, slope, float(wG.sum())

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
        s = e.g.sat[lo:hi].tolist()
        w = e.g.weight[idx].tolist()
        bud = self.budgets_exact(idx)
        paid, denom = Fraction(0), sum(a * b for a, b in zip(w, s, strict=True))
        for k in sorted(range(len(bud)), key=lambda k: bud[k] / s[k]):
            lvl = (e.costs[j] - paid) / denom
            if lvl * s[k] <= bud[k]:
                return lvl
            paid += w[k] * bud[k]
            denom -= w[k] * s[k]
        raise AssertionError("water level of an unaffordable project")

    # -- bounds -----------------------------------------------------------------------------

    def _lines(self, x: float) -> np.ndarray:
        """Lower bounds on every project's rho at ``x`` (now or in a later round)."""
        with np.errstate(over="ignore"):  # a steep line far from its point: -inf, as it is
            on = self.lb + (x - self.lbx) * self.lbs  # slopes are finite: no 0 * inf
        return np.where(x <= self.lbH, on, self.e.lb0)

    def _drop_bound(self, j: int, avail: float, dmoney: float) -> float:
        """b below which project j's supporters still hold less than its cost."""
        c = self.e.costf[j]
        num = c - avail - REL * (c + avail)
        if num <= 0:
            return self.x
        if dmoney <= 0:
            return self.H
        return min(self.H, self.x + (num / dmoney) * (1 - REL))

    def _at_floor(self, j: int, rho: Fraction) -> int:
        """Whether ``rho``, project j's exact price now, is its least value in this round at
        every larger b: 1 when it is cost / total_sat; 2 when it is cost / (the satisfaction
        of the supporters who still have money), which holds while the voters left with
        nothing stay so (b below every earlier round's ``Up``: they keep paying all they
        have; nobody paid exactly what they had); else 0."""
        e = self.e
        if rho * e.g.total_sat[j] == e.costs[j]:
            return 1
        lo, hi = e.ptr[j], e.ptr[j + 1]
        alive = self.alive[e.g.grp[lo:hi]]
        return 2 if rho * e.exact_dot(lo, hi, alive) == e.costs[j] else 0

    def _certify_others(
        self, win: int, plan: dict, U: float, t: int, settled: list[int] | None = None
    ) -> float:
        """How far (in b) the funded project keeps beating every other project in play.

        For b' >= b the funded project's rho is at most ``mu(b')``, its water level with the
        budgets ``beta + (b' - b) * alive``: a voter who still has money gets at least the
        whole raise (prices only fall), one who has none has at least 0. ``mu`` is convex
        (budgets affine in b'), so on [b, b1] it lies under the chord through ``mu(b)`` and
        ``mu(b1)``, while every other project's rho lies above its line; both being affine,
        checking the two ends suffices. b1 is the last whole step before the tangent of
        ``mu`` meets the first line (stale lines are refreshed when they are the limit).
        Projects in ``settled`` are proven (exactly) never to beat the winner in this round.
        """
        x = self.x
        rho_t = plan["rho_f"]
        mu_slope = plan["mu"]
        skip = [win, *(settled or ())]

        def in_play() -> np.ndarray:
            rem = self.rem.copy()
            rem[skip] = False
            return np.nonzero(rem)[0]

        others = in_play()

        def gaps(q: np.ndarray, at: float, top: float) -> np.ndarray:
            L = self._lines(at)[q]
            return L - top - REL * (np.abs(L) + abs(top))

        def cross(q: np.ndarray) -> np.ndarray:
            # where line q meets the tangent of mu (an optimistic guess of the crossing)
            gap = gaps(q, x, rho_t)
            dsl = self.lbs[q] * (1 + REL) - mu_slope
            with np.errstate(divide="ignore", invalid="ignore"):
                far = np.where(dsl < 0, x + gap / -dsl, INF)
            return np.where(gap > 0, np.minimum(far, self.lbH[q]), x)

        dropped = False
        if len(others):
            Uq = cross(others)
            for pos in np.argsort(Uq).tolist():
                if Uq[pos] >= U or U < x + 1:
                    break
                q = int(others[pos])
                if self.fresh[q] == t:
                    U = min(U, float(Uq[pos]))
                    continue
                rho, avail, slope, dmoney = self._eval(q)
                if rho == INF:  # unaffordable now, so for good in this run: drop it
                    self.rem[q] = False
                    self.dropped[q] = t
                    U = min(U, self._drop_bound(q, avail, dmoney))
                    dropped = True
                    continue
                self._set_line(q, rho, slope, t)
                U = min(U, float(cross(np.array([q]))[0]))
            if dropped:
                others = in_play()
        steps = math.floor(min(U, self.H, x + 2.0**50) - x)
        if steps < 1:
            return x
        if not len(others):
            return min(U, self.H)
        # mu at the far end, then the chord; every line must stay above it at both ends
        x1 = x + steps
        e = self.e
        lo, hi = plan["lo"], plan["hi"]
        beta1 = self.beta[plan["idx"]] + steps * self.alive[plan["idx"]]
        wb1 = e.e_w[lo:hi] * beta1
        mu1 = _water_level(beta1, wb1, e.e_s[lo:hi], e.e_ws[lo:hi], e.totf[win], e.costf[win])
        mu1 *= 1 + REL
        g0 = gaps(others, x, rho_t)
        g1 = gaps(others, x1, mu1)
        if (g1 > 0).all() and (g0 > 0).all():
            return min(U, x1 + REL * (1 + abs(x1)))
        # some line dips under the chord before b1: stop where the first one does
        with np.errstate(divide="ignore", invalid="ignore"):
            d = np.where(g0 > 0, np.where(g1 > 0, INF, g0 / (g0 - g1) * steps), 0.0)
        return min(U, x + float(d.min()) * (1 - REL))

    def _set_line(self, j: int, rho: float, slope: float, t: int) -> None:
        self.lb[j], self.lbx[j], self.lbs[j] = rho, self.x, max(slope, -1e300)
        self.lbH[j] = self.H if self._live else self.x
        self.fresh[j] = t

    # -- the run ----------------------------------------------------------------------------

    def _snapshot(self) -> None:
        # the budgets are only ever restored from a round before the first whose payers
        # change within b + 1 (restarts come at b + 1 or later): skip copying them after it
        big = not self.Up or min(self.Up) > self.x + 1
        self.snaps.append(
            _Snap(
                self.x,
                self.beta.copy() if big else None,
                self.gamma.copy() if big else None,
                self.alive.copy() if big else None,
                self.rem.copy(),
                self.lb.copy(),
                self.lbx.copy(),
                self.lbs.copy(),
                self.lbH.copy(),
                len(self.selected),
                self.icost,
                dict(self.dropped),
            )
        )

    def _advance(self) -> None:
        e = self.e
        tie = e.tie
        x = self.x
        while True:
            t = len(self.rounds)
            # a bound at most b + 1 (the next budget the completion tries) means the run is
            # recomputed from there anyway: no need to certify what follows
            live = self.certify and (not self.Uc or min(self.Uc) > x + 1)
            self._live = live
            if live:
                self._snapshot()
            U = self.H if live else x
            cand = np.nonzero(self.rem)[0]
            eff = self._lines(x)[cand]
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
                rho, avail, slope, dmoney = self._eval(j)
                if rho == INF:
                    self.rem[j] = False
                    self.dropped[j] = t
                    if live:
                        U = min(U, self._drop_bound(j, avail, dmoney))
                    unaffordable += 1
                    if unaffordable == 8 and len(order) - k > 16:
                        # many drop-outs (typically the last round): check the rest at once
                        U = min(U, self._drop_all(cand[order[k + 1 :]], t, live))
                    continue
                self._set_line(j, rho, slope, t)
                evaluated.append((rho, j))
                best = min(best, rho)
            if not evaluated:  # the end: every project left stays unaffordable below U
                self.Uc.append(U)
                self.Up.append(U)
                return
            near = [j for rho, j in evaluated if rho <= best * (1 + 4 * REL)]
            rho_x: Fraction | None = None
            settled: list[int] = []
            if len(near) == 1:
                win = near[0]
            else:
                exact = {j: self.level_exact(j, self.lb[j]) for j in near}
                win = min(near, key=lambda j: (exact[j], tie[j]))
                rho_x = exact[win]
                # a near rival whose rho is at its floor cost / total_sat keeps at least that
                # rho at every larger b, while the winner's only falls: it loses for good
                floors = {j: self._at_floor(j, exact[j]) for j in near if j != win}
                settled = [j for j, f in floors.items() if f]
                if 2 in floors.values():  # a floor that holds while the dead stay dead
                    U = min(U, min(self.Up, default=INF))
                if len(settled) < len(near) - 1:
                    U = x  # an exact tie, or nearly: no claim beyond this b
            plan = self._plan(win, float(self.lb[win]), rho_x)
            if live and U > x + 1:
                U = self._certify_others(win, plan, U, t, settled)
            self._pay(win, plan)
            self.Uc.append(U)
            self.Up.append(min(U, plan["U"]))
            if self.icap is not None and self.icost > self.icap:
                self.overspent = True
                return

    def _drop_all(self, q: np.ndarray, t: int, live: bool) -> float:
        """Drop every project in ``q`` its supporters clearly cannot afford (one pass over
        all supporters); returns the bound for those drop-outs."""
        e = self.e
        money = np.add.reduceat(e.e_w * self.beta[e.g.grp], e.g.ptr[:-1])[q]
        out = money < e.costf[q] * (1 - 2 * REL)
        if not out.any():
            return INF
        gone = q[out]
        self.rem[gone] = False
        for j in gone.tolist():
            self.dropped[j] = t
        if not live:
            return self.x
        grow = np.add.reduceat(e.e_w * self.Gam[e.g.grp], e.g.ptr[:-1])[gone]
        return min(
            self._drop_bound(int(j), float(a), float(d))
            for j, a, d in zip(gone, money[out], grow, strict=True)
        )

    def _plan(self, j: int, rho_f: float, rho: Fraction | None) -> dict:
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
        exact_tie = False
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
                        drained[k] = exact_tie = True
        poor_alive = poor & self.alive[idx]
        ew = e.e_w[lo:hi]
        ews = e.e_ws[lo:hi]
        plan = {
            "lo": lo,
            "hi": hi,
            "idx": idx,
            "beta": beta,
            "target": target,
            "poor": poor,
            "poor_alive": poor_alive,
            "rich": rich,
            "drained": drained,
            "rho_f": rho_f,
            "rho": rho,
            "rich_sat": e.exact_dot(lo, hi, rich),
            "drho": 0.0,
            "mu": 0.0,
            "U": self.x,
            "cons": poor,
            "rich_cons": 0.0,
        }
        if not self._live:
            return plan
        rich_f = float(plan["rich_sat"])
        plan["drho"] = -float(ew[poor_alive] @ self.gamma[idx[poor_alive]]) / rich_f
        # slope of mu (see _certify_others): all-in payers with money gain 1 per unit
        plan["mu"] = -float(ew @ poor_alive) / rich_f * (1 - REL)
        # for Gam: full payers too near the price count as possible all-in payers
        cons = d < tol + REL * self.x
        plan["cons"] = cons
        plan["rich_cons"] = float(ews @ ~cons)
        if not exact_tie:
            # all-in payers must stay short of the price: beta + d*gamma < (rho + d*drho)*s
            pa = np.nonzero(poor_alive)[0]
            if len(pa):
                num = -d[pa] - tol
                den = self.gamma[idx[pa]] - plan["drho"] * (1 + REL) * sf[pa]
                step = np.where(num > 0, num / den, 0.0)
                plan["U"] = self.x + float(step.min()) * (1 - REL)
            else:
                plan["U"] = INF
        return plan

    def _gam_step(
        self,
        lo: int,
        hi: int,
        idx: np.ndarray,
        beta: np.ndarray,
        rho_f: float,
        poor: np.ndarray,
        cons: np.ndarray,
        rich_cons: float,
    ) -> None:
        """Update Gam for a round funding the project with supporter entries lo:hi.

        On [b, H] the price falls by at most D per unit (the all-in payers' money grows at
        most at rate Gam; full payers stay full payers), so a full payer's budget grows by at
        most Gam + s*D per unit, and an all-in payer, short of the price by ``delta`` at b,
        stays at 0 until it catches up: under the chord, slope max(0, Gam + s*D - delta/L).
        """
        e = self.e
        sf = e.e_s[lo:hi]
        G = self.Gam[idx]
        if rich_cons > 0:
            D = float(e.e_w[lo:hi][cons] @ G[cons]) / rich_cons * (1 + REL)
        else:
            D = INF
        newG = G + sf * D
        short = rho_f * sf[poor] - beta[poor] - REL * (self.x + rho_f * sf[poor])
        short = np.maximum(short, 0.0)
        if short.any():
            # valid on [b, b + HORIZON] only from now on
            self.H = min(self.H, self.x + HORIZON)
            newG[poor] = np.maximum(0.0, newG[poor] - short / HORIZON)
        self.Gam[idx] = newG

    def _pay(self, j: int, p: dict) -> None:
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
                x=self.x,
                rho_f=p["rho_f"],
                drho=p["drho"],
                pa_m=pa,
                keep_m=keep,
                drained_m=drained,
                poor_w=int(ew @ pa),
                rich_sat=p["rich_sat"],
                rich_voters=int(ew @ rich),
                poor_m=p["poor"],
                cons_m=p["cons"],
                rich_cons=p["rich_cons"],
            )
        )
        if p["rho"] is not None and len(self._rho) == len(self.rounds) - 1:
            self._rho.append(p["rho"])
        if self._live:
            self._gam_step(lo, hi, idx, p["beta"], p["rho_f"], p["poor"], p["cons"], p["rich_cons"])
            self.gamma[idx] = np.where(keep, self.gamma[idx] - p["drho"] * e.e_s[lo:hi], 0.0)
        self.beta[idx] = np.where(keep, p["beta"] - p["target"], 0.0)
        self.alive[idx] = keep
        self._ycache = None
        self.rem[j] = False
        self.selected.append(j)
        self.icost += e.icosts[j]

    # -- restarts ---------------------------------------------------------------------------

    def same_at(self, b: Fraction) -> bool:
        """True when the run at ``b`` is proven to fund the same projects in the same order."""
        x = float(b)
        return not self.overspent and all(u > x for u in self.Uc)

    def restart(self, b: Fraction) -> None:
        """Become the run at ``b`` (> the current b), reusing what is proven unchanged.

        Rounds before the first ``Up <= b`` keep their payers: their saved state moves along
        its slopes. Rounds from there to the first ``Uc <= b`` keep their project: they are
        replayed (one water level each, no search). The rest is computed afresh.
        """
        x = float(b)
        T = len(self.rounds)
        rc = next((t for t, u in enumerate(self.Uc) if u <= x), len(self.Uc))
        rc = min(rc, T + 1)
        rp = min(rc, next((t for t, u in enumerate(self.Up) if u <= x), len(self.Up)))
        later = self.snaps[rc] if rc < len(self.snaps) else None
        snap = self.snaps[rp]
        assert snap.beta is not None, "restarts start from a saved state"
        self._set_b(b)
        self.H = INF
        self.beta = snap.beta + (x - snap.x) * snap.gamma
        self.gamma, self.alive = snap.gamma.copy(), snap.alive.copy()
        # Gam again from round 0, for the horizon [b, b + HORIZON]
        self.Gam = np.ones(len(self.e.g.weight))
        for t in range(rp):
            rd, sn = self.rounds[t], self.snaps[t]
            idx = self.e.g.grp[rd.lo : rd.hi]
            beta = sn.beta[idx] + (x - sn.x) * sn.gamma[idx]
            rho_f = rd.rho_f + (x - rd.x) * rd.drho
            self._gam_step(rd.lo, rd.hi, idx, beta, rho_f, rd.poor_m, rd.cons_m, rd.rich_cons)
        self.rem = snap.rem.copy()
        self.lb, self.lbx, self.lbs = snap.lb.copy(), snap.lbx.copy(), snap.lbs.copy()
        self.lbH = snap.lbH.copy()
        self.fresh[:] = -1
        self.selected = self.selected[: snap.nsel]
        self.icost = snap.icost
        self.dropped = dict(snap.dropped)
        replay = [rd.project for rd in self.rounds[rp:rc]]
        old_uc = self.Uc[rp : rp + len(replay)]
        del self.rounds[rp:], self.snaps[rp:], self.Uc[rp:], self.Up[rp:]
        self.overspent = False
        self._ycache = None
        self._live = True
        for j, uc in zip(replay, old_uc, strict=True):
            self._snapshot()
            rho, _, _, _ = self._eval(j)
            plan = self._plan(j, rho, None)
            self._pay(j, plan)
            self.Uc.append(uc)
            self.Up.append(min(uc, plan["U"]))
        if later is not None and rc > rp:
            # the projects' lines and the drop-outs as they stood at round rc
            self.rem = later.rem.copy()
            self.lb, self.lbx, self.lbs = later.lb.copy(), later.lbx.copy(), later.lbs.copy()
            self.lbH = later.lbH.copy()
            self.dropped = dict(later.dropped)
        self._advance()
